-- CreateEnum
CREATE TYPE "SpaceKind" AS ENUM ('EVENT_ROOM', 'SHOWROOM', 'COWORKING', 'MEETING_ROOM');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('PENDING', 'CONFIRMED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Space" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "hubId" UUID NOT NULL,
    "kind" "SpaceKind" NOT NULL,
    "name" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,
    "amenities" TEXT[],
    "accessibilityNotes" TEXT,
    "granularityMinutes" INTEGER NOT NULL DEFAULT 30,
    "minDurationMinutes" INTEGER NOT NULL DEFAULT 30,
    "maxDurationMinutes" INTEGER NOT NULL DEFAULT 600,
    "leadTimeMinutes" INTEGER NOT NULL DEFAULT 0,
    "horizonDays" INTEGER NOT NULL DEFAULT 90,
    "bufferMinutes" INTEGER NOT NULL DEFAULT 0,
    "approvalRequired" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Space_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "Desk" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "attributes" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Desk_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "OpeningHours" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "hubId" UUID NOT NULL,
    "weekday" INTEGER NOT NULL,
    "opensAt" INTEGER NOT NULL,
    "closesAt" INTEGER NOT NULL,

    CONSTRAINT "OpeningHours_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "OpeningException" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "hubId" UUID NOT NULL,
    "date" DATE NOT NULL,
    "note" TEXT,

    CONSTRAINT "OpeningException_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "Booking" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "deskId" UUID,
    "userId" UUID NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "status" "BookingStatus" NOT NULL DEFAULT 'CONFIRMED',
    "purpose" TEXT,
    "attendees" INTEGER NOT NULL DEFAULT 1,
    "cancelledAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Space_tenantId_hubId_name_key" ON "Space"("tenantId", "hubId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Desk_tenantId_spaceId_name_key" ON "Desk"("tenantId", "spaceId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "OpeningHours_tenantId_hubId_weekday_opensAt_key" ON "OpeningHours"("tenantId", "hubId", "weekday", "opensAt");

-- CreateIndex
CREATE UNIQUE INDEX "OpeningException_tenantId_hubId_date_key" ON "OpeningException"("tenantId", "hubId", "date");

-- CreateIndex
CREATE INDEX "Booking_tenantId_spaceId_startsAt_idx" ON "Booking"("tenantId", "spaceId", "startsAt");

-- CreateIndex
CREATE INDEX "Booking_tenantId_userId_startsAt_idx" ON "Booking"("tenantId", "userId", "startsAt");

-- AddForeignKey
ALTER TABLE "Space" ADD CONSTRAINT "Space_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Desk" ADD CONSTRAINT "Desk_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OpeningHours" ADD CONSTRAINT "OpeningHours_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OpeningException" ADD CONSTRAINT "OpeningException_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_tenantId_deskId_fkey" FOREIGN KEY ("tenantId", "deskId") REFERENCES "Desk"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------

-- Sanity the service relies on; a bug must not store a negative range.
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_range_check" CHECK ("endsAt" > "startsAt");
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_attendees_check" CHECK ("attendees" >= 1);
ALTER TABLE "Space" ADD CONSTRAINT "Space_capacity_check" CHECK ("capacity" >= 1);
ALTER TABLE "OpeningHours" ADD CONSTRAINT "OpeningHours_range_check"
  CHECK ("weekday" BETWEEN 1 AND 7 AND "opensAt" >= 0 AND "closesAt" <= 1440 AND "opensAt" < "closesAt");

-- No double booking, ever (issue 4). The database, not the service, is the
-- last word: two concurrent transactions that both passed the service's
-- checks cannot both commit overlapping ranges. Ranges are half-open, so
-- [10:00,11:00) and [11:00,12:00) do not collide. Cancelled bookings free
-- their slot. A whole-space booking and a desk booking are separate
-- resources: co-working spaces are booked desk by desk (the service refuses
-- whole-space bookings there), other kinds have no desks.
-- btree_gist gives uuid an equality operator class for GiST. It is a trusted
-- extension (PostgreSQL ≥ 13), so the migrator needs no superuser.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_space_no_overlap"
  EXCLUDE USING gist ("tenantId" WITH =, "spaceId" WITH =, tstzrange("startsAt", "endsAt", '[)') WITH &&)
  WHERE (status <> 'CANCELLED' AND "deskId" IS NULL);
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_desk_no_overlap"
  EXCLUDE USING gist ("tenantId" WITH =, "deskId" WITH =, tstzrange("startsAt", "endsAt", '[)') WITH &&)
  WHERE (status <> 'CANCELLED' AND "deskId" IS NOT NULL);

-- The database wall (docs/decisions/003): forced RLS on every new table.
ALTER TABLE "Space" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Space" FORCE ROW LEVEL SECURITY;
CREATE POLICY space_tenant ON "Space"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "Desk" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Desk" FORCE ROW LEVEL SECURITY;
CREATE POLICY desk_tenant ON "Desk"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "OpeningHours" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "OpeningHours" FORCE ROW LEVEL SECURITY;
CREATE POLICY opening_hours_tenant ON "OpeningHours"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "OpeningException" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "OpeningException" FORCE ROW LEVEL SECURITY;
CREATE POLICY opening_exception_tenant ON "OpeningException"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- Bookings are the town's; who sees whose is the permission wall's job
-- (members their own, staff all of their town).
ALTER TABLE "Booking" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Booking" FORCE ROW LEVEL SECURITY;
CREATE POLICY booking_tenant ON "Booking"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- Grants. Bookings are never deleted by the app (cancelled instead), so the
-- history stays for the audit and the occupancy figures.
GRANT SELECT, INSERT, UPDATE, DELETE ON "Space", "Desk", "OpeningHours", "OpeningException" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE ON "Booking" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "Space", "Desk", "OpeningHours", "OpeningException", "Booking" TO hubwerk_platform;
