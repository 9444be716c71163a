-- CreateEnum
CREATE TYPE "TenantExportStatus" AS ENUM ('QUEUED', 'RUNNING', 'READY', 'FAILED');

-- CreateTable
CREATE TABLE "TenantExport" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "requestedById" UUID NOT NULL,
    "status" "TenantExportStatus" NOT NULL DEFAULT 'QUEUED',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "step" TEXT,
    "archive" BYTEA,
    "sizeBytes" INTEGER,
    "errorKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3),

    CONSTRAINT "TenantExport_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateIndex
CREATE INDEX "TenantExport_tenantId_requestedById_id_idx" ON "TenantExport"("tenantId", "requestedById", "id");

-- AddForeignKey
ALTER TABLE "TenantExport" ADD CONSTRAINT "TenantExport_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TenantExport" ADD CONSTRAINT "TenantExport_requestedById_fkey" FOREIGN KEY ("requestedById") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The database wall for data exports (docs/decisions/003, 016). An export is
-- the town's data: the job is created, run, read and downloaded in the town's
-- own scope; the platform (bypass) role never touches it.
ALTER TABLE "TenantExport" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantExport" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_export_tenant ON "TenantExport"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- The app deletes nothing: an expired archive is cleared (archive = NULL), the job row stays as a record.
GRANT SELECT, INSERT, UPDATE ON "TenantExport" TO hubwerk_app;
