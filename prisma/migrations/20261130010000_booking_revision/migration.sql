-- Changing a booking (docs/decisions/017): how often and when it was last
-- changed; with its status the revision makes the iCalendar SEQUENCE, so
-- calendars update the event. The table's grants and RLS policy cover the
-- new columns.
ALTER TABLE "Booking" ADD COLUMN "changedAt" TIMESTAMPTZ(3),
ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0;
