-- Support sessions (docs/decisions/011-support-sessions.md): platform and
-- partner staff act in one town, for a stated reason and a limited time.
--
-- The session a request acts in travels like the tenant: a transaction-local
-- setting (app.support_session_id, packages/db/src/scoped-pool.ts). The audit
-- log's new column defaults to it, so every entry written during a session
-- names it without any service having to remember.
CREATE FUNCTION app_current_support_session() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.support_session_id', true), '')::uuid $$;
GRANT EXECUTE ON FUNCTION app_current_support_session() TO hubwerk_app, hubwerk_platform;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "supportSessionId" UUID DEFAULT app_current_support_session();

-- CreateTable
CREATE TABLE "SupportSession" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "staffUserId" UUID NOT NULL,
    "partnerId" UUID,
    "reason" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "endedAt" TIMESTAMPTZ(3),
    "endedById" UUID,

    CONSTRAINT "SupportSession_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateIndex
CREATE INDEX "SupportSession_tenantId_staffUserId_expiresAt_idx" ON "SupportSession"("tenantId", "staffUserId", "expiresAt");

-- CreateIndex
CREATE INDEX "SupportSession_staffUserId_expiresAt_idx" ON "SupportSession"("staffUserId", "expiresAt");

-- CreateIndex
CREATE INDEX "AuditEvent_createdAt_idx" ON "AuditEvent"("createdAt");

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_tenantId_supportSessionId_fkey" FOREIGN KEY ("tenantId", "supportSessionId") REFERENCES "SupportSession"("tenantId", "id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportSession" ADD CONSTRAINT "SupportSession_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportSession" ADD CONSTRAINT "SupportSession_staffUserId_fkey" FOREIGN KEY ("staffUserId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The database wall: a town's support sessions are the town's. The staff
-- member also sees their own across towns (the banner on every page).
ALTER TABLE "SupportSession" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "SupportSession" FORCE ROW LEVEL SECURITY;
CREATE POLICY support_session_tenant ON "SupportSession"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
CREATE POLICY support_session_self ON "SupportSession" FOR SELECT
  USING ("staffUserId" = app_current_user());

-- No DELETE for anyone but the schema owner: sessions are part of the audit trail.
GRANT SELECT, INSERT, UPDATE ON "SupportSession" TO hubwerk_app;
GRANT SELECT ON "SupportSession" TO hubwerk_platform;

-- Invitations by more roles (issue 3): hub staff and hub managers are invited
-- into one hub; accepting assigns them to it. Composite key: a hub of another
-- town can never be named.
ALTER TABLE "Invitation" ADD COLUMN     "hubId" UUID;
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_tenantId_hubId_fkey" FOREIGN KEY ("tenantId", "hubId") REFERENCES "Hub"("tenantId", "id") ON DELETE CASCADE ON UPDATE CASCADE;
