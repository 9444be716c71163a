-- Hub profile, special opening hours and public holidays, roles per hub (issue 4).
-- Only columns on existing tenant tables: their RLS policies and grants apply unchanged.

-- AlterTable
ALTER TABLE "Hub" ADD COLUMN     "accessibility" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "accessibilityNotes" TEXT,
ADD COLUMN     "contactEmail" TEXT,
ADD COLUMN     "contactPhone" TEXT,
ADD COLUMN     "description" TEXT,
ADD COLUMN     "isPublic" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "HubAssignment" ADD COLUMN     "contactRole" TEXT,
ADD COLUMN     "role" "TenantRole";

-- AlterTable
ALTER TABLE "OpeningException" ADD COLUMN     "closesAt" INTEGER,
ADD COLUMN     "holiday" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "opensAt" INTEGER;

-- Special hours are a window inside one local day, or none at all (closed).
ALTER TABLE "OpeningException" ADD CONSTRAINT "OpeningException_special_hours_check"
  CHECK (("opensAt" IS NULL AND "closesAt" IS NULL)
      OR ("opensAt" >= 0 AND "closesAt" <= 1440 AND "opensAt" < "closesAt"));

-- A role per hub is a hub role; town admins and members are town-wide roles.
ALTER TABLE "HubAssignment" ADD CONSTRAINT "HubAssignment_role_check"
  CHECK ("role" IS NULL OR "role" IN ('HUB_MANAGER', 'HUB_STAFF'));
