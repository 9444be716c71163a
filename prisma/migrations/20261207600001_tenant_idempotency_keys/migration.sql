-- Idempotency keys of a town's creates (docs/decisions/033): bookings,
-- series and public requests record the client's key with the row they made,
-- in the same transaction, so a retry after a lost answer gets that row back
-- instead of a conflict with itself. Tenant-owned (tenantId in the key) so
-- the table distributes with the town's other rows.

-- CreateTable
CREATE TABLE "TenantIdempotencyKey" (
    "tenantId" UUID NOT NULL,
    "key" UUID NOT NULL,
    "operation" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "resultId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TenantIdempotencyKey_pkey" PRIMARY KEY ("tenantId","key")
);

-- AddForeignKey
ALTER TABLE "TenantIdempotencyKey" ADD CONSTRAINT "TenantIdempotencyKey_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- The database wall (docs/decisions/003): a town's keys are its data.
ALTER TABLE "TenantIdempotencyKey" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantIdempotencyKey" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_idempotency_key_tenant ON "TenantIdempotencyKey"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- The API records and reads keys; the platform role may prune old ones.
GRANT SELECT, INSERT ON "TenantIdempotencyKey" TO hubwerk_app;
GRANT SELECT, DELETE ON "TenantIdempotencyKey" TO hubwerk_platform;
