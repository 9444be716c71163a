/**
 * POST /webhooks/stripe over real HTTP, and the fake Stripe's Checkout page:
 * the raw body is what is verified, bad signatures are 400 with no effect,
 * concurrent duplicates are all 2xx and count once.
 */
import { randomUUID } from 'node:crypto';
import { appRouter, createCallerFactory, createContext } from '@hubwerk/api';
import { signEvent } from '@hubwerk/billing/fake-stripe';
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { type RunningApiServer, startApiServer } from './server.ts';

let api: RunningApiServer;
let superuser: pg.Client;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: pino({ level: 'silent' }),
    billing: { stripe: null, adminUrl: 'http://admin.test' },
  });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

const caller = (token: string | null) =>
  createCallerFactory(appRouter)(
    createContext(api.deps, { requestId: randomUUID(), sessionToken: token, userAgent: 'vitest', log: {} }),
  );
const post = (body: string | Buffer, signature?: string) =>
  fetch(`${api.url}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
    body,
  });
const row = async () =>
  (
    await superuser.query(
      `SELECT b.* FROM "TenantBilling" b JOIN "Tenant" t ON t.id = b."tenantId" WHERE t.slug = 'einbeck'`,
    )
  ).rows[0];

describe('the fake Stripe, end to end over HTTP', () => {
  it('a town admin goes through the fake Checkout page and comes back with the new plan; webhooks then survive forgery and duplicates', async () => {
    expect(api.fakeStripe).not.toBeNull();
    const { fake, webhookSecret } = api.fakeStripe!;
    const signedIn = await caller(null).auth.signIn({ email: DEMO_USERS.einbeckAdmin, password: 'hubwerk-demo' });
    const admin = caller(signedIn.status === 'signed-in' ? signedIn.token : null);
    const { url } = await admin.billing.startCheckout({ tenant: 'einbeck', plan: 'plus', interval: 'month' });
    expect(url.startsWith(`${api.url}/fake-stripe/checkout/`)).toBe(true);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Test-Stripe (Fake)');
    expect(html).toContain('brutto 831,81');
    const paid = await fetch(url, { method: 'POST', redirect: 'manual' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('http://admin.test/towns/einbeck/billing?checkout=success');
    expect(await admin.billing.get({ tenant: 'einbeck' })).toMatchObject({
      plan: 'plus',
      interval: 'month',
      status: 'active',
      price: { grossCents: 83_181 },
    });

    const subscriptionId = (await row()).stripeSubscriptionId as string;
    const [failed] = fake.failPayment(subscriptionId);
    const payload = JSON.stringify(failed);
    const now = Math.floor(Date.now() / 1000);
    const before = await row();
    const bad = [
      await post(payload, `t=${now},v1=${'a'.repeat(64)}`),
      await post(`${payload} `, signEvent(payload, webhookSecret, now)),
      await post(payload, signEvent(payload, webhookSecret, now - 301)),
      await post(payload, signEvent(payload, 'whsec_wrong', now)),
      await post(payload),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    expect(await row()).toEqual(before);

    const signature = signEvent(payload, webhookSecret, now);
    const deliveries = await Promise.all(Array.from({ length: 5 }, () => post(payload, signature)));
    expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(
      Number(
        (
          await superuser.query(
            `SELECT count(*) AS n FROM "AuditLog" WHERE action = 'billing.stripe-event.processed' AND "targetId" = $1`,
            [failed!.id],
          )
        ).rows[0].n,
      ),
    ).toBe(1);
    expect((await row()).pastDueSince).not.toBeNull();
    expect((await admin.billing.status({ tenant: 'einbeck' })).paymentWarning).toBe(true);
  });
});
