-- CreateEnum
CREATE TYPE "BillingPlan" AS ENUM ('BASIS', 'STANDARD', 'PLUS');

-- CreateEnum
CREATE TYPE "BillingInterval" AS ENUM ('MONTH', 'YEAR');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('NONE', 'INCOMPLETE', 'TRIALING', 'ACTIVE', 'PAST_DUE', 'UNPAID', 'CANCELED');

-- CreateTable
CREATE TABLE "TenantBilling" (
    "tenantId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "plan" "BillingPlan" NOT NULL DEFAULT 'BASIS',
    "interval" "BillingInterval",
    "status" "SubscriptionStatus" NOT NULL DEFAULT 'NONE',
    "stripeCustomerId" TEXT,
    "stripeSubscriptionId" TEXT,
    "currentPeriodEnd" TIMESTAMPTZ(3),
    "cancelAtPeriodEnd" BOOLEAN NOT NULL DEFAULT false,
    "pastDueSince" TIMESTAMPTZ(3),
    "subscriptionStateAt" TIMESTAMPTZ(3),
    "invoiceStateAt" TIMESTAMPTZ(3),
    "contactName" TEXT,
    "contactEmail" TEXT,
    "street" TEXT,
    "postalCode" TEXT,
    "city" TEXT,
    "vatId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TenantBilling_pkey" PRIMARY KEY ("tenantId","id")
);

-- CreateTable
CREATE TABLE "StripeEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StripeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TenantBilling_stripeCustomerId_idx" ON "TenantBilling"("stripeCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "TenantBilling_tenantId_key" ON "TenantBilling"("tenantId");

-- AddForeignKey
ALTER TABLE "TenantBilling" ADD CONSTRAINT "TenantBilling_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- The database wall for billing (docs/decisions/003). A town's billing record
-- is tenant data: its own requests read it; town admins update the contact.
-- Webhooks and the provider's overview are cross-town: platform client only.
ALTER TABLE "TenantBilling" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "TenantBilling" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_billing_tenant ON "TenantBilling"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

-- StripeEvent is global (no tenantId): an event is claimed before the town it
-- concerns is known, and some events concern no town. Only the platform
-- client (webhooks) touches it; the app role gets nothing.
GRANT SELECT, INSERT, UPDATE ON "TenantBilling" TO hubwerk_app;
GRANT SELECT, INSERT, UPDATE ON "TenantBilling" TO hubwerk_platform;
GRANT SELECT, INSERT ON "StripeEvent" TO hubwerk_platform;
