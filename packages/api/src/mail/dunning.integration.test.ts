/**
 * The dunning mail: a failed payment mails the town's admins, in
 * the webhook's transaction, delivered to a real SMTP server in this test.
 */
import { randomUUID } from 'node:crypto';
import { type FakeEvent, signEvent } from '@hubwerk/billing/fake-stripe';
import pino from 'pino';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../../prisma/seed.ts';
import { type Caller, fakeStripe, TEST_WEBHOOK_SECRET } from '../test-support.ts';
import { startTestSmtp, type TestSmtp } from '../testing/index.ts';
import { createJobWorker, type JobWorker } from '../jobs/worker.ts';
import { fileFixtures, seededApiTest } from '../testing/fixtures.ts';

const test = seededApiTest({ graceDays: 14 });
const file = fileFixtures(test);

let platformAdmin: Caller;
let smtp: TestSmtp;
let worker: JobWorker;
const fake = fakeStripe();

test.beforeAll(async ({ api }) => {
  platformAdmin = await api.as(DEMO_USERS.platform);
  smtp = await startTestSmtp();
  worker = createJobWorker({
    platform: api.deps.platform,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: smtp.url, from: 'noreply@hubwerk.test' },
    adminUrl: () => 'http://admin.test',
  });
});

test.afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
});

async function deliverAll(events: FakeEvent[]) {
  for (const event of events) {
    const payload = JSON.stringify(event);
    expect((await file.api.deps.billing.handleWebhook(payload, signEvent(payload, TEST_WEBHOOK_SECRET))).status).toBe(
      200,
    );
  }
}

describe('dunning mail', () => {
  test('the first failed payment mails the town admin once, in German, with the read-only date and the billing link', async ({
    superuser,
  }) => {
    const adminEmail = `kaemmerei@${randomUUID().slice(0, 8)}.example.org`;
    const { tenant } = await platformAdmin.tenants.onboard({
      name: 'Mahnhausen',
      ags: '03155901',
      bundesland: '03',
      partnerId: null,
      hubName: 'Hub Mahnhausen',
      adminEmail,
      idempotencyKey: randomUUID(),
      plan: 'basis',
    });
    const { url } = await platformAdmin.billing.startCheckout({
      tenant: tenant.slug,
      plan: 'standard',
      interval: 'month',
    });
    await deliverAll(fake.checkout(url.split('/').pop()!, 41_531));
    const subscriptionId = (
      await superuser.query(`SELECT "stripeSubscriptionId" AS id FROM "TenantBilling" WHERE "tenantId" = $1`, [
        tenant.id,
      ])
    ).rows[0].id as string;
    await worker.drain();
    smtp.received.length = 0;

    const failed = fake.failPayment(subscriptionId);
    await deliverAll(failed);
    // Stripe retries the same delivery, and a later retry of the invoice fails again: no second mail.
    await deliverAll(failed);
    await deliverAll(fake.failPayment(subscriptionId));
    await worker.drain();

    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual([adminEmail]);
    expect(mail.subject).toBe('Hubwerk: Zahlung für Mahnhausen fehlgeschlagen');
    expect(mail.text).toContain('die letzte Zahlung für Mahnhausen in Hubwerk ist fehlgeschlagen.');
    expect(mail.text).toContain(`http://admin.test/towns/${tenant.slug}/billing`);
    const { rows } = await superuser.query(`SELECT "pastDueSince" FROM "TenantBilling" WHERE "tenantId" = $1`, [
      tenant.id,
    ]);
    const readOnlyFrom = new Date((rows[0].pastDueSince as Date).getTime() + 14 * 86_400_000);
    expect(mail.text).toContain(
      new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'Europe/Berlin' }).format(readOnlyFrom),
    );
  });

  test('mails again only when a failure delivered late brings the read-only date forward', async ({ superuser }) => {
    const adminEmail = `stadtkasse@${randomUUID().slice(0, 8)}.example.org`;
    const { tenant } = await platformAdmin.tenants.onboard({
      name: 'Spätpost',
      ags: '03155902',
      bundesland: '03',
      partnerId: null,
      hubName: 'Hub Spätpost',
      adminEmail,
      idempotencyKey: randomUUID(),
      plan: 'basis',
    });
    const { url } = await platformAdmin.billing.startCheckout({
      tenant: tenant.slug,
      plan: 'standard',
      interval: 'month',
    });
    await deliverAll(fake.checkout(url.split('/').pop()!, 41_531));
    const customer = (
      await superuser.query(`SELECT "stripeCustomerId" AS id FROM "TenantBilling" WHERE "tenantId" = $1`, [tenant.id])
    ).rows[0].id as string;
    await worker.drain();
    smtp.received.length = 0;

    const first = Math.floor(Date.now() / 1000) - 4 * 86_400;
    const failed = (created: number) =>
      fake.event(
        'invoice.payment_failed',
        { id: 'in_late_first', object: 'invoice', customer, status: 'open' },
        created,
      );
    // Stripe's retry three days later arrives first, then the original failure, then the retry again.
    await deliverAll([failed(first + 3 * 86_400), failed(first), failed(first + 3 * 86_400)]);
    await worker.drain();
    const day = (s: number) =>
      new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'Europe/Berlin' }).format(
        new Date((s + 14 * 86_400) * 1000),
      );
    expect(smtp.received.map((m) => m.to)).toEqual([[adminEmail], [adminEmail]]);
    // The worker may deliver the two in either order: one names each date.
    const named = (date: string) => smtp.received.filter((m) => m.text.includes(date)).length;
    expect([named(day(first + 3 * 86_400)), named(day(first))]).toEqual([1, 1]);
  });
});
