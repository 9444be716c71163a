import { type Actor, type AppAbility, accessibleWhere } from '@hubwerk/auth';
import {
  BillingInputError,
  type BillingContact,
  type BillingIntervalId,
  INTERVALS,
  PLAN_IDS,
  PLANS,
  type PlanId,
  priceOf,
} from '@hubwerk/billing';
import type { Tenant } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError } from '../../errors.ts';

type TenantCtx = Context & { session: { userId: string }; actor: Actor; tenant: Tenant; ability: AppAbility };

/** Town admins (and the provider's admins) manage a town's billing. */
function canManage(ctx: TenantCtx): boolean {
  return (
    ctx.actor.platformRole === 'platform-admin' ||
    ctx.actor.tenantRoles.some((r) => r.tenantId === ctx.tenant.id && r.role === 'town-admin')
  );
}

/** Plus the provider's support staff and the town's managing partner, who see but do not change it. */
function canRead(ctx: TenantCtx): boolean {
  return (
    canManage(ctx) ||
    ctx.actor.platformRole !== null ||
    ctx.actor.partnerRoles.some((p) => p.partnerId === ctx.tenant.managingPartnerId)
  );
}

const forbidden = () => new DomainError('FORBIDDEN', 'errors.forbidden');
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const apiStatus = (s: string) =>
  s.toLowerCase().replaceAll('_', '-') as
    'none' | 'incomplete' | 'trialing' | 'active' | 'past-due' | 'unpaid' | 'canceled';

export function listPlans() {
  return PLAN_IDS.map((id) => ({
    id,
    maxHubs: PLANS[id].maxHubs,
    sso: PLANS[id].sso,
    prices: INTERVALS.map((interval) => ({ interval, ...priceOf(id, interval) })),
  }));
}

/** What every member of the town sees: enough for the banner and disabled forms. */
export async function billingStatus(ctx: TenantCtx) {
  const s = await ctx.billing.summary(ctx.db, ctx.tenant.id, { withInvoices: false });
  return {
    plan: s.plan,
    status: apiStatus(s.status),
    paymentWarning: s.paymentWarning,
    readOnly: s.readOnly,
    readOnlyFrom: iso(s.readOnlyFrom),
    fakeStripe: s.fakeStripe,
    canManage: canManage(ctx),
    canView: canRead(ctx),
  };
}

export async function getBilling(ctx: TenantCtx) {
  if (!canRead(ctx)) throw forbidden();
  const s = await ctx.billing.summary(ctx.db, ctx.tenant.id, { withInvoices: true });
  return {
    plan: s.plan,
    interval: s.interval,
    status: apiStatus(s.status),
    price: s.price,
    nextInvoiceAt: iso(s.nextInvoiceAt),
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    pastDueSince: iso(s.pastDueSince),
    paymentWarning: s.paymentWarning,
    readOnly: s.readOnly,
    readOnlyFrom: iso(s.readOnlyFrom),
    contact: s.contact,
    invoices: s.invoices.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })),
    fakeStripe: s.fakeStripe,
    canManage: canManage(ctx),
  };
}

async function audited<T>(
  ctx: TenantCtx,
  action: string,
  data: Record<string, string>,
  work: () => Promise<T>,
): Promise<T> {
  const result = await work();
  await ctx.db.auditEvent.create({
    data: {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.session.userId,
      action,
      targetType: 'TenantBilling',
      requestId: ctx.requestId,
      data,
    },
  });
  return result;
}

export async function startCheckout(ctx: TenantCtx, input: { plan: PlanId; interval: BillingIntervalId }) {
  if (!canManage(ctx)) throw forbidden();
  const url = await audited(ctx, 'billing.checkout.started', input, () =>
    ctx.billing.startCheckout(ctx.db, ctx.tenant, input),
  );
  return { url };
}

export async function openPortal(ctx: TenantCtx) {
  if (!canManage(ctx)) throw forbidden();
  const url = await audited(ctx, 'billing.portal.opened', {}, () => ctx.billing.portal(ctx.db, ctx.tenant));
  return { url };
}

export async function updateContact(ctx: TenantCtx, contact: BillingContact) {
  if (!canManage(ctx)) throw forbidden();
  try {
    await audited(ctx, 'billing.contact.updated', contact.vatId ? { vatId: contact.vatId } : {}, () =>
      ctx.billing.updateContact(ctx.db, ctx.tenant, contact),
    );
  } catch (error) {
    // Stripe refused a value our format check let through (e.g. a VAT id it does not accept).
    if (error instanceof BillingInputError)
      throw new DomainError('BAD_REQUEST', error.messageKey, { [error.field]: [error.messageKey] });
    throw error;
  }
  return { ok: true as const };
}

/**
 * Provider: every town; partner: the towns it manages; nobody else. The
 * towns come from the database wall (what the user may see), their billing
 * rows through the audited platform client.
 */
export async function billingOverview(
  ctx: Context & { session: { userId: string }; actor: Actor; ability: AppAbility },
) {
  const partnerIds = ctx.actor.partnerRoles.map((p) => p.partnerId);
  if (!ctx.actor.platformRole && partnerIds.length === 0) throw forbidden();
  const towns = ctx.actor.platformRole
    ? await ctx.platform.run(
        (tx) =>
          tx.tenant.findMany({ select: { id: true, slug: true, name: true }, orderBy: { name: 'asc' }, take: 1000 }),
        {
          action: 'tenants.listed',
          actorUserId: ctx.session.userId,
          requestId: ctx.requestId,
          reason: 'billing overview',
        },
      )
    : await ctx.db.tenant.findMany({
        where: { AND: [accessibleWhere(ctx.ability, 'read', 'Tenant'), { managingPartnerId: { in: partnerIds } }] },
        select: { id: true, slug: true, name: true },
        orderBy: { name: 'asc' },
        take: 1000,
      });
  const rows = await ctx.billing.overview({ userId: ctx.session.userId, requestId: ctx.requestId }, towns);
  const items = rows.map(({ tenantId: _id, status, ...r }) => ({ ...r, status: apiStatus(status) }));
  return { items, totalMrrCents: items.reduce((sum, r) => sum + r.mrrCents, 0), fakeStripe: ctx.billing.fake };
}
