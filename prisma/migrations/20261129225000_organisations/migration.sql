-- Organisations and members with plans, per-member limits per space, bookings
-- for someone else or an organisation, booking mails with an .ics attachment
-- and reminders (issue 4; docs/decisions/015).

-- CreateEnum
CREATE TYPE "OrganisationKind" AS ENUM ('COMPANY', 'STARTUP', 'ASSOCIATION', 'ADMINISTRATION');

-- AlterTable
ALTER TABLE "Booking" ADD COLUMN     "createdById" UUID,
ADD COLUMN     "organisationId" UUID,
ADD COLUMN     "reminderQueuedAt" TIMESTAMPTZ(3),
ADD COLUMN     "requesterEmail" TEXT,
ADD COLUMN     "requesterName" TEXT,
ALTER COLUMN "userId" DROP NOT NULL;

-- AlterTable
ALTER TABLE "OutboxEmail" ADD COLUMN     "icsAttachment" TEXT;

-- AlterTable
ALTER TABLE "Space" ADD COLUMN     "memberDaysPerWeek" INTEGER,
ADD COLUMN     "publicBookable" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "Organisation" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "OrganisationKind" NOT NULL,
    "deskDaysPerMonth" INTEGER,
    "roomHoursPerMonth" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Organisation_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "PublicBookingRequest" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "spaceId" UUID NOT NULL,
    "deskId" UUID,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "purpose" TEXT,
    "attendees" INTEGER NOT NULL DEFAULT 1,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "confirmedAt" TIMESTAMPTZ(3),
    "bookingId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublicBookingRequest_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "MemberProfile" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "membershipId" UUID NOT NULL,
    "organisationId" UUID,
    "deskDaysPerMonth" INTEGER,
    "roomHoursPerMonth" INTEGER,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "MemberProfile_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organisation_tenantId_name_key" ON "Organisation"("tenantId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "PublicBookingRequest_tenantId_tokenHash_key" ON "PublicBookingRequest"("tenantId", "tokenHash");

-- CreateIndex
CREATE INDEX "MemberProfile_tenantId_organisationId_idx" ON "MemberProfile"("tenantId", "organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "MemberProfile_tenantId_membershipId_key" ON "MemberProfile"("tenantId", "membershipId");

-- CreateIndex
CREATE INDEX "Booking_tenantId_organisationId_startsAt_idx" ON "Booking"("tenantId", "organisationId", "startsAt");

-- CreateIndex
CREATE INDEX "Booking_startsAt_idx" ON "Booking"("startsAt");

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_tenantId_organisationId_fkey" FOREIGN KEY ("tenantId", "organisationId") REFERENCES "Organisation"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicBookingRequest" ADD CONSTRAINT "PublicBookingRequest_tenantId_spaceId_fkey" FOREIGN KEY ("tenantId", "spaceId") REFERENCES "Space"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PublicBookingRequest" ADD CONSTRAINT "PublicBookingRequest_tenantId_deskId_fkey" FOREIGN KEY ("tenantId", "deskId") REFERENCES "Desk"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberProfile" ADD CONSTRAINT "MemberProfile_tenantId_membershipId_fkey" FOREIGN KEY ("tenantId", "membershipId") REFERENCES "TenantMembership"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MemberProfile" ADD CONSTRAINT "MemberProfile_tenantId_organisationId_fkey" FOREIGN KEY ("tenantId", "organisationId") REFERENCES "Organisation"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Plans and limits are positive when set (null = no limit).
ALTER TABLE "Organisation" ADD CONSTRAINT "Organisation_plan_positive"
  CHECK (("deskDaysPerMonth" IS NULL OR "deskDaysPerMonth" >= 0) AND ("roomHoursPerMonth" IS NULL OR "roomHoursPerMonth" >= 0));
ALTER TABLE "MemberProfile" ADD CONSTRAINT "MemberProfile_plan_positive"
  CHECK (("deskDaysPerMonth" IS NULL OR "deskDaysPerMonth" >= 0) AND ("roomHoursPerMonth" IS NULL OR "roomHoursPerMonth" >= 0));
ALTER TABLE "Space" ADD CONSTRAINT "Space_memberDaysPerWeek_range"
  CHECK ("memberDaysPerWeek" IS NULL OR "memberDaysPerWeek" BETWEEN 1 AND 7);

-- The database wall (docs/decisions/003): forced RLS on every new table.
ALTER TABLE "Organisation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Organisation" FORCE ROW LEVEL SECURITY;
CREATE POLICY organisation_tenant ON "Organisation"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "MemberProfile" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "MemberProfile" FORCE ROW LEVEL SECURITY;
CREATE POLICY member_profile_tenant ON "MemberProfile"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "PublicBookingRequest" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "PublicBookingRequest" FORCE ROW LEVEL SECURITY;
CREATE POLICY public_booking_request_tenant ON "PublicBookingRequest"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- A booking belongs to a user or, from the public page, to a named requester.
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_owner_present"
  CHECK ("userId" IS NOT NULL OR ("requesterName" IS NOT NULL AND "requesterEmail" IS NOT NULL));

GRANT SELECT, INSERT, UPDATE ON "PublicBookingRequest" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "PublicBookingRequest" TO hubwerk_platform;

-- Organisations are never deleted by the app (their bookings keep pointing at them).
GRANT SELECT, INSERT, UPDATE ON "Organisation" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "MemberProfile" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "Organisation", "MemberProfile" TO hubwerk_platform;
