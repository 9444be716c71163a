/**
 * The email outbox end to end: mails enqueued in the transaction of the
 * change, delivered by the worker over SMTP to a real server in this test.
 */
import { randomUUID } from 'node:crypto';
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../../prisma/seed.ts';
import { type Caller, createTestApi, type TestApi } from '../test-support.ts';
import { enqueueMail } from './outbox.ts';
import { startTestSmtp, type TestSmtp } from '../testing/index.ts';
import { createJobWorker, type JobWorker } from '../jobs/worker.ts';

let api: TestApi;
let superuser: pg.Client;
let appRole: pg.Client;
let platformAdmin: Caller;
let smtp: TestSmtp;
let worker: JobWorker;
let smtpFailure: string | null = null;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = createTestApi(db);
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  appRole = new pg.Client({ connectionString: db.appUrl });
  await Promise.all([superuser.connect(), appRole.connect()]);
  platformAdmin = await api.as(DEMO_USERS.platform);
  smtp = await startTestSmtp({ rejectWith: () => smtpFailure });
  worker = createJobWorker({
    platform: api.deps.platform,
    logger: pino({ level: 'silent' }),
    mail: { smtpUrl: smtp.url, from: 'Hubwerk <noreply@hubwerk.test>' },
    adminUrl: () => 'http://admin.test',
  });
});

afterAll(async () => {
  await worker?.stop();
  await smtp?.close();
  await Promise.all([superuser?.end(), appRole?.end()]);
  await api?.close();
});

beforeEach(async () => {
  smtpFailure = null;
  smtp.received.length = 0;
  await worker.drain();
  smtp.received.length = 0;
});

let agsSeq = 0;
const town = (name: string, adminEmail: string) => ({
  name,
  // Sachsen-Anhalt (15), unused Gemeindeschlüssel per test.
  ags: `150849${String(10 + (agsSeq += 1))}`,
  bundesland: '15' as const,
  hubName: `Hub ${name}`,
  adminEmail,
  idempotencyKey: randomUUID(),
});

/** The invitation path in a mail's text (the only place a token travels). */
const linkIn = (text: string) => /http:\/\/admin\.test(\/invite\/[A-Za-z0-9_-]+)/.exec(text)?.[1];

const outboxCount = async () => Number((await superuser.query(`SELECT count(*) AS n FROM "OutboxEmail"`)).rows[0].n);

describe('invitation mails', () => {
  it('onboarding a town mails the first admin a German invitation; the operator sees no link', async () => {
    const result = await platformAdmin.tenants.onboard(town('Mailstadt', 'chefin@mailstadt.example.org'));
    expect(await worker.drain()).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['chefin@mailstadt.example.org']);
    expect(mail.from).toBe('noreply@hubwerk.test');
    expect(mail.subject).toBe('Einladung zu Hubwerk: Mailstadt');
    expect(mail.text).toContain(
      'Sie wurden eingeladen, bei Mailstadt in Hubwerk als Administrator:in der Kommune mitzuarbeiten.',
    );
    expect(mail.text).toContain('7 Tage gültig');
    expect(Object.keys(result)).toEqual(['tenant']);
    // The link works: its token previews the open invitation.
    const token = linkIn(mail.text)!.split('/').pop()!;
    expect((await api.caller().invitations.preview({ token })).status).toBe('open');
    // Delivered mails keep no copy of the single-use link.
    const { rows } = await superuser.query(
      `SELECT status, "textBody" FROM "OutboxEmail" WHERE "toAddress" = 'chefin@mailstadt.example.org'`,
    );
    expect(rows).toEqual([{ status: 'SENT', textBody: '' }]);
  });

  it('registering a partner mails its first admin', async () => {
    const result = await platformAdmin.partners.register({
      kind: 'it-partner',
      name: 'Mail-IT GmbH',
      region: 'Harz',
      adminEmail: 'it@mail-it.example.org',
      idempotencyKey: randomUUID(),
    });
    await worker.drain();
    expect(smtp.received.map((m) => [m.to[0], m.subject])).toEqual([
      ['it@mail-it.example.org', 'Einladung zu Hubwerk: Mail-IT GmbH'],
    ]);
    expect(Object.keys(result)).toEqual(['partner']);
    expect(linkIn(smtp.received[0]!.text)).toMatch(/^\/invite\//);
    expect(smtp.received[0]!.text).toContain('Administrator:in des Partners');
  });

  it('a replayed onboarding mails the fresh link; the first one stops working', async () => {
    const input = town('Replaystadt', 'admin@replaystadt.example.org');
    const first = await platformAdmin.tenants.onboard(input);
    const second = await platformAdmin.tenants.onboard(input);
    await worker.drain();
    expect(smtp.received.map((m) => m.to[0])).toEqual([
      'admin@replaystadt.example.org',
      'admin@replaystadt.example.org',
    ]);
    expect(second.tenant.id).toBe(first.tenant.id);
    // Both mails carry a link (delivery order is not sending order); only the fresh one works.
    const tokens = smtp.received.map((m) => linkIn(m.text)!.split('/').pop()!);
    const outcomes = await Promise.all(
      tokens.map((token) =>
        api
          .caller()
          .invitations.preview({ token })
          .then(
            (p) => p.status,
            (e: Error) => e.message,
          ),
      ),
    );
    expect(outcomes.sort()).toEqual(['errors.invitation.invalid', 'open']);
  });
});

describe('the transactional outbox', () => {
  it('a failed onboarding enqueues nothing and sends nothing', async () => {
    const taken = town('Doppelstadt', 'a@doppelstadt.example.org');
    await platformAdmin.tenants.onboard(taken);
    await worker.drain();
    const before = await outboxCount();
    await expect(
      platformAdmin.tenants.onboard({
        ...taken,
        idempotencyKey: randomUUID(),
        adminEmail: 'b@doppelstadt.example.org',
      }),
    ).rejects.toThrow();
    expect(await outboxCount()).toBe(before);
    smtp.received.length = 0;
    await worker.drain();
    expect(smtp.received).toEqual([]);
  });

  it('a mail enqueued in a transaction that rolls back is never delivered', async () => {
    const before = await outboxCount();
    await expect(
      api.deps.platform.run(
        async (tx) => {
          await enqueueMail(tx, 'test', 'nobody@example.org', { subject: 'Darf nie ankommen', text: 'x' });
          throw new Error('rolled back after enqueueing');
        },
        { action: 'test', actorUserId: null },
      ),
    ).rejects.toThrow('rolled back');
    expect(await outboxCount()).toBe(before);
    await worker.drain();
    expect(smtp.received).toEqual([]);
  });

  it('the app role may enqueue but never read the outbox', async () => {
    await expect(appRole.query(`SELECT "textBody" FROM "OutboxEmail"`)).rejects.toThrow(/permission denied/);
    await expect(appRole.query(`UPDATE "OutboxEmail" SET status = 'SENT'`)).rejects.toThrow(/permission denied/);
  });

  it('a refused delivery is retried later with backoff, and delivered once the server accepts', async () => {
    smtpFailure = '4.3.0 mailbox temporarily unavailable';
    await api.deps.platform.run(
      (tx) => enqueueMail(tx, 'test', 'retry@example.org', { subject: 'Wiederholung', text: 'Hallo' }),
      { action: 'test', actorUserId: null },
    );
    await worker.drain();
    expect(smtp.received).toEqual([]);
    const { rows } = await superuser.query(
      `SELECT status, attempts, "lastError", "availableAt" > now() AS later FROM "OutboxEmail" WHERE "toAddress" = 'retry@example.org'`,
    );
    expect(rows[0]).toMatchObject({ status: 'PENDING', attempts: 1, later: true });
    expect(rows[0].lastError).toContain('mailbox temporarily unavailable');
    smtpFailure = null;
    await superuser.query(`UPDATE "OutboxEmail" SET "availableAt" = now() WHERE "toAddress" = 'retry@example.org'`);
    await worker.drain();
    expect(smtp.received.map((m) => m.subject)).toEqual(['Wiederholung']);
  });

  it('two workers side by side deliver each mail exactly once', async () => {
    const other = createJobWorker({
      platform: api.deps.platform,
      logger: pino({ level: 'silent' }),
      mail: { smtpUrl: smtp.url, from: 'noreply@hubwerk.test' },
      adminUrl: () => 'http://admin.test',
    });
    await api.deps.platform.run(
      async (tx) => {
        for (let i = 0; i < 12; i += 1)
          await enqueueMail(tx, 'test', `n${i}@example.org`, { subject: `Nr. ${i}`, text: 'x' });
      },
      { action: 'test', actorUserId: null },
    );
    await Promise.all([worker.drain(), other.drain()]);
    await other.stop();
    expect(smtp.received.map((m) => m.subject).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `Nr. ${i}`).sort());
  });
});

describe('without SMTP', () => {
  it('a process without SMTP delivers nothing: the mail waits (the dev page shows it) and one with SMTP sends it', async () => {
    const withoutSmtp = createJobWorker({
      platform: api.deps.platform,
      logger: pino({ level: 'silent' }),
      mail: { smtpUrl: null, from: 'noreply@hubwerk.test' },
      adminUrl: () => 'http://admin.test',
    });
    try {
      const result = await platformAdmin.tenants.onboard(town('Devstadt', 'admin@devstadt.example.org'));
      expect(await withoutSmtp.drain()).toBe(0);
      const { items } = await platformAdmin.mail.sent({});
      const waiting = items.find((m) => m.to === 'admin@devstadt.example.org');
      expect(waiting).toMatchObject({
        status: 'pending',
        subject: 'Einladung zu Hubwerk: Devstadt',
        kind: 'invitation',
      });
      expect(Object.keys(result)).toEqual(['tenant']);
      expect(waiting!.text).toMatch(/http:\/\/admin\.test\/invite\/[A-Za-z0-9_-]{20,}/);
      const townAdmin = await api.as(DEMO_USERS.einbeckAdmin);
      await expect(townAdmin.mail.sent({})).rejects.toThrow('errors.forbidden');
      // Not swallowed: the process that has SMTP sends it.
      expect(await worker.drain()).toBe(1);
      expect(smtp.received.map((m) => m.to[0])).toEqual(['admin@devstadt.example.org']);
    } finally {
      await withoutSmtp.stop();
    }
  });
});

describe('town admins invite staff', () => {
  it('invites by email and role; the mail carries the link that accepting uses', async () => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    const answer = await admin.staff.invite({
      tenant: 'einbeck',
      email: 'Neu.Personal@Einbeck.example.org',
      role: 'hub-staff',
    });
    expect(Object.keys(answer)).toEqual(['invitationId']);
    await worker.drain();
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['neu.personal@einbeck.example.org']);
    expect(mail.subject).toMatch(/^Einladung zu Hubwerk: /);
    expect(mail.text).toContain('als Hub-Mitarbeiter:in mitzuarbeiten');
    const link = /http:\/\/admin\.test(\/invite\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    const token = link!.split('/').pop()!;
    expect(await api.caller().invitations.preview({ token })).toMatchObject({
      email: 'neu.personal@einbeck.example.org',
      role: 'hub-staff',
      status: 'open',
    });
    const { items } = await admin.staff.invitations({ tenant: 'einbeck' });
    expect(items.find((i) => i.email === 'neu.personal@einbeck.example.org')).toMatchObject({
      role: 'hub-staff',
      status: 'open',
    });
    await api.caller().invitations.accept({ token, name: 'Neu Personal', password: 'ein-sicheres-passwort' });
    const member = await api.as('neu.personal@einbeck.example.org', 'ein-sicheres-passwort');
    expect((await member.tenants.list({})).items.map((t) => t.slug)).toContain('einbeck');
  });

  it('revoking makes the link fail with a clear message, and sends nothing more', async () => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    const { invitationId } = await admin.staff.invite({
      tenant: 'einbeck',
      email: 'widerruf@einbeck.example.org',
      role: 'member',
    });
    await admin.staff.revokeInvitation({ tenant: 'einbeck', invitationId });
    await worker.drain();
    const token = linkIn(smtp.received.find((m) => m.to[0] === 'widerruf@einbeck.example.org')!.text)!
      .split('/')
      .pop()!;
    expect((await api.caller().invitations.preview({ token })).status).toBe('revoked');
    await expect(
      api.caller().invitations.accept({ token, name: 'X', password: 'ein-sicheres-passwort' }),
    ).rejects.toThrow('errors.invitation.revoked');
    // Revoking twice: nothing open with that id any more.
    await expect(admin.staff.revokeInvitation({ tenant: 'einbeck', invitationId })).rejects.toThrow('errors.notFound');
    const { items } = await admin.staff.invitations({ tenant: 'einbeck' });
    expect(items.find((i) => i.id === invitationId)?.status).toBe('revoked');
  });

  it('members may not invite; an existing member is not invited again', async () => {
    const member = await api.as(DEMO_USERS.einbeckMember);
    const before = await outboxCount();
    await expect(
      member.staff.invite({ tenant: 'einbeck', email: 'x@einbeck.example.org', role: 'town-admin' }),
    ).rejects.toThrow('errors.forbidden');
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    await expect(
      admin.staff.invite({ tenant: 'einbeck', email: DEMO_USERS.einbeckManager, role: 'member' }),
    ).rejects.toThrow('errors.staff.alreadyMember');
    expect(await outboxCount()).toBe(before);
  });
});
