-- The official municipality register and bulk onboarding (docs/decisions/034).
--
-- All four tables are global, not tenant data: the register is public
-- reference data the provider imports, and a bulk upload is the provider's
-- own record of a job that creates towns. No tenantId, no row-level
-- security; reference tables on a distributed cluster.

CREATE TYPE "BulkOnboardingStatus" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');
CREATE TYPE "BulkOnboardingOutcome" AS ENUM ('PENDING', 'CREATED', 'EXISTS', 'REFUSED');

CREATE TABLE "Municipality" (
    "ags" CHAR(8) NOT NULL,
    "name" TEXT NOT NULL,
    "land" CHAR(2) NOT NULL,
    "kreis" TEXT,
    "postalCode" TEXT,
    "population" INTEGER,

    CONSTRAINT "Municipality_pkey" PRIMARY KEY ("ags"),
    CONSTRAINT "Municipality_ags_digits" CHECK ("ags" ~ '^[0-9]{8}$'),
    CONSTRAINT "Municipality_land_of_ags" CHECK ("land" = substr("ags", 1, 2))
);

CREATE INDEX "Municipality_postalCode_idx" ON "Municipality"("postalCode");

CREATE TABLE "MunicipalityRegisterImport" (
    "id" UUID NOT NULL,
    "effectiveDate" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "importedById" UUID,
    "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MunicipalityRegisterImport_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "MunicipalityRegisterImport_importedAt_idx" ON "MunicipalityRegisterImport"("importedAt");

CREATE TABLE "BulkOnboarding" (
    "id" UUID NOT NULL,
    "requestedById" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "status" "BulkOnboardingStatus" NOT NULL DEFAULT 'QUEUED',
    "total" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "BulkOnboarding_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "BulkOnboardingRow" (
    "bulkId" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "ags" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hubName" TEXT NOT NULL,
    "adminEmail" TEXT NOT NULL,
    "partner" TEXT NOT NULL,
    "outcome" "BulkOnboardingOutcome" NOT NULL DEFAULT 'PENDING',
    "reasonKey" TEXT,
    "reasonField" TEXT,
    "reasonParams" JSONB,
    "townId" UUID,

    CONSTRAINT "BulkOnboardingRow_pkey" PRIMARY KEY ("bulkId","line")
);

ALTER TABLE "BulkOnboardingRow" ADD CONSTRAINT "BulkOnboardingRow_bulkId_fkey" FOREIGN KEY ("bulkId") REFERENCES "BulkOnboarding"("id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- The onboarding page searches the register through the app role (public
-- data, no audit entry per keystroke); only the platform role replaces it.
GRANT SELECT ON "Municipality", "MunicipalityRegisterImport" TO hubwerk_app;
GRANT SELECT, INSERT, DELETE ON "Municipality" TO hubwerk_platform;
GRANT SELECT, INSERT ON "MunicipalityRegisterImport" TO hubwerk_platform;
GRANT SELECT, INSERT, UPDATE ON "BulkOnboarding", "BulkOnboardingRow" TO hubwerk_platform;
