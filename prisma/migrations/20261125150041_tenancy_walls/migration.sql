-- The database wall (docs/decisions/003-three-tenancy-walls.md).
--
-- Every request runs in a transaction whose local settings app.tenant_id and
-- app.user_id say whom it serves (packages/db/src/scoped-pool.ts). A pooled
-- connection that once had a setting returns '' afterwards, not NULL; NULLIF
-- turns that into "nobody", which matches no row, instead of a cast error.
-- The roles are created by provisioning (packages/db/src/provision/roles.ts).

CREATE FUNCTION app_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE FUNCTION app_current_user() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;

-- Towns: a request sees its own town, the towns its user belongs to, the
-- towns managed by a partner its user belongs to, and — for the provider's
-- staff — every town's row (not its data: that needs app.tenant_id). Only
-- the platform role (BYPASSRLS) creates or deletes towns.
ALTER TABLE "Tenant" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Tenant" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON "Tenant" FOR SELECT USING (
  id = app_current_tenant()
  OR EXISTS (SELECT 1 FROM "TenantMembership" m
             WHERE m."tenantId" = "Tenant".id AND m."userId" = app_current_user())
  OR EXISTS (SELECT 1 FROM "PartnerMembership" pm
             WHERE pm."partnerId" = "Tenant"."managingPartnerId" AND pm."userId" = app_current_user())
  OR EXISTS (SELECT 1 FROM "User" u
             WHERE u.id = app_current_user() AND u."platformRole" IS NOT NULL)
);
CREATE POLICY tenant_update ON "Tenant" FOR UPDATE
  USING (id = app_current_tenant()) WITH CHECK (id = app_current_tenant());

-- Memberships: the current town's, plus a user's own (to list "my towns").
ALTER TABLE "TenantMembership" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantMembership" FORCE ROW LEVEL SECURITY;
CREATE POLICY membership_tenant ON "TenantMembership"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
CREATE POLICY membership_self ON "TenantMembership" FOR SELECT
  USING ("userId" = app_current_user());

ALTER TABLE "Hub" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Hub" FORCE ROW LEVEL SECURITY;
CREATE POLICY hub_tenant ON "Hub"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

ALTER TABLE "HubAssignment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "HubAssignment" FORCE ROW LEVEL SECURITY;
CREATE POLICY hub_assignment_tenant ON "HubAssignment"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
-- A user sees the hubs they are assigned to in every town (their abilities).
CREATE POLICY hub_assignment_self ON "HubAssignment" FOR SELECT USING (
  EXISTS (SELECT 1 FROM "TenantMembership" m
          WHERE m."tenantId" = "HubAssignment"."tenantId" AND m.id = "HubAssignment"."membershipId"
            AND m."userId" = app_current_user())
);

-- Invitations of a town are the town's; partner invitations (tenantId NULL)
-- are reachable only through the platform client.
ALTER TABLE "Invitation" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "Invitation" FORCE ROW LEVEL SECURITY;
CREATE POLICY invitation_tenant ON "Invitation"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- The audit log is append-only for everyone but the schema owner.
ALTER TABLE "AuditEvent" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "AuditEvent" FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_read ON "AuditEvent" FOR SELECT USING ("tenantId" = app_current_tenant());
CREATE POLICY audit_append ON "AuditEvent" FOR INSERT WITH CHECK ("tenantId" = app_current_tenant());

-- Grants: the app role gets exactly what the API needs; nothing by default.
GRANT USAGE ON SCHEMA public TO hubwerk_app, hubwerk_platform;
GRANT EXECUTE ON FUNCTION app_current_tenant(), app_current_user() TO hubwerk_app, hubwerk_platform;
GRANT SELECT, INSERT, UPDATE ON "User" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "Session" TO hubwerk_app;
GRANT SELECT ON "Partner", "PartnerMembership" TO hubwerk_app;
GRANT SELECT, UPDATE ON "Tenant" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "TenantMembership", "Hub", "HubAssignment", "Invitation" TO hubwerk_app;
GRANT SELECT, INSERT ON "AuditEvent" TO hubwerk_app;
-- /readyz compares applied with shipped migrations. Prisma's shadow database
-- replays this file without a _prisma_migrations table, hence the guard.
DO $$
BEGIN
  IF to_regclass('"_prisma_migrations"') IS NOT NULL THEN
    GRANT SELECT ON "_prisma_migrations" TO hubwerk_app, hubwerk_platform;
  END IF;
END $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON
  "User", "Session", "Partner", "PartnerMembership", "Tenant", "TenantMembership",
  "Hub", "HubAssignment", "Invitation", "IdempotencyKey"
  TO hubwerk_platform;
GRANT SELECT, INSERT ON "AuditEvent" TO hubwerk_platform;
