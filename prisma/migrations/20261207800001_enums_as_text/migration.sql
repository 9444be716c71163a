-- Enum columns become text with a CHECK of the same values (docs/decisions/030): Citus refuses
-- Prisma 7's RETURNING "column"::text on enum columns ("non-IMMUTABLE functions are not allowed in
-- the RETURNING clause"), and a CHECK needs no type to propagate to the workers. Values, defaults and
-- NOT NULL stay as they were; indexes and constraints on these columns are rebuilt by ALTER TYPE.

-- Constraints that compare these columns with enum literals are rebuilt by ALTER TYPE with the old
-- literal types (text = "TenantRole" has no operator): dropped here, added again below as they were.
ALTER TABLE "TenantSsoConfig" DROP CONSTRAINT "TenantSsoConfig_defaultRole_not_admin";
ALTER TABLE "HubAssignment" DROP CONSTRAINT "HubAssignment_role_check";
ALTER TABLE "CalendarFeed" DROP CONSTRAINT "CalendarFeed_target_check";
ALTER TABLE "Booking" DROP CONSTRAINT "Booking_space_no_overlap", DROP CONSTRAINT "Booking_desk_no_overlap";

ALTER TABLE "User"
  ALTER COLUMN "platformRole" TYPE text USING "platformRole"::text,
  ADD CONSTRAINT "User_platformRole_check" CHECK ("platformRole" IN ('PLATFORM_ADMIN', 'PLATFORM_SUPPORT'));
ALTER TABLE "Partner"
  ALTER COLUMN "kind" TYPE text USING "kind"::text,
  ADD CONSTRAINT "Partner_kind_check" CHECK ("kind" IN ('IT_PARTNER', 'REGIONAL_PROVIDER'));
ALTER TABLE "PartnerMembership"
  ALTER COLUMN "role" TYPE text USING "role"::text,
  ADD CONSTRAINT "PartnerMembership_role_check" CHECK ("role" IN ('PARTNER_ADMIN', 'PARTNER_STAFF'));
ALTER TABLE "Tenant"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE text USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'ONBOARDING',
  ADD CONSTRAINT "Tenant_status_check" CHECK ("status" IN ('ONBOARDING', 'ACTIVE', 'SUSPENDED', 'OFFBOARDED'));
ALTER TABLE "TenantMembership"
  ALTER COLUMN "role" TYPE text USING "role"::text,
  ADD CONSTRAINT "TenantMembership_role_check" CHECK ("role" IN ('TOWN_ADMIN', 'HUB_MANAGER', 'HUB_STAFF', 'MEMBER'));
ALTER TABLE "HubAssignment"
  ALTER COLUMN "role" TYPE text USING "role"::text,
  -- A role per hub is a hub role; town admins and members are town-wide roles.
  ADD CONSTRAINT "HubAssignment_role_check" CHECK ("role" IS NULL OR "role" IN ('HUB_MANAGER', 'HUB_STAFF'));
ALTER TABLE "Invitation"
  ALTER COLUMN "tenantRole" TYPE text USING "tenantRole"::text,
  ADD CONSTRAINT "Invitation_tenantRole_check" CHECK ("tenantRole" IN ('TOWN_ADMIN', 'HUB_MANAGER', 'HUB_STAFF', 'MEMBER'));
ALTER TABLE "Invitation"
  ALTER COLUMN "partnerRole" TYPE text USING "partnerRole"::text,
  ADD CONSTRAINT "Invitation_partnerRole_check" CHECK ("partnerRole" IN ('PARTNER_ADMIN', 'PARTNER_STAFF'));
ALTER TABLE "TenantBilling"
  ALTER COLUMN "plan" DROP DEFAULT,
  ALTER COLUMN "plan" TYPE text USING "plan"::text,
  ALTER COLUMN "plan" SET DEFAULT 'BASIS',
  ADD CONSTRAINT "TenantBilling_plan_check" CHECK ("plan" IN ('BASIS', 'STANDARD', 'PLUS'));
ALTER TABLE "TenantBilling"
  ALTER COLUMN "interval" TYPE text USING "interval"::text,
  ADD CONSTRAINT "TenantBilling_interval_check" CHECK ("interval" IN ('MONTH', 'YEAR'));
ALTER TABLE "TenantBilling"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE text USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'NONE',
  ADD CONSTRAINT "TenantBilling_status_check" CHECK ("status" IN ('NONE', 'INCOMPLETE', 'TRIALING', 'ACTIVE', 'PAST_DUE', 'UNPAID', 'CANCELED'));
ALTER TABLE "InvoicePayment"
  ALTER COLUMN "status" TYPE text USING "status"::text,
  ADD CONSTRAINT "InvoicePayment_status_check" CHECK ("status" IN ('FAILED', 'PAID', 'VOID'));
ALTER TABLE "Space"
  ALTER COLUMN "kind" TYPE text USING "kind"::text,
  ADD CONSTRAINT "Space_kind_check" CHECK ("kind" IN ('EVENT_ROOM', 'SHOWROOM', 'COWORKING', 'MEETING_ROOM'));
ALTER TABLE "Booking"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE text USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'CONFIRMED',
  ADD CONSTRAINT "Booking_status_check" CHECK ("status" IN ('PENDING', 'CONFIRMED', 'CANCELLED'));
ALTER TABLE "CalendarFeed"
  ALTER COLUMN "kind" TYPE text USING "kind"::text,
  ADD CONSTRAINT "CalendarFeed_kind_check" CHECK ("kind" IN ('SPACE', 'HUB', 'MEMBER'));
ALTER TABLE "Organisation"
  ALTER COLUMN "kind" TYPE text USING "kind"::text,
  ADD CONSTRAINT "Organisation_kind_check" CHECK ("kind" IN ('COMPANY', 'STARTUP', 'ASSOCIATION', 'ADMINISTRATION'));
ALTER TABLE "OutboxEmail"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE text USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'PENDING',
  ADD CONSTRAINT "OutboxEmail_status_check" CHECK ("status" IN ('PENDING', 'SENT', 'STORED', 'FAILED'));
ALTER TABLE "TenantExport"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE text USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'QUEUED',
  ADD CONSTRAINT "TenantExport_status_check" CHECK ("status" IN ('QUEUED', 'RUNNING', 'READY', 'FAILED'));
ALTER TABLE "TenantSsoConfig"
  ALTER COLUMN "defaultRole" DROP DEFAULT,
  ALTER COLUMN "defaultRole" TYPE text USING "defaultRole"::text,
  ALTER COLUMN "defaultRole" SET DEFAULT 'MEMBER',
  ADD CONSTRAINT "TenantSsoConfig_defaultRole_check" CHECK ("defaultRole" IN ('TOWN_ADMIN', 'HUB_MANAGER', 'HUB_STAFF', 'MEMBER'));
ALTER TABLE "BulkOnboarding"
  ALTER COLUMN "status" DROP DEFAULT,
  ALTER COLUMN "status" TYPE text USING "status"::text,
  ALTER COLUMN "status" SET DEFAULT 'QUEUED',
  ADD CONSTRAINT "BulkOnboarding_status_check" CHECK ("status" IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED'));
ALTER TABLE "BulkOnboardingRow"
  ALTER COLUMN "outcome" DROP DEFAULT,
  ALTER COLUMN "outcome" TYPE text USING "outcome"::text,
  ALTER COLUMN "outcome" SET DEFAULT 'PENDING',
  ADD CONSTRAINT "BulkOnboardingRow_outcome_check" CHECK ("outcome" IN ('PENDING', 'CREATED', 'EXISTS', 'REFUSED'));

-- A feed names exactly the target its kind needs.
ALTER TABLE "CalendarFeed" ADD CONSTRAINT "CalendarFeed_target_check" CHECK (
  ("kind" = 'SPACE' AND "spaceId" IS NOT NULL AND "hubId" IS NULL)
  OR ("kind" = 'HUB' AND "hubId" IS NOT NULL AND "spaceId" IS NULL)
  OR ("kind" = 'MEMBER' AND "hubId" IS NULL AND "spaceId" IS NULL));
ALTER TABLE "TenantSsoConfig" ADD CONSTRAINT "TenantSsoConfig_defaultRole_not_admin" CHECK ("defaultRole" <> 'TOWN_ADMIN');
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_space_no_overlap"
  EXCLUDE USING gist ("tenantId" WITH =, "spaceId" WITH =, tstzrange("startsAt", "endsAt", '[)') WITH &&)
  WHERE (status <> 'CANCELLED' AND "deskId" IS NULL);
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_desk_no_overlap"
  EXCLUDE USING gist ("tenantId" WITH =, "deskId" WITH =, tstzrange("startsAt", "endsAt", '[)') WITH &&)
  WHERE (status <> 'CANCELLED' AND "deskId" IS NOT NULL);

DROP TYPE "PlatformRole";
DROP TYPE "PartnerKind";
DROP TYPE "PartnerRole";
DROP TYPE "TenantStatus";
DROP TYPE "TenantRole";
DROP TYPE "BillingPlan";
DROP TYPE "BillingInterval";
DROP TYPE "SubscriptionStatus";
DROP TYPE "InvoicePaymentStatus";
DROP TYPE "SpaceKind";
DROP TYPE "BookingStatus";
DROP TYPE "CalendarFeedKind";
DROP TYPE "OrganisationKind";
DROP TYPE "OutboxStatus";
DROP TYPE "TenantExportStatus";
DROP TYPE "BulkOnboardingStatus";
DROP TYPE "BulkOnboardingOutcome";
