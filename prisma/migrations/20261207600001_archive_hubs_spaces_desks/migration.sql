-- Hubs, spaces and desks can be archived (docs/decisions/035): hidden from
-- booking and the public pages, kept with their bookings for history. A row
-- without bookings is deleted instead. NULL = in use.
ALTER TABLE "Hub" ADD COLUMN "archivedAt" TIMESTAMPTZ(3);
ALTER TABLE "Space" ADD COLUMN "archivedAt" TIMESTAMPTZ(3);
ALTER TABLE "Desk" ADD COLUMN "archivedAt" TIMESTAMPTZ(3);
