/**
 * Billing of towns: the API's side of Stripe. Town requests pass their own
 * (RLS-scoped) transaction; webhooks are cross-town by nature and go through
 * the audited platform client.
 */
import type { AppClient, PlatformClient, PlatformTx, Tenant, TenantBilling } from '@hubwerk/db';
import type Stripe from 'stripe';
import { oneOf, uuid7 } from '@hubwerk/domain';
import { type BillingIntervalId, type PlanId, type PriceIds, PLANS, mrrCents, priceOf } from './plans.ts';
import {
  freshness,
  hubLimitExceeded,
  intervalIdOf,
  paymentWarning,
  planIdOf,
  type ReadOnlyReason,
  readOnlyReason,
  replacesCurrent,
  subscriptionFields,
} from './state.ts';

/** A transaction of the app client (what `db.$transaction(async (tx) => …)` hands over). */
export type Tx = Parameters<Extract<Parameters<AppClient['$transaction']>[0], (...args: never[]) => unknown>>[0];
/** The app client, used inside a town's scope (runInScope). */
export type Db = AppClient;

export interface BillingConfig {
  stripe: Stripe;
  priceIds: PriceIds;
  webhookSecret: string;
  /** Days between the first failed payment and read-only (default 14). */
  graceDays: number;
  /** True when the fake Stripe answers (no STRIPE_SECRET_KEY): the admin app says so. */
  fake: boolean;
  platform: PlatformClient;
  /** The admin app's base URL: Checkout and the Portal send the user back there. */
  adminUrl: string | (() => string);
  now?: () => Date;
  /**
   * Called in the webhook's transaction when a town's grace period starts
   * (or an earlier failure delivered late moves its start back), so the dunning mail commits with the
   * state change (transactional outbox, docs/decisions/009). The API's mail
   * code implements it; billing knows nothing of mail.
   */
  onPaymentFailed?: (tx: PlatformTx, event: { tenantId: string; readOnlyFrom: Date }) => Promise<void>;
}

export interface BillingContact {
  contactName: string | null;
  contactEmail: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
  vatId: string | null;
}

export interface WebhookResult {
  status: 200 | 400;
  body: { received: true; duplicate?: boolean } | { error: string };
}

/** Stripe's signature tolerance: a delivery older than this is a replay. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Subscriptions that still bill: a plan change modifies them instead of starting another. */
const LIVE = new Set<TenantBilling['status']>(['ACTIVE', 'TRIALING', 'PAST_DUE', 'UNPAID']);

const HANDLED = new Set([
  'checkout.session.completed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.voided',
  'customer.updated',
]);

export function createBilling(config: BillingConfig) {
  const { stripe, platform } = config;
  const now = config.now ?? (() => new Date());

  /** The town's billing row, created on first use (every town starts on Basis). */
  async function ensureRow(tx: Db | Tx, tenantId: string): Promise<TenantBilling> {
    await tx.$executeRaw`INSERT INTO "TenantBilling" ("tenantId", id, "updatedAt") VALUES (${tenantId}::uuid, ${uuid7()}::uuid, now()) ON CONFLICT ("tenantId") DO NOTHING`;
    // findFirst, not findUnique: the app client reroutes findUnique to its base
    // client, outside this transaction, where the row just inserted is not visible.
    return tx.tenantBilling.findFirstOrThrow({ where: { tenantId } });
  }

  async function read(tx: Db, tenantId: string): Promise<TenantBilling | null> {
    return tx.tenantBilling.findFirst({ where: { tenantId } });
  }

  return {
    fake: config.fake,
    graceDays: config.graceDays,

    /**
     * Checked before every mutation of a town, on the town row the request
     * has read anyway: the database copies the dunning state there (ADR 022).
     */
    readOnlyReason(town: Pick<Tenant, 'paymentOverdueSince'>): ReadOnlyReason | null {
      return readOnlyReason({ pastDueSince: town.paymentOverdueSince }, now(), config.graceDays);
    },

    /** At onboarding: the plan of the town's agreement (no Stripe subscription yet). */
    async startTown(tx: PlatformTx, tenantId: string, plan: PlanId) {
      await tx.tenantBilling.create({ data: { tenantId, plan: plan.toUpperCase() as TenantBilling['plan'] } });
    },

    /**
     * Called before a hub is created, inside the same transaction: the billing
     * row is locked, so two concurrent creations cannot both take the last slot.
     */
    async hubLimitExceeded(tx: Tx, tenantId: string) {
      await ensureRow(tx, tenantId);
      const [row] = await tx.$queryRaw<
        Array<{ plan: TenantBilling['plan'] }>
      >`SELECT plan FROM "TenantBilling" WHERE "tenantId" = ${tenantId}::uuid FOR UPDATE`;
      // Archived hubs are out of use: they do not count (un-archiving checks the limit again).
      const hubs = await tx.hub.count({ where: { tenantId, archivedAt: null } });
      return hubLimitExceeded(planIdOf(row?.plan ?? 'BASIS'), hubs);
    },

    /** What a town's admin sees on its billing page. Stripe ids stay here. */
    async summary(tx: Db, tenantId: string, options: { withInvoices: boolean }) {
      const row = await read(tx, tenantId);
      const plan = planIdOf(row?.plan ?? 'BASIS');
      const interval = intervalIdOf(row?.interval ?? null);
      const invoices = options.withInvoices && row?.stripeCustomerId ? await listInvoices(row.stripeCustomerId) : [];
      return {
        plan,
        interval,
        status: oneOf('SubscriptionStatus', row?.status ?? 'NONE'),
        price: interval ? priceOf(plan, interval) : null,
        nextInvoiceAt: row?.status === 'ACTIVE' && !row.cancelAtPeriodEnd ? (row.currentPeriodEnd ?? null) : null,
        cancelAtPeriodEnd: row?.cancelAtPeriodEnd ?? false,
        pastDueSince: row?.pastDueSince ?? null,
        paymentWarning: paymentWarning(row),
        readOnly: readOnlyReason(row, now(), config.graceDays),
        readOnlyFrom: row?.pastDueSince ? new Date(row.pastDueSince.getTime() + config.graceDays * 86_400_000) : null,
        contact: {
          contactName: row?.contactName ?? null,
          contactEmail: row?.contactEmail ?? null,
          street: row?.street ?? null,
          postalCode: row?.postalCode ?? null,
          city: row?.city ?? null,
          vatId: row?.vatId ?? null,
        },
        invoices,
        fakeStripe: config.fake,
      };
    },

    /**
     * The town's Stripe customer, created once. The Idempotency-Key is
     * derived from the town and the operation, so a retry after a timeout
     * (ours or the SDK's own) gets the customer of the first attempt back
     * instead of a second one.
     */
    async ensureCustomer(tx: Db, tenant: { id: string; name: string }): Promise<string> {
      const row = await ensureRow(tx, tenant.id);
      if (row.stripeCustomerId) return row.stripeCustomerId;
      const customer = await stripe.customers.create(
        {
          name: row.contactName ?? tenant.name,
          ...(row.contactEmail ? { email: row.contactEmail } : {}),
          preferred_locales: ['de'],
          metadata: { tenantId: tenant.id },
        },
        { idempotencyKey: `hubwerk:tenant:${tenant.id}:customer.create` },
      );
      await tx.tenantBilling.update({ where: { tenantId: tenant.id }, data: { stripeCustomerId: customer.id } });
      return customer.id;
    },

    /** A Stripe Checkout session (subscription mode) for a plan change; returns where to send the user. */
    async startCheckout(
      tx: Db,
      tenant: { id: string; name: string; slug: string },
      choice: { plan: PlanId; interval: BillingIntervalId },
    ): Promise<string> {
      const customer = await this.ensureCustomer(tx, tenant);
      const page = billingPage(tenant.slug);
      const price = config.priceIds[choice.plan][choice.interval];
      const row = await read(tx, tenant.id);
      if (row?.stripeSubscriptionId && LIVE.has(row.status)) {
        // A running subscription changes its price (prorated) — a second
        // Checkout would start a second subscription and bill the town twice.
        const sub = await stripe.subscriptions.retrieve(row.stripeSubscriptionId);
        const item = sub.items.data[0];
        if (item && sub.status !== 'canceled') {
          const session = await stripe.billingPortal.sessions.create({
            customer,
            return_url: page,
            locale: 'de',
            flow_data: {
              type: 'subscription_update_confirm',
              subscription_update_confirm: { subscription: sub.id, items: [{ id: item.id, price, quantity: 1 }] },
              after_completion: { type: 'redirect', redirect: { return_url: `${page}?checkout=success` } },
            },
          });
          return session.url;
        }
      }
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer,
        client_reference_id: tenant.id,
        line_items: [{ price, quantity: 1 }],
        success_url: `${page}?checkout=success`,
        cancel_url: `${page}?checkout=cancelled`,
        locale: 'de',
        billing_address_collection: 'required',
        tax_id_collection: { enabled: true },
        customer_update: { address: 'auto', name: 'auto' },
        subscription_data: { metadata: { tenantId: tenant.id } },
      });
      if (!session.url) throw new Error('Stripe returned a checkout session without url');
      return session.url;
    },

    /** The Stripe Customer Portal (payment method, invoices, cancellation). */
    async portal(tx: Db, tenant: { id: string; name: string; slug: string }): Promise<string> {
      const customer = await this.ensureCustomer(tx, tenant);
      const session = await stripe.billingPortal.sessions.create({
        customer,
        return_url: billingPage(tenant.slug),
        locale: 'de',
      });
      return session.url;
    },

    /**
     * The billing contact: mirrored to the Stripe customer first (name, email,
     * invoice address, the USt-IdNr. as an `eu_vat` tax id), then stored here —
     * so Stripe refusing the VAT id leaves nothing half-written on our side.
     */
    async updateContact(tx: Db, tenant: { id: string; name: string }, contact: BillingContact) {
      const customer = await this.ensureCustomer(tx, tenant);
      // The VAT id first: the one step Stripe may refuse, before anything else changed.
      await syncVatId(customer, contact.vatId);
      await stripe.customers.update(customer, {
        name: contact.contactName ?? tenant.name,
        // '' clears the field at Stripe (the town removed its invoice email).
        email: contact.contactEmail ?? '',
        address: {
          line1: contact.street ?? '',
          postal_code: contact.postalCode ?? '',
          city: contact.city ?? '',
          country: 'DE',
        },
      });
      await tx.tenantBilling.update({ where: { tenantId: tenant.id }, data: contact });
    },

    /** Provider and partner view: towns with plan, status, MRR (net cents). Cross-town: platform client, audited. */
    async overview(
      actor: { userId: string; requestId: string | null },
      towns: Array<{ id: string; slug: string; name: string }>,
    ) {
      const ids = towns.map((t) => t.id);
      const rows = await platform.run((tx) => tx.tenantBilling.findMany({ where: { tenantId: { in: ids } } }), {
        action: 'billing.overview.read',
        actorUserId: actor.userId,
        requestId: actor.requestId,
        reason: 'billing overview of the towns the user may see',
        data: { towns: ids.length },
      });
      const byTenant = new Map(rows.map((r) => [r.tenantId, r]));
      return towns.map((t) => {
        const row = byTenant.get(t.id);
        const plan = planIdOf(row?.plan ?? 'BASIS');
        const interval = intervalIdOf(row?.interval ?? null);
        const paying =
          row &&
          interval &&
          (row.status === 'ACTIVE' ||
            row.status === 'PAST_DUE' ||
            row.status === 'TRIALING' ||
            row.status === 'UNPAID');
        return {
          tenantId: t.id,
          slug: t.slug,
          name: t.name,
          plan,
          interval,
          status: oneOf('SubscriptionStatus', row?.status ?? 'NONE'),
          mrrCents: paying ? mrrCents(plan, interval) : 0,
          paymentWarning: paymentWarning(row ?? null),
          readOnly: readOnlyReason(row ?? null, now(), config.graceDays) !== null,
        };
      });
    },

    /**
     * POST /webhooks/stripe. The signature is checked over the raw bytes; the
     * event id is claimed in the same transaction as its effects, so
     * concurrent or repeated deliveries change things once.
     */
    async handleWebhook(rawBody: Buffer | string, signature: string | undefined): Promise<WebhookResult> {
      let event: Stripe.Event;
      try {
        if (!signature) throw new Error('missing signature');
        event = stripe.webhooks.constructEvent(rawBody, signature, config.webhookSecret, WEBHOOK_TOLERANCE_SECONDS);
      } catch {
        return { status: 400, body: { error: 'invalid-signature' } };
      }
      if (!HANDLED.has(event.type)) return { status: 200, body: { received: true } };
      const duplicate = await processEvent(event);
      return { status: 200, body: duplicate ? { received: true, duplicate: true } : { received: true } };
    },

    plans: PLANS,
  };

  // Built here, never from request input: no open redirect through Stripe.
  function billingPage(slug: string): string {
    const base = typeof config.adminUrl === 'function' ? config.adminUrl() : config.adminUrl;
    return `${base.replace(/\/$/, '')}/towns/${encodeURIComponent(slug)}/billing`;
  }

  /**
   * One `eu_vat` tax id on the customer, equal to the town's USt-IdNr.: others
   * of that type are removed, the new one added (Stripe has no update for
   * tax ids). Listing first makes a retry converge instead of duplicating.
   */
  async function syncVatId(customer: string, vatId: string | null) {
    const existing = (await stripe.customers.listTaxIds(customer, { limit: 100 })).data.filter(
      (t) => t.type === 'eu_vat',
    );
    // Add the new id before removing the old one: if Stripe refuses it, the customer keeps the old one.
    if (vatId && !existing.some((t) => t.value === vatId)) {
      try {
        await stripe.customers.createTaxId(customer, { type: 'eu_vat', value: vatId });
      } catch (error) {
        if ((error as { code?: string }).code === 'tax_id_invalid')
          throw new BillingInputError('vatId', 'validation.vatIdRejected');
        throw error;
      }
    }
    for (const taxId of existing) {
      if (taxId.value !== vatId) await stripe.customers.deleteTaxId(customer, taxId.id);
    }
  }

  async function listInvoices(customer: string) {
    const list = await stripe.invoices.list({ customer, limit: 24 });
    return list.data.map((i) => ({
      number: i.number ?? null,
      createdAt: new Date(i.created * 1000),
      ...invoiceAmounts(i),
      currency: i.currency,
      status: i.status ?? 'draft',
      url: i.hosted_invoice_url ?? null,
      pdfUrl: i.invoice_pdf ?? null,
    }));
  }

  /** Returns true when the event had been processed before. */
  async function processEvent(event: Stripe.Event): Promise<boolean> {
    const customerId = customerOf(event);
    let tenantId: string | null = null;
    const duplicate = await platform.run(
      async (tx) => {
        // ON CONFLICT waits for a concurrent claim of the same id to commit
        // (then: duplicate) or roll back (then: ours to process).
        const claimed =
          await tx.$executeRaw`INSERT INTO "StripeEvent" (id, type) VALUES (${event.id}, ${event.type}) ON CONFLICT (id) DO NOTHING`;
        if (claimed === 0) return true;
        if (!customerId) return false;
        const [row] = await tx.$queryRaw<
          Array<{ tenantId: string }>
        >`SELECT "tenantId" FROM "TenantBilling" WHERE "stripeCustomerId" = ${customerId} FOR UPDATE`;
        if (!row) return false; // not one of our towns (another system on the same account)
        tenantId = row.tenantId;
        await apply(tx, row.tenantId, event);
        return false;
      },
      (dup) => ({
        action: dup ? 'billing.stripe-event.duplicate' : 'billing.stripe-event.processed',
        actorUserId: null,
        tenantId,
        targetType: 'StripeEvent',
        targetId: event.id,
        reason: `Stripe webhook ${event.type}`,
      }),
    );
    return duplicate;
  }

  async function apply(tx: PlatformTx, tenantId: string, event: Stripe.Event) {
    const row = await tx.tenantBilling.findFirstOrThrow({ where: { tenantId } });
    const created = new Date(event.created * 1000);
    switch (event.type) {
      case 'checkout.session.completed': {
        const subId = idOf(event.data.object.subscription);
        if (!subId) return;
        // The session does not carry the plan: read the subscription as it is now.
        const sub = await stripe.subscriptions.retrieve(subId);
        return applySubscription(tx, row, sub, created, true);
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted':
        return applySubscription(tx, row, event.data.object, created, false);
      case 'invoice.paid':
      case 'invoice.payment_failed':
      case 'invoice.voided':
        return applyInvoice(tx, row, event.type, event.data.object, created);
      case 'customer.updated': {
        // No version on customers: re-read, so an old event cannot win.
        const customer = await stripe.customers.retrieve(row.stripeCustomerId!);
        if ('deleted' in customer && customer.deleted) return;
        await tx.tenantBilling.update({
          where: { tenantId },
          data: {
            contactName: customer.name ?? row.contactName,
            contactEmail: customer.email ?? row.contactEmail,
            street: customer.address?.line1 ?? row.street,
            postalCode: customer.address?.postal_code ?? row.postalCode,
            city: customer.address?.city ?? row.city,
            // The town may enter its USt-IdNr. in Checkout or the portal too.
            vatId:
              (await stripe.customers.listTaxIds(customer.id, { limit: 100 })).data.find((t) => t.type === 'eu_vat')
                ?.value ?? null,
          },
        });
        return;
      }
      default:
        return;
    }
  }

  /**
   * One invoice's payment state, then the town's from all of them: past due
   * exactly while an invoice is open with a failed payment, since the
   * earliest failure of those (docs/decisions/026). Paid and voided are
   * final; a failure counts from its own event time, so Stripe's delivery
   * order does not matter. The billing row is locked (FOR UPDATE in
   * processEvent), so two invoices of one town are applied one after the other.
   */
  async function applyInvoice(
    tx: PlatformTx,
    row: TenantBilling,
    type: 'invoice.paid' | 'invoice.payment_failed' | 'invoice.voided',
    invoice: Stripe.Invoice,
    created: Date,
  ) {
    const tenantId = row.tenantId;
    if (!invoice.id) return;
    await adoptUntrackedDunning(tx, row);
    if (type === 'invoice.payment_failed') {
      await tx.$executeRaw`
        INSERT INTO "InvoicePayment" ("tenantId", "stripeInvoiceId", status, "firstFailedAt", "lastEventAt", "updatedAt")
        VALUES (${tenantId}::uuid, ${invoice.id}, 'FAILED', ${created}, ${created}, now())
        ON CONFLICT ("tenantId", "stripeInvoiceId") DO UPDATE SET
          "firstFailedAt" = LEAST("InvoicePayment"."firstFailedAt", EXCLUDED."firstFailedAt"),
          "lastEventAt" = GREATEST("InvoicePayment"."lastEventAt", EXCLUDED."lastEventAt"),
          "updatedAt" = now()
        WHERE "InvoicePayment".status = 'FAILED'`;
    } else {
      const status = type === 'invoice.paid' ? 'PAID' : 'VOID';
      const paidAt = type === 'invoice.paid' ? created : null;
      await tx.$executeRaw`
        INSERT INTO "InvoicePayment" ("tenantId", "stripeInvoiceId", status, "paidAt", "lastEventAt", "updatedAt")
        VALUES (${tenantId}::uuid, ${invoice.id}, ${status}, ${paidAt}, ${created}, now())
        ON CONFLICT ("tenantId", "stripeInvoiceId") DO UPDATE SET
          status = EXCLUDED.status,
          "paidAt" = EXCLUDED."paidAt",
          "lastEventAt" = GREATEST("InvoicePayment"."lastEventAt", EXCLUDED."lastEventAt"),
          "updatedAt" = now()
        WHERE "InvoicePayment".status = 'FAILED'`;
    }
    const [open] = await tx.$queryRaw<Array<{ since: Date | null }>>`
      SELECT min("firstFailedAt") AS since FROM "InvoicePayment" WHERE "tenantId" = ${tenantId}::uuid AND status = 'FAILED'`;
    const pastDueSince = open?.since ?? null;
    const invoiceStateAt = row.invoiceStateAt && row.invoiceStateAt > created ? row.invoiceStateAt : created;
    await tx.tenantBilling.update({ where: { tenantId }, data: { pastDueSince, invoiceStateAt } });
    // The town row's copy (read by every mutation, docs/decisions/022) in the same transaction: no trigger may
    // write another table on a Citus shard (docs/decisions/030). This is the one place pastDueSince changes.
    await tx.$executeRaw`UPDATE "Tenant" SET "paymentOverdueSince" = ${pastDueSince} WHERE id = ${tenantId}::uuid`;
    // The admins hear when the grace period starts, and again only if an
    // earlier failure arrives late and brings the read-only date forward;
    // Stripe's retries of an invoice already failed do not mail.
    const earlier = pastDueSince !== null && (row.pastDueSince === null || pastDueSince < row.pastDueSince);
    if (earlier && config.onPaymentFailed) {
      await config.onPaymentFailed(tx, {
        tenantId,
        readOnlyFrom: new Date(pastDueSince.getTime() + config.graceDays * 86_400_000),
      });
    }
  }

  /**
   * A town past due from before invoices were tracked one by one has no
   * invoice rows: its open invoices at Stripe are taken as failed since the
   * town's start of the grace period, once, so a payment of another invoice
   * does not end it and a retry does not restart it.
   */
  async function adoptUntrackedDunning(tx: PlatformTx, row: TenantBilling) {
    if (!row.pastDueSince || !row.stripeCustomerId) return;
    if ((await tx.invoicePayment.count({ where: { tenantId: row.tenantId } })) > 0) return;
    const open = (
      await stripe.invoices.list({ customer: row.stripeCustomerId, status: 'open', limit: 100 })
    ).data.filter((i) => i.status === 'open' && i.id);
    for (const invoice of open) {
      await tx.$executeRaw`
        INSERT INTO "InvoicePayment" ("tenantId", "stripeInvoiceId", status, "firstFailedAt", "lastEventAt", "updatedAt")
        VALUES (${row.tenantId}::uuid, ${invoice.id}, 'FAILED', ${row.pastDueSince}, ${row.pastDueSince}, now())
        ON CONFLICT ("tenantId", "stripeInvoiceId") DO NOTHING`;
    }
  }

  async function applySubscription(
    tx: PlatformTx,
    row: TenantBilling,
    snapshot: Stripe.Subscription,
    created: Date,
    reRead: boolean,
  ) {
    const f = freshness(created, row.subscriptionStateAt);
    if (f === 'older') return;
    const sub = f === 'same-second' && !reRead ? await stripe.subscriptions.retrieve(snapshot.id) : snapshot;
    const fields = subscriptionFields(sub, config.priceIds, {
      plan: oneOf('BillingPlan', row.plan),
      interval: oneOf('BillingInterval', row.interval),
    });
    const current = { stripeSubscriptionId: row.stripeSubscriptionId, status: oneOf('SubscriptionStatus', row.status) };
    if (!replacesCurrent(current, fields)) return;
    await tx.tenantBilling.update({
      where: { tenantId: row.tenantId },
      data: { ...fields, subscriptionStateAt: created },
    });
  }
}

/** Input Stripe refused, named by the field of ours it came from (the API turns it into a field error). */
export class BillingInputError extends Error {
  constructor(
    readonly field: string,
    readonly messageKey: string,
  ) {
    super(messageKey);
    this.name = 'BillingInputError';
  }
}

/**
 * Net, VAT and gross of an invoice as Stripe computed them (tax rates or
 * Stripe Tax), for a finance department that books them separately.
 */
export function invoiceAmounts(invoice: Pick<Stripe.Invoice, 'total' | 'total_excluding_tax' | 'total_taxes'>) {
  const vat = (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0);
  const net = invoice.total_excluding_tax ?? invoice.total - vat;
  return { netCents: net, vatCents: invoice.total - net, totalCents: invoice.total };
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function customerOf(event: Stripe.Event): string | null {
  const object = event.data.object as { object?: string; id?: string; customer?: string | { id: string } | null };
  if (object.object === 'customer') return object.id ?? null;
  return idOf(object.customer ?? null);
}

export type Billing = ReturnType<typeof createBilling>;
