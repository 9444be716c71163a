-- CreateTable
CREATE TABLE "TenantSsoConfig" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretEncrypted" TEXT NOT NULL,
    "allowedDomains" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "defaultRole" "TenantRole" NOT NULL DEFAULT 'MEMBER',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TenantSsoConfig_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "PartnerSsoConfig" (
    "id" UUID NOT NULL,
    "partnerId" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretEncrypted" TEXT NOT NULL,
    "allowedDomains" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PartnerSsoConfig_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SsoLoginState" (
    "id" UUID NOT NULL,
    "stateHash" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "codeVerifier" TEXT NOT NULL,
    "providerKind" TEXT NOT NULL,
    "ownerId" UUID NOT NULL,
    "configId" UUID NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SsoLoginState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TenantSsoConfig_tenantId_key" ON "TenantSsoConfig"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "PartnerSsoConfig_partnerId_key" ON "PartnerSsoConfig"("partnerId");

-- CreateIndex
CREATE UNIQUE INDEX "SsoLoginState_stateHash_key" ON "SsoLoginState"("stateHash");

-- CreateIndex
CREATE INDEX "SsoLoginState_expiresAt_idx" ON "SsoLoginState"("expiresAt");

-- AddForeignKey
ALTER TABLE "TenantSsoConfig" ADD CONSTRAINT "TenantSsoConfig_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PartnerSsoConfig" ADD CONSTRAINT "PartnerSsoConfig_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Single sign-on (docs/decisions/010-single-sign-on.md).

-- A town's provider is the town's data: the database wall applies.
ALTER TABLE "TenantSsoConfig" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantSsoConfig" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_sso_config_tenant ON "TenantSsoConfig"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());
-- Nobody becomes a town admin by signing in through a town's provider.
ALTER TABLE "TenantSsoConfig" ADD CONSTRAINT "TenantSsoConfig_defaultRole_not_admin" CHECK ("defaultRole" <> 'TOWN_ADMIN');
GRANT SELECT, INSERT, UPDATE ON "TenantSsoConfig" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "TenantSsoConfig" TO hubwerk_platform;

-- A partner's provider is global like PartnerMembership: the app reads it
-- (the permission wall decides who), changes go through the audited
-- platform client (its audit entry has no town).
GRANT SELECT ON "PartnerSsoConfig" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON "PartnerSsoConfig" TO hubwerk_platform;

-- Sign-in flow state: only the platform client (public sign-in, before any
-- session or town is known) touches it.
ALTER TABLE "SsoLoginState" ADD CONSTRAINT "SsoLoginState_providerKind_check" CHECK ("providerKind" IN ('town', 'partner'));
GRANT SELECT, INSERT, UPDATE, DELETE ON "SsoLoginState" TO hubwerk_platform;
