/**
 * Billing, proven against the real SDK and a fake Stripe at the network edge
 * (msw): plan limits, one customer per town under retries, webhooks that
 * survive duplicates and disorder, dunning that restricts but never deletes.
 */
import { randomUUID } from 'node:crypto';
import { FAKE_PRICE_IDS } from '@hubwerk/billing';
import { type FakeEvent, signEvent } from '@hubwerk/billing/fake-stripe';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import type Stripe from 'stripe';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { describeError } from './errors.ts';
import { appRouter } from './root.ts';
import { type Caller, fakeStripe, TEST_WEBHOOK_SECRET } from './test-support.ts';
import { tenantInput } from './trpc.ts';
import { procedureContracts } from './contracts.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 8, graceDays: 14, now: () => new Date(clock) });
const file = fileFixtures(test);

let platformAdmin: Caller;
let clock = Date.now();
const fake = fakeStripe();

test.beforeAll(async ({ api }) => {
  platformAdmin = await api.as(DEMO_USERS.platform);
});

const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await file.superuser.query(sql, params)).rows[0] as T;
const count = async (sql: string, params: unknown[] = []) =>
  Number((await one<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).n);
/** An operator's change of the dunning state (docs/operations.md): the billing row and the town row's copy together. */
const setPastDueSince = (tenantId: string, value: string, params: unknown[] = []) =>
  file.superuser.query(
    `WITH billing AS (UPDATE "TenantBilling" SET "pastDueSince" = ${value} WHERE "tenantId" = $1 RETURNING "tenantId", "pastDueSince")
     UPDATE "Tenant" t SET "paymentOverdueSince" = billing."pastDueSince" FROM billing WHERE t.id = billing."tenantId"`,
    [tenantId, ...params],
  );
const billingRow = (slug: string) =>
  one(`SELECT b.* FROM "TenantBilling" b JOIN "Tenant" t ON t.id = b."tenantId" WHERE t.slug = $1`, [slug]);

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; messageKey: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return { code: error.code, ...describeError(error) };
  }
  throw new Error('expected the call to fail');
}

let agsSeq = 100;
/** A new town on Basis, with its one hub from onboarding. */
async function newTown(name: string) {
  const { tenant } = await platformAdmin.tenants.onboard({
    name,
    ags: `03155${String(agsSeq++).padStart(3, '0')}`,
    bundesland: '03',
    partnerId: null,
    hubName: `Digital Hub ${name}`,
    adminEmail: `admin@${randomUUID().slice(0, 8)}.example.org`,
    idempotencyKey: randomUUID(),
    plan: 'basis',
  });
  return tenant;
}

function deliver(event: FakeEvent, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  return file.api.deps.billing.handleWebhook(
    payload,
    signEvent(payload, options.secret ?? TEST_WEBHOOK_SECRET, options.timestamp),
  );
}
const deliverAll = async (events: FakeEvent[]) => {
  for (const e of events) expect((await deliver(e)).status).toBe(200);
};
const sessionIdOf = (url: string) => url.split('/').pop()!;

/** A town with a paid Standard subscription, through Checkout like a real one. */
async function subscribedTown(name: string) {
  const tenant = await newTown(name);
  const { url } = await platformAdmin.billing.startCheckout({
    tenant: tenant.slug,
    plan: 'standard',
    interval: 'month',
  });
  await deliverAll(fake.checkout(sessionIdOf(url), 41_531));
  const row = await billingRow(tenant.slug);
  return { tenant, customerId: row.stripeCustomerId as string, subscriptionId: row.stripeSubscriptionId as string };
}

describe('plans and their limits', () => {
  test('a Basis town gets a clear error for its 2nd hub; after Checkout to Standard it may have 3, not 4', async () => {
    const town = await newTown('Basisdorf');
    expect(await platformAdmin.billing.status({ tenant: town.slug })).toMatchObject({
      plan: 'basis',
      status: 'none',
      paymentWarning: false,
      readOnly: null,
      fakeStripe: true,
    });
    expect(await failure(platformAdmin.hubs.create({ tenant: town.slug, name: 'Zweiter Hub' }))).toEqual({
      code: 'BAD_REQUEST',
      messageKey: 'errors.billing.hubLimit.basis',
      fieldErrors: { name: ['errors.billing.hubLimit.basis'] },
    });

    const { url } = await platformAdmin.billing.startCheckout({
      tenant: town.slug,
      plan: 'standard',
      interval: 'year',
    });
    expect(url).toMatch(/^http:\/\/api\.test\/fake-stripe\/checkout\/cs_test_/);
    const session = fake.sessions.get(sessionIdOf(url))!;
    expect(session.success_url).toBe(`http://admin.test/towns/${town.slug}/billing?checkout=success`);
    await deliverAll(fake.checkout(session.id, 415_310));

    const billing = await platformAdmin.billing.get({ tenant: town.slug });
    expect(billing).toMatchObject({
      plan: 'standard',
      interval: 'year',
      status: 'active',
      price: { netCents: 349_000, vatCents: 66_310, grossCents: 415_310 },
      paymentWarning: false,
    });
    expect(new Date(billing.nextInvoiceAt!).getTime()).toBeGreaterThan(Date.now() + 360 * 86_400_000);
    expect(billing.invoices).toHaveLength(1);
    // German invoice details: net, 19 % VAT and gross, as Stripe computed them.
    expect(billing.invoices[0]).toMatchObject({
      netCents: 349_000,
      vatCents: 66_310,
      totalCents: 415_310,
      currency: 'eur',
      status: 'paid',
    });
    expect(billing.invoices[0]!.url).toMatch(/fake-stripe\/invoice\/in_/);
    // Stripe ids stay in the API.
    expect(JSON.stringify(billing)).not.toMatch(/cus_|sub_|cs_test_/);

    await platformAdmin.hubs.create({ tenant: town.slug, name: 'Zweiter Hub' });
    await platformAdmin.hubs.create({ tenant: town.slug, name: 'Dritter Hub' });
    expect((await failure(platformAdmin.hubs.create({ tenant: town.slug, name: 'Vierter Hub' }))).messageKey).toBe(
      'errors.billing.hubLimit.standard',
    );
    expect(await count(`"Hub" WHERE "tenantId" = $1`, [town.id])).toBe(3);
  });

  test('an archived hub does not count against the plan; bringing it back needs room in the plan', async () => {
    const town = await newTown('Archivdorf');
    const [first] = (await platformAdmin.hubs.list({ tenant: town.slug })).items;
    await platformAdmin.hubs.setArchived({ tenant: town.slug, hubId: first!.id, archived: true });
    await platformAdmin.hubs.create({ tenant: town.slug, name: 'Neuer Hub' });
    expect(
      await failure(platformAdmin.hubs.setArchived({ tenant: town.slug, hubId: first!.id, archived: false })),
    ).toEqual({
      code: 'BAD_REQUEST',
      messageKey: 'errors.billing.hubLimit.basis',
      fieldErrors: { archived: ['errors.billing.hubLimit.basis'] },
    });
    expect(await count(`"Hub" WHERE "tenantId" = $1 AND "archivedAt" IS NULL`, [town.id])).toBe(1);
  });

  test('changes the plan of a running subscription in place (portal confirmation), never a second subscription', async () => {
    const { tenant, customerId, subscriptionId } = await subscribedTown('Wechselstadt');
    const { url } = await platformAdmin.billing.startCheckout({ tenant: tenant.slug, plan: 'plus', interval: 'year' });
    expect(url).toMatch(/fake-stripe\/portal\/bps_/);
    const portal = fake.portalSessions.get(sessionIdOf(url))!;
    expect(portal.plan_change).toMatchObject({
      subscription: subscriptionId,
      price: FAKE_PRICE_IDS.plus.year,
      return_url: `http://admin.test/towns/${tenant.slug}/billing?checkout=success`,
    });
    await deliverAll(fake.confirmPlanChange(portal.id, 831_810));
    expect(await platformAdmin.billing.get({ tenant: tenant.slug })).toMatchObject({
      plan: 'plus',
      interval: 'year',
      status: 'active',
    });
    expect(
      [...fake.subscriptions.values()].filter((s) => s.customer === customerId && s.status !== 'canceled'),
    ).toHaveLength(1);
    for (const name of ['A', 'B', 'C', 'D'])
      await platformAdmin.hubs.create({ tenant: tenant.slug, name: `Hub ${name}` });
  });

  test('onboarding records the plan of the agreement: Standard unless the provider names another', async () => {
    const { tenant } = await platformAdmin.tenants.onboard({
      name: 'Vertragsstadt',
      ags: '03155990',
      bundesland: '03',
      partnerId: null,
      hubName: 'Hub Vertragsstadt',
      adminEmail: 'admin@vertragsstadt.example.org',
      idempotencyKey: randomUUID(),
    });
    expect(await platformAdmin.billing.status({ tenant: tenant.slug })).toMatchObject({
      plan: 'standard',
      status: 'none',
    });
    expect(
      (
        await failure(
          platformAdmin.tenants.onboard({
            name: 'X',
            ags: '03155991',
            bundesland: '03',
            partnerId: null,
            hubName: 'H',
            adminEmail: 'x@example.org',
            idempotencyKey: randomUUID(),
            plan: 'gold' as never,
          }),
        )
      ).fieldErrors,
    ).toEqual({ plan: ['validation.invalid'] });
  });

  test('concurrent creations cannot both take the last hub slot', async () => {
    const { tenant } = await subscribedTown('Wettlauf');
    await platformAdmin.hubs.create({ tenant: tenant.slug, name: 'Zweiter Hub' });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) => platformAdmin.hubs.create({ tenant: tenant.slug, name: `Parallel ${i}` })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await count(`"Hub" WHERE "tenantId" = $1`, [tenant.id])).toBe(3);
  });

  test('only town admins (and the provider) start a plan change; members see the status only', async ({ api }) => {
    const member = await api.as(DEMO_USERS.einbeckMember);
    expect(await member.billing.status({ tenant: 'einbeck' })).toMatchObject({
      plan: 'standard',
      canManage: false,
      canView: false,
    });
    expect(
      (await failure(member.billing.startCheckout({ tenant: 'einbeck', plan: 'plus', interval: 'month' }))).code,
    ).toBe('FORBIDDEN');
    expect((await failure(member.billing.get({ tenant: 'einbeck' }))).code).toBe('FORBIDDEN');
    const partner = await api.as(DEMO_USERS.partner);
    expect((await partner.billing.get({ tenant: 'einbeck' })).canManage).toBe(false);
    expect((await failure(partner.billing.openPortal({ tenant: 'einbeck' }))).code).toBe('FORBIDDEN');
  });
});

describe('the Stripe customer of a town', () => {
  test('is created once: a Stripe timeout, then a retry, gives exactly one customer', async () => {
    const town = await newTown('Zeitüberschreitung');
    let delayed = false;
    fake.hooks.beforeRespond = async (path) => {
      // Stripe creates the customer, but the answer never reaches us.
      if (path === 'customers.create' && !delayed) {
        delayed = true;
        return 'drop';
      }
      return undefined;
    };
    try {
      expect((await failure(platformAdmin.billing.openPortal({ tenant: town.slug }))).code).toBe(
        'INTERNAL_SERVER_ERROR',
      );
      const { url } = await platformAdmin.billing.openPortal({ tenant: town.slug });
      expect(url).toMatch(/fake-stripe\/portal\/bps_/);
    } finally {
      delete fake.hooks.beforeRespond;
    }
    const customers = [...fake.customers.values()].filter((c) => c.metadata.tenantId === town.id);
    expect(customers).toHaveLength(1);
    expect((await billingRow(town.slug)).stripeCustomerId).toBe(customers[0]!.id);
  });

  test('mirrors the billing contact to Stripe and takes customer.updated back', async () => {
    const town = await newTown('Kontaktstadt');
    await platformAdmin.billing.updateContact({
      tenant: town.slug,
      contactName: 'Kämmerei Kontaktstadt',
      contactEmail: 'Kaemmerei@Example.org',
      street: 'Markt 1',
      postalCode: '37574',
      city: 'Kontaktstadt',
      vatId: 'de123456789',
    });
    const row = await billingRow(town.slug);
    expect(row).toMatchObject({
      contactName: 'Kämmerei Kontaktstadt',
      contactEmail: 'kaemmerei@example.org',
      vatId: 'DE123456789',
    });
    const customer = fake.customers.get(row.stripeCustomerId as string)!;
    expect(customer).toMatchObject({
      name: 'Kämmerei Kontaktstadt',
      email: 'kaemmerei@example.org',
      address: { line1: 'Markt 1', postal_code: '37574', city: 'Kontaktstadt', country: 'DE' },
    });
    expect(
      (await failure(platformAdmin.billing.updateContact({ tenant: town.slug, vatId: 'XX1' }))).fieldErrors,
    ).toEqual({ vatId: ['validation.vatId'] });

    customer.name = 'Stadtkasse Kontaktstadt';
    await deliverAll([fake.event('customer.updated', structuredClone(customer))]);
    expect((await billingRow(town.slug)).contactName).toBe('Stadtkasse Kontaktstadt');
  });

  test("sends the USt-IdNr. to Stripe as the customer's eu_vat tax id, replaces it when changed, removes it when cleared", async () => {
    const town = await newTown('Steuerstadt');
    const taxIdsOf = (customer: string) =>
      [...fake.taxIds.values()].filter((t) => t.customer === customer).map((t) => ({ type: t.type, value: t.value }));
    await platformAdmin.billing.updateContact({
      tenant: town.slug,
      contactName: 'Kämmerei Steuerstadt',
      vatId: 'de 123456789'.replace(' ', ''),
    });
    const customer = (await billingRow(town.slug)).stripeCustomerId as string;
    expect(taxIdsOf(customer)).toEqual([{ type: 'eu_vat', value: 'DE123456789' }]);
    // Saving again without a change keeps the one tax id (no duplicate).
    await platformAdmin.billing.updateContact({
      tenant: town.slug,
      contactName: 'Kämmerei Steuerstadt',
      vatId: 'DE123456789',
    });
    expect(taxIdsOf(customer)).toEqual([{ type: 'eu_vat', value: 'DE123456789' }]);

    await platformAdmin.billing.updateContact({
      tenant: town.slug,
      contactName: 'Kämmerei Steuerstadt',
      vatId: 'DE987654321',
    });
    expect(taxIdsOf(customer)).toEqual([{ type: 'eu_vat', value: 'DE987654321' }]);
    expect((await billingRow(town.slug)).vatId).toBe('DE987654321');

    // A malformed id: a field error naming it; neither our row nor Stripe changes.
    for (const bad of ['DE12345678', 'DE1234567890', 'AT123456789', '123456789', 'DE12345678X']) {
      expect(await failure(platformAdmin.billing.updateContact({ tenant: town.slug, vatId: bad }))).toMatchObject({
        code: 'BAD_REQUEST',
        fieldErrors: { vatId: ['validation.vatId'] },
      });
    }
    expect(taxIdsOf(customer)).toEqual([{ type: 'eu_vat', value: 'DE987654321' }]);
    expect((await billingRow(town.slug)).vatId).toBe('DE987654321');

    // A well-formed id Stripe refuses: a field error naming it; the old id stays at Stripe and here, the contact is not half-saved.
    fake.hooks.rejectTaxId = (value) => value === 'DE000000000';
    try {
      expect(
        await failure(
          platformAdmin.billing.updateContact({ tenant: town.slug, contactName: 'Neuer Name', vatId: 'DE000000000' }),
        ),
      ).toEqual({
        code: 'BAD_REQUEST',
        messageKey: 'validation.vatIdRejected',
        fieldErrors: { vatId: ['validation.vatIdRejected'] },
      });
    } finally {
      delete fake.hooks.rejectTaxId;
    }
    expect(taxIdsOf(customer)).toEqual([{ type: 'eu_vat', value: 'DE987654321' }]);
    expect(await billingRow(town.slug)).toMatchObject({ vatId: 'DE987654321', contactName: 'Kämmerei Steuerstadt' });
    expect(fake.customers.get(customer)!.name).toBe('Kämmerei Steuerstadt');

    // A tax id the town enters at Stripe (Checkout, portal) comes back with customer.updated.
    const [current] = [...fake.taxIds.values()].filter((t) => t.customer === customer);
    current!.value = 'DE111222333';
    await deliverAll([fake.event('customer.updated', structuredClone(fake.customers.get(customer)!))]);
    expect((await billingRow(town.slug)).vatId).toBe('DE111222333');

    await platformAdmin.billing.updateContact({ tenant: town.slug, contactName: 'Kämmerei Steuerstadt', vatId: '' });
    expect(taxIdsOf(customer)).toEqual([]);
    expect((await billingRow(town.slug)).vatId).toBeNull();
  });
});

describe('POST /webhooks/stripe (the handler behind it)', () => {
  test('rejects a forged signature, a changed byte, a 301 s old timestamp and the wrong secret — with no effect', async ({
    api,
  }) => {
    const { tenant, subscriptionId } = await subscribedTown('Fälschungshausen');
    const before = await billingRow(tenant.slug);
    const events = await count(`"StripeEvent"`);
    const [failed] = fake.failPayment(subscriptionId);
    const payload = JSON.stringify(failed);
    const now = Math.floor(Date.now() / 1000);
    const good = signEvent(payload, TEST_WEBHOOK_SECRET, now);
    const attempts: Array<[string, string | Buffer, string | undefined]> = [
      ['forged', payload, `t=${now},v1=${'0'.repeat(64)}`],
      ['one byte changed', payload.replace('"invoice.payment_failed"', '"invoice.payment_failee"'), good],
      ['one byte changed (raw)', Buffer.from(Buffer.from(payload).map((b, i) => (i === 10 ? b ^ 1 : b))), good],
      ['301 s old', payload, signEvent(payload, TEST_WEBHOOK_SECRET, now - 301)],
      ['wrong secret', payload, signEvent(payload, 'whsec_someone_else', now)],
      ['no signature', payload, undefined],
    ];
    for (const [, body, signature] of attempts) {
      expect(await api.deps.billing.handleWebhook(body, signature)).toEqual({
        status: 400,
        body: { error: 'invalid-signature' },
      });
    }
    expect(await billingRow(tenant.slug)).toEqual(before);
    expect(await count(`"StripeEvent"`)).toBe(events);
    // The same event, correctly signed and 299 s old, is accepted.
    expect(
      (await api.deps.billing.handleWebhook(payload, signEvent(payload, TEST_WEBHOOK_SECRET, now - 299))).status,
    ).toBe(200);
    expect((await billingRow(tenant.slug)).pastDueSince).not.toBeNull();
  });

  test('processes an event delivered 5 times concurrently exactly once; every delivery gets 2xx', async ({ api }) => {
    const { tenant, subscriptionId } = await subscribedTown('Doppelstadt');
    const [failed] = fake.failPayment(subscriptionId);
    const payload = JSON.stringify(failed);
    const signature = signEvent(payload, TEST_WEBHOOK_SECRET);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => api.deps.billing.handleWebhook(payload, signature)),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(results.filter((r) => 'duplicate' in r.body)).toHaveLength(4);
    expect(await count(`"StripeEvent" WHERE id = $1`, [failed!.id])).toBe(1);
    expect(
      await count(`"AuditLog" WHERE action = 'billing.stripe-event.processed' AND "targetId" = $1`, [failed!.id]),
    ).toBe(1);
    expect(
      await count(
        `"AuditLog" WHERE action = 'billing.stripe-event.processed' AND "tenantId" = $1 AND "targetId" = $2`,
        [tenant.id, failed!.id],
      ),
    ).toBe(1);
  });

  test("never lets an event for town A's customer change town B (or any town, for an unknown customer)", async ({
    superuser,
  }) => {
    const a = await subscribedTown('Anfangsstadt');
    const b = await subscribedTown('Bergstadt');
    const snapshot = async () =>
      (await superuser.query(`SELECT * FROM "TenantBilling" WHERE "tenantId" <> $1 ORDER BY "tenantId"`, [a.tenant.id]))
        .rows;
    const othersBefore = await snapshot();
    await deliverAll(fake.failPayment(a.subscriptionId));
    expect((await billingRow(a.tenant.slug)).pastDueSince).not.toBeNull();
    expect(await snapshot()).toEqual(othersBefore);
    expect((await billingRow(b.tenant.slug)).pastDueSince).toBeNull();

    const allBefore = (await superuser.query(`SELECT * FROM "TenantBilling" ORDER BY "tenantId"`)).rows;
    const stranger = fake.event('invoice.payment_failed', { id: 'in_x', object: 'invoice', customer: 'cus_not_ours' });
    await deliverAll([stranger]);
    expect((await superuser.query(`SELECT * FROM "TenantBilling" ORDER BY "tenantId"`)).rows).toEqual(allBefore);
  });

  test('ends in the newest state for 1,000 shuffled orders of a subscription lifecycle', async ({ superuser }) => {
    const { tenant, customerId } = await subscribedTown('Reihenfolge');
    const statuses: Stripe.Subscription.Status[] = [
      'active',
      'trialing',
      'past_due',
      'unpaid',
      'canceled',
      'incomplete',
    ];
    const prices = Object.values(FAKE_PRICE_IDS).flatMap((p) => [p.month, p.year]);
    const snapshotArb = fc.record({
      status: fc.constantFrom(...statuses),
      price: fc.constantFrom(...prices),
      cancel: fc.boolean(),
      gap: fc.integer({ min: 0, max: 3 }),
    });
    const lifecycleArb = fc.array(snapshotArb, { minLength: 2, maxLength: 5 }).chain((snaps) =>
      fc.tuple(
        fc.constant(snaps),
        fc.shuffledSubarray(
          snaps.map((_, i) => i),
          { minLength: snaps.length, maxLength: snaps.length },
        ),
      ),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(lifecycleArb, async ([snaps, order]) => {
        run++;
        const subId = `sub_perm_${run}_${randomUUID().slice(0, 8)}`;
        await superuser.query(
          `UPDATE "TenantBilling" SET "subscriptionStateAt" = NULL, "stripeSubscriptionId" = NULL, status = 'NONE', plan = 'BASIS', interval = NULL WHERE "tenantId" = $1`,
          [tenant.id],
        );
        let created = 1_900_000_000;
        const events = snaps.map((s, i) => {
          created += i === 0 ? 0 : s.gap; // gap 0: two events in the same second
          const sub = {
            id: subId,
            object: 'subscription',
            created: 1_900_000_000,
            customer: customerId,
            status: s.status,
            cancel_at_period_end: s.cancel,
            metadata: {},
            livemode: false,
            items: {
              object: 'list',
              data: [
                {
                  id: `si_${subId}`,
                  object: 'subscription_item',
                  price: { id: s.price, object: 'price' },
                  quantity: 1,
                  current_period_start: created,
                  current_period_end: created + 30 * 86_400 + i,
                },
              ],
            },
          };
          const type =
            i === 0
              ? 'customer.subscription.created'
              : s.status === 'canceled'
                ? 'customer.subscription.deleted'
                : 'customer.subscription.updated';
          return { sub, event: fake.event(type, sub, created) };
        });
        // Stripe itself holds the newest state (what a re-read returns).
        fake.subscriptions.set(subId, structuredClone(events[events.length - 1]!.sub) as never);
        for (const i of order) expect((await deliver(events[i]!.event)).status).toBe(200);
        const newest = snaps[snaps.length - 1]!;
        const ended = newest.status === 'canceled' || newest.status === 'incomplete';
        const price = Object.entries(FAKE_PRICE_IDS)
          .flatMap(([plan, p]) => Object.entries(p).map(([interval, id]) => ({ plan, interval, id })))
          .find((p) => p.id === newest.price)!;
        const row = await billingRow(tenant.slug);
        expect({
          status: row.status,
          plan: row.plan,
          interval: row.interval,
          cancel: row.cancelAtPeriodEnd,
          periodEnd: (row.currentPeriodEnd as Date).getTime() / 1000,
        }).toEqual({
          status: {
            active: 'ACTIVE',
            trialing: 'TRIALING',
            past_due: 'PAST_DUE',
            unpaid: 'UNPAID',
            canceled: 'CANCELED',
            incomplete: 'INCOMPLETE',
          }[newest.status as string],
          plan: ended ? 'BASIS' : price.plan.toUpperCase(),
          interval: ended ? null : price.interval.toUpperCase(),
          cancel: newest.cancel,
          periodEnd: events[events.length - 1]!.sub.items.data[0]!.current_period_end,
        });
      }),
      { numRuns: 1_000 },
    );
    expect(run).toBeGreaterThanOrEqual(1_000);
  }, 240_000);
});

/** Every tenant-tier mutation of the router, found by its input: the tier's own schema. */
function tenantMutations(): string[] {
  const procedures = appRouter._def.procedures as unknown as Record<
    string,
    { _def: { type: string; inputs: unknown[] } }
  >;
  return Object.entries(procedures)
    .filter(([, p]) => p._def.type === 'mutation' && p._def.inputs.includes(tenantInput))
    .map(([path]) => path)
    .sort();
}

describe('dunning', () => {
  test('warns at once, makes the town read-only after the grace period (every mutation, from the router), keeps reads, restores on payment', async ({
    superuser,
  }) => {
    const { tenant, subscriptionId } = await subscribedTown('Mahnstadt');
    await deliverAll(fake.failPayment(subscriptionId));
    expect(await platformAdmin.billing.status({ tenant: tenant.slug })).toMatchObject({
      paymentWarning: true,
      readOnly: null,
      status: 'past-due',
    });
    await platformAdmin.hubs.create({ tenant: tenant.slug, name: 'Noch erlaubt' });

    clock = Date.now() + 14 * 86_400_000 + 60_000;
    try {
      const status = await platformAdmin.billing.status({ tenant: tenant.slug });
      expect(status).toMatchObject({ paymentWarning: true, readOnly: 'payment-overdue' });
      const mutations = tenantMutations();
      expect(mutations).toEqual(
        expect.arrayContaining(['hubs.create', 'hubs.rename', 'billing.startCheckout', 'exports.start']),
      );
      // Exempt: paying (billing.*), taking the data out (the DSGVO export) and support sessions (someone helping the town) — nothing else.
      // The exemption is the procedure's contract (`whileReadOnly`, contracts.ts).
      const exempt = new Set(
        procedureContracts(appRouter)
          .filter(({ contract }) => contract.whileReadOnly)
          .map(({ path }) => path),
      );
      const allowedWhileReadOnly = (path: string) => exempt.has(path);
      expect(mutations.filter(allowedWhileReadOnly)).toEqual(
        [...mutations.filter((p) => p.startsWith('billing.') || p.startsWith('support.')), 'exports.start'].sort(),
      );
      const hubId = (await superuser.query(`SELECT id FROM "Hub" WHERE "tenantId" = $1 LIMIT 1`, [tenant.id])).rows[0]
        .id as string;
      const hubsBefore = await count(`"Hub" WHERE "tenantId" = $1`, [tenant.id]);
      for (const path of mutations.filter((p) => !allowedWhileReadOnly(p))) {
        const [r, p] = path.split('.') as [string, string];
        const call = (platformAdmin as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[r]![
          p
        ]!;
        expect({ path, ...(await failure(call({ tenant: tenant.slug, hubId, name: 'Schreibversuch' }))) }).toEqual({
          path,
          code: 'PRECONDITION_FAILED',
          messageKey: 'errors.billing.readOnly.paymentOverdue',
        });
      }
      expect(await count(`"Hub" WHERE "tenantId" = $1`, [tenant.id])).toBe(hubsBefore);
      // Reading keeps working, and so does everything needed to pay.
      expect((await platformAdmin.hubs.list({ tenant: tenant.slug })).items).toHaveLength(hubsBefore);
      expect((await platformAdmin.tenants.get({ tenant: tenant.slug })).slug).toBe(tenant.slug);
      await platformAdmin.billing.updateContact({ tenant: tenant.slug, contactName: 'Kämmerei' });
      expect((await platformAdmin.billing.openPortal({ tenant: tenant.slug })).url).toMatch(/portal/);
      expect((await platformAdmin.exports.start({ tenant: tenant.slug })).id).toMatch(/^[0-9a-f-]{36}$/);

      await deliverAll(fake.payOpenInvoices(subscriptionId));
      expect(await platformAdmin.billing.status({ tenant: tenant.slug })).toMatchObject({
        paymentWarning: false,
        readOnly: null,
        status: 'active',
      });
      await platformAdmin.hubs.rename({ tenant: tenant.slug, hubId, name: 'Wieder beschreibbar' });
    } finally {
      clock = Date.now();
    }
  });
});

describe('the dunning state on the town row', () => {
  test('follows the billing row on the webhook path and through the operator statements, so the read-only check needs no query of its own', async ({
    superuser,
  }) => {
    const { tenant, subscriptionId } = await subscribedTown('Spiegelstadt');
    const copy = async () =>
      (await superuser.query(`SELECT "paymentOverdueSince" AS since FROM "Tenant" WHERE id = $1`, [tenant.id])).rows[0]
        .since as Date | null;
    const billed = async () =>
      (await superuser.query(`SELECT "pastDueSince" AS since FROM "TenantBilling" WHERE "tenantId" = $1`, [tenant.id]))
        .rows[0].since as Date | null;
    expect(await copy()).toBeNull();
    await deliverAll(fake.failPayment(subscriptionId));
    expect(await billed()).toBeInstanceOf(Date);
    expect(await copy()).toEqual(await billed());
    // By hand (docs/operations.md: both rows in one statement, as no trigger copies it): the router reads the copy.
    await setPastDueSince(tenant.id, `now() - interval '30 days'`);
    expect(await copy()).toEqual(await billed());
    expect(await failure(platformAdmin.hubs.create({ tenant: tenant.slug, name: 'Zu spät' }))).toMatchObject({
      code: 'PRECONDITION_FAILED',
      messageKey: 'errors.billing.readOnly.paymentOverdue',
    });
    await deliverAll(fake.payOpenInvoices(subscriptionId));
    expect(await copy()).toBeNull();
    await setPastDueSince(tenant.id, `now() - interval '30 days'`);
    expect(await copy()).toBeInstanceOf(Date);
    // A billing row removed by hand takes the town's dunning state with it, so the town is writable again.
    await superuser.query(
      `WITH gone AS (DELETE FROM "TenantBilling" WHERE "tenantId" = $1 RETURNING "tenantId")
       UPDATE "Tenant" t SET "paymentOverdueSince" = NULL FROM gone WHERE t.id = gone."tenantId"`,
      [tenant.id],
    );
    expect(await copy()).toBeNull();
    const [hub] = (await platformAdmin.hubs.list({ tenant: tenant.slug })).items;
    await platformAdmin.hubs.rename({ tenant: tenant.slug, hubId: hub!.id, name: 'Wieder beschreibbar' });
  });
});

describe('billing overview', () => {
  test('shows the provider every town with plan, status and MRR, a partner only its towns, a town admin nothing', async ({
    api,
  }) => {
    const all = await platformAdmin.billing.overview({});
    const slugs = all.items.map((i) => i.slug);
    expect(slugs).toEqual(expect.arrayContaining(['einbeck', 'sangerhausen', 'zeitz']));
    const paying = all.items.find((i) => i.slug === 'basisdorf');
    expect(paying).toMatchObject({
      plan: 'standard',
      interval: 'year',
      status: 'active',
      mrrCents: Math.round(349_000 / 12),
    });
    expect(all.totalMrrCents).toBe(all.items.reduce((s, i) => s + i.mrrCents, 0));
    expect(all.fakeStripe).toBe(true);
    const partner = await api.as(DEMO_USERS.partner);
    expect((await partner.billing.overview({})).items.map((i) => i.slug).sort()).toEqual(['einbeck', 'sangerhausen']);
    const townAdmin = await api.as(DEMO_USERS.zeitzAdmin);
    expect((await failure(townAdmin.billing.overview({}))).code).toBe('FORBIDDEN');
  });
});

describe('dunning per invoice, whatever the order of delivery', () => {
  const DAY_S = 86_400;
  const invoiceEvent = (
    type: 'invoice.payment_failed' | 'invoice.paid' | 'invoice.voided',
    customer: string,
    id: string,
    created: number,
  ) =>
    fake.event(
      type,
      {
        id,
        object: 'invoice',
        customer,
        status: type === 'invoice.paid' ? 'paid' : type === 'invoice.voided' ? 'void' : 'open',
      },
      created,
    );
  const since = async (tenantId: string) => {
    const row = await one<{ billed: Date | null; copy: Date | null }>(
      `SELECT b."pastDueSince" AS billed, t."paymentOverdueSince" AS copy FROM "TenantBilling" b JOIN "Tenant" t ON t.id = b."tenantId" WHERE b."tenantId" = $1`,
      [tenantId],
    );
    // The town row's copy (read by every mutation) always follows.
    expect(row.copy).toEqual(row.billed);
    return row.billed === null ? null : row.billed.getTime() / 1000;
  };
  const invoiceRows = async (tenantId: string) =>
    (
      await file.superuser.query(
        `SELECT "stripeInvoiceId" AS id, status, "firstFailedAt" AS failed FROM "InvoicePayment" WHERE "tenantId" = $1 ORDER BY "stripeInvoiceId"`,
        [tenantId],
      )
    ).rows;

  test('a retried failure delivered before the first one does not start the grace period late', async () => {
    const { tenant, customerId } = await subscribedTown('Wiederholungsstadt');
    const first = Math.floor(Date.now() / 1000) - 5 * DAY_S;
    const retry = first + 3 * DAY_S;
    await deliverAll([invoiceEvent('invoice.payment_failed', customerId, 'in_retry_a', retry)]);
    expect(await since(tenant.id)).toBe(retry);
    await deliverAll([invoiceEvent('invoice.payment_failed', customerId, 'in_retry_a', first)]);
    expect(await since(tenant.id)).toBe(first);
    const status = await platformAdmin.billing.status({ tenant: tenant.slug });
    expect(status).toMatchObject({ paymentWarning: true, readOnly: null });
    expect(await platformAdmin.billing.get({ tenant: tenant.slug })).toMatchObject({
      readOnlyFrom: new Date((first + 14 * DAY_S) * 1000).toISOString(),
    });
    // A third delivery of the later retry changes nothing.
    await deliverAll([invoiceEvent('invoice.payment_failed', customerId, 'in_retry_a', retry)]);
    expect(await since(tenant.id)).toBe(first);
  });

  test('invoice.paid and invoice.payment_failed in the same second leave the town in good standing in either order', async () => {
    const { tenant, customerId } = await subscribedTown('Gleichzeitig');
    const t = Math.floor(Date.now() / 1000) - 60;
    await deliverAll([
      invoiceEvent('invoice.paid', customerId, 'in_same_1', t),
      invoiceEvent('invoice.payment_failed', customerId, 'in_same_1', t),
    ]);
    expect(await since(tenant.id)).toBeNull();
    await deliverAll([
      invoiceEvent('invoice.payment_failed', customerId, 'in_same_2', t),
      invoiceEvent('invoice.paid', customerId, 'in_same_2', t),
    ]);
    expect(await since(tenant.id)).toBeNull();
    // A failure event for an invoice paid long ago is ignored too.
    await deliverAll([invoiceEvent('invoice.payment_failed', customerId, 'in_same_1', t + DAY_S)]);
    expect(await since(tenant.id)).toBeNull();
    expect(await platformAdmin.billing.status({ tenant: tenant.slug })).toMatchObject({
      paymentWarning: false,
      readOnly: null,
    });
    expect((await invoiceRows(tenant.id)).filter((r) => r.id.startsWith('in_same'))).toEqual([
      { id: 'in_same_1', status: 'PAID', failed: null },
      { id: 'in_same_2', status: 'PAID', failed: new Date(t * 1000) },
    ]);
  });

  test('A failed, B failed, A paid: still past due (B is open), since B failed; B paid ends it; a voided invoice is owed no more', async () => {
    const { tenant, customerId } = await subscribedTown('Zweirechnungen');
    const t = Math.floor(Date.now() / 1000) - 10 * DAY_S;
    await deliverAll([invoiceEvent('invoice.payment_failed', customerId, 'in_ab_a', t)]);
    await deliverAll([invoiceEvent('invoice.payment_failed', customerId, 'in_ab_b', t + DAY_S)]);
    expect(await since(tenant.id)).toBe(t);
    await deliverAll([invoiceEvent('invoice.paid', customerId, 'in_ab_a', t + 2 * DAY_S)]);
    expect(await since(tenant.id)).toBe(t + DAY_S);
    expect(await platformAdmin.billing.status({ tenant: tenant.slug })).toMatchObject({ paymentWarning: true });
    await deliverAll([invoiceEvent('invoice.paid', customerId, 'in_ab_b', t + 3 * DAY_S)]);
    expect(await since(tenant.id)).toBeNull();

    await deliverAll([invoiceEvent('invoice.payment_failed', customerId, 'in_ab_c', t + 4 * DAY_S)]);
    expect(await since(tenant.id)).toBe(t + 4 * DAY_S);
    await deliverAll([invoiceEvent('invoice.voided', customerId, 'in_ab_c', t + 5 * DAY_S)]);
    expect(await since(tenant.id)).toBeNull();
  });

  test('a town past due from before invoices were tracked keeps its start: its open invoices at Stripe count as failed since then', async ({
    superuser,
  }) => {
    const { tenant, customerId, subscriptionId } = await subscribedTown('Altbestand');
    fake.failPayment(subscriptionId); // an open, failed invoice at Stripe whose event was handled before the upgrade
    const start = new Date(Date.now() - 6 * 86_400_000);
    start.setMilliseconds(0);
    await setPastDueSince(tenant.id, '$2::timestamptz', [start]);
    await superuser.query(`DELETE FROM "InvoicePayment" WHERE "tenantId" = $1`, [tenant.id]);
    // Another invoice is paid: the old one stays open, the town stays past due from the same start.
    await deliverAll([invoiceEvent('invoice.paid', customerId, 'in_legacy_other', Math.floor(Date.now() / 1000))]);
    expect(await since(tenant.id)).toBe(start.getTime() / 1000);
    await deliverAll(fake.payOpenInvoices(subscriptionId));
    expect(await since(tenant.id)).toBeNull();
  });

  test('ends in the state the invoices say for 150 random histories of three invoices delivered in random order', async ({
    superuser,
  }) => {
    const { tenant, customerId } = await subscribedTown('Zufallsreihenfolge');
    const base = Math.floor(Date.now() / 1000) - 30 * DAY_S;
    const invoiceArb = fc.record({
      start: fc.integer({ min: 0, max: 10 * DAY_S }),
      // Gaps of 0 s put two events in the same second.
      retries: fc.array(fc.constantFrom(0, 1, 3 * DAY_S), { maxLength: 2 }),
      failed: fc.boolean(),
      end: fc.constantFrom('open', 'paid', 'voided'),
      endGap: fc.constantFrom(0, 1, DAY_S),
    });
    const historyArb = fc.array(invoiceArb, { minLength: 1, maxLength: 3 }).chain((invoices) => {
      const count = invoices.reduce(
        (n, i) => n + (i.failed ? 1 + i.retries.length : 0) + (i.end === 'open' ? 0 : 1),
        0,
      );
      return fc.tuple(
        fc.constant(invoices),
        fc.shuffledSubarray(
          Array.from({ length: count }, (_, i) => i),
          { minLength: count, maxLength: count },
        ),
      );
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, async ([invoices, order]) => {
        run++;
        await superuser.query(`DELETE FROM "InvoicePayment" WHERE "tenantId" = $1`, [tenant.id]);
        await setPastDueSince(tenant.id, 'NULL');
        const events: FakeEvent[] = [];
        let expected: number | null = null;
        invoices.forEach((inv, n) => {
          const id = `in_rand_${run}_${n}`;
          let t = base + inv.start;
          const failures: number[] = [];
          if (inv.failed) {
            failures.push(t);
            for (const gap of inv.retries) failures.push((t += gap));
          }
          for (const f of failures) events.push(invoiceEvent('invoice.payment_failed', customerId, id, f));
          if (inv.end !== 'open')
            events.push(
              invoiceEvent(inv.end === 'paid' ? 'invoice.paid' : 'invoice.voided', customerId, id, t + inv.endGap),
            );
          else if (failures.length > 0) expected = Math.min(expected ?? Infinity, failures[0]!);
        });
        for (const i of order) expect((await deliver(events[i]!)).status).toBe(200);
        expect(await since(tenant.id)).toBe(expected);
      }),
      { numRuns: 150 },
    );
    expect(run).toBeGreaterThanOrEqual(150);
  }, 240_000);
});
