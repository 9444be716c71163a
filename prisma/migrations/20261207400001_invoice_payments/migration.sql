-- Dunning per invoice, not per town (docs/decisions/026). Stripe does not
-- order its webhook deliveries; one row per invoice lets the webhook derive
-- TenantBilling."pastDueSince" as the earliest failure of the invoices still
-- open, in the same transaction, so the result does not depend on the order.

-- CreateEnum
CREATE TYPE "InvoicePaymentStatus" AS ENUM ('FAILED', 'PAID', 'VOID');

-- CreateTable
CREATE TABLE "InvoicePayment" (
    "tenantId" UUID NOT NULL,
    "stripeInvoiceId" TEXT NOT NULL,
    "status" "InvoicePaymentStatus" NOT NULL,
    "firstFailedAt" TIMESTAMPTZ(3),
    "paidAt" TIMESTAMPTZ(3),
    "lastEventAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "InvoicePayment_pkey" PRIMARY KEY ("tenantId","stripeInvoiceId")
);

-- CreateIndex
CREATE INDEX "InvoicePayment_tenantId_status_idx" ON "InvoicePayment"("tenantId", "status");

-- AddForeignKey
ALTER TABLE "InvoicePayment" ADD CONSTRAINT "InvoicePayment_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION;

-- The database wall (docs/decisions/003): a town's invoice states are its
-- data. Only the Stripe webhook (platform client, audited) writes them; the
-- app role gets nothing until a town-scoped feature reads them.
ALTER TABLE "InvoicePayment" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "InvoicePayment" FORCE ROW LEVEL SECURITY;
CREATE POLICY invoice_payment_tenant ON "InvoicePayment"
  USING ("tenantId" = app_current_tenant()) WITH CHECK ("tenantId" = app_current_tenant());

GRANT SELECT, INSERT, UPDATE ON "InvoicePayment" TO hubwerk_platform;
