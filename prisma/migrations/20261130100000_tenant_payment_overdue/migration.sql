-- Dunning state on the town row (docs/decisions/022): every mutation of a
-- town checks whether its payment is overdue past the grace period. The town
-- row is read anyway (with the session, in one round trip); a copy of
-- TenantBilling."pastDueSince" on it saves a query and a round trip per
-- mutation. The database keeps the copy, so no writer can forget it — the
-- billing webhooks, the platform's tools and a hand-written UPDATE alike.
-- An ordinary (invoker's rights) trigger: whoever changes the billing row
-- changes the town row, under the same grants and policies.
ALTER TABLE "Tenant" ADD COLUMN "paymentOverdueSince" TIMESTAMPTZ(3);

UPDATE "Tenant" t SET "paymentOverdueSince" = b."pastDueSince" FROM "TenantBilling" b WHERE b."tenantId" = t.id;

CREATE FUNCTION tenant_payment_overdue_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE "Tenant" SET "paymentOverdueSince" = NULL WHERE id = OLD."tenantId";
  ELSE
    UPDATE "Tenant" SET "paymentOverdueSince" = NEW."pastDueSince" WHERE id = NEW."tenantId";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "TenantBilling_payment_overdue_copy"
  AFTER INSERT OR DELETE OR UPDATE OF "pastDueSince", "tenantId" ON "TenantBilling"
  FOR EACH ROW EXECUTE FUNCTION tenant_payment_overdue_copy();
