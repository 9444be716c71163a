-- Recurring bookings, iCal feeds, check-in and no-shows (issue 4, docs/decisions/013).

-- CreateEnum
CREATE TYPE "CalendarFeedKind" AS ENUM ('SPACE', 'HUB', 'MEMBER');

-- AlterTable
ALTER TABLE "Space" ADD COLUMN     "checkInGraceMinutes" INTEGER NOT NULL DEFAULT 15;

-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "checkedInAt" TIMESTAMPTZ(3),
ADD COLUMN     "noShowAt" TIMESTAMPTZ(3),
ADD COLUMN     "seriesId" UUID;

-- CreateTable
CREATE TABLE "BookingSeries" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "deskId" UUID,
    "userId" UUID NOT NULL,
    "rrule" TEXT NOT NULL,
    "firstStartsAt" TIMESTAMPTZ(3) NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "timezone" TEXT NOT NULL,
    "purpose" TEXT,
    "attendees" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BookingSeries_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "CalendarFeed" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" "CalendarFeedKind" NOT NULL,
    "hubId" UUID,
    "spaceId" UUID,
    "userId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CalendarFeed_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateIndex
CREATE INDEX "BookingSeries_tenantId_userId_idx" ON "BookingSeries"("tenantId", "userId");

-- CreateIndex
CREATE INDEX "CalendarFeed_tenantId_userId_idx" ON "CalendarFeed"("tenantId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "CalendarFeed_tenantId_tokenHash_key" ON "CalendarFeed"("tenantId", "tokenHash");

-- CreateIndex
CREATE INDEX "Booking_tenantId_seriesId_startsAt_idx" ON "Booking"("tenantId", "seriesId", "startsAt");

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_tenantId_seriesId_fkey" FOREIGN KEY ("tenantId", "seriesId") REFERENCES "BookingSeries"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingSeries" ADD CONSTRAINT "BookingSeries_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingSeries" ADD CONSTRAINT "BookingSeries_tenantId_deskId_fkey" FOREIGN KEY ("tenantId", "deskId") REFERENCES "Desk"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BookingSeries" ADD CONSTRAINT "BookingSeries_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What Prisma cannot express -------------------------------------------------

ALTER TABLE "Space" ADD CONSTRAINT "Space_checkInGrace_check" CHECK ("checkInGraceMinutes" BETWEEN 0 AND 240);
ALTER TABLE "BookingSeries" ADD CONSTRAINT "BookingSeries_duration_check" CHECK ("durationMinutes" > 0);
-- A feed names exactly the target its kind needs.
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_target_check" CHECK (
  ("kind" = 'SPACE' AND "spaceId" IS NOT NULL AND "hubId" IS NULL)
  OR ("kind" = 'HUB' AND "hubId" IS NOT NULL AND "spaceId" IS NULL)
  OR ("kind" = 'MEMBER' AND "hubId" IS NULL AND "spaceId" IS NULL));

-- The database wall (docs/decisions/003): forced RLS on every new table.
ALTER TABLE "BookingSeries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "BookingSeries" FORCE ROW LEVEL SECURITY;
CREATE POLICY booking_series_tenant ON "BookingSeries"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "CalendarFeed" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "CalendarFeed" FORCE ROW LEVEL SECURITY;
CREATE POLICY calendar_feed_tenant ON "CalendarFeed"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- Grants. Series and feeds are never deleted by the app (cancelled or revoked instead).
GRANT SELECT, INSERT, UPDATE ON "BookingSeries", "CalendarFeed" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "BookingSeries", "CalendarFeed" TO hubwerk_platform;
