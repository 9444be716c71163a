/**
 * Generated fuzzing of every procedure of the router (input-fuzz.ts): a
 * valid input per procedure, one part of it broken by fast-check with a
 * hostile string, number, date, structure or (prototype) key — at least
 * 20,000 cases per run. No answer may be a 500, and every refusal of the
 * input names the field that was broken. A procedure without a case fails
 * this suite.
 */
import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '@hubwerk/auth';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { describeError } from './errors.ts';
import { applyMutation, FRESH_USER, FUZZ_CASES, type FuzzCaller, type FuzzIds, judge, mutationArb, type Seen } from './input-fuzz.ts';
import { appRouter } from './root.ts';
import { type Caller, seededTestApi, type TestApi } from './test-support.ts';

const MIN_CASES = 20_000;
const CONCURRENCY = 4;
const procedures = Object.keys(appRouter._def.procedures);
const runsPerProcedure = Math.ceil(MIN_CASES / procedures.length);
// A new seed every run (more ground covered over time); printed with every failure to replay it.
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let api: TestApi;
let superuser: pg.Client;
let ids: Omit<FuzzIds, 'freshSessionId'>;
const callers = new Map<FuzzCaller, Caller>();
let cases = 0;
const started = Date.now();

beforeAll(async () => {
  ({ api, superuser } = await seededTestApi({ poolSize: 6 }));
  for (const who of ['platform', 'support', 'partner', 'einbeckAdmin', 'einbeckMember'] as const) callers.set(who, await api.as(DEMO_USERS[who]));
  callers.set('anonymous', api.caller());
  const one = async (sql: string, params: unknown[] = []) => ((await superuser.query<{ id: string }>(sql, params)).rows[0]?.id ?? randomUUID());
  const einbeck = await one(`SELECT id FROM "Tenant" WHERE slug = 'einbeck'`);
  const partnerId = await one(`SELECT "managingPartnerId" AS id FROM "Tenant" WHERE slug = 'einbeck'`);
  const hubId = await one(`SELECT id FROM "Hub" WHERE "tenantId" = $1 AND slug = 'digital-hub-einbeck'`, [einbeck]);
  const spaceId = await one(`SELECT id FROM "Space" WHERE "tenantId" = $1 AND "hubId" = $2 AND kind = 'EVENT_ROOM'`, [einbeck, hubId]);
  // Open to the public, with a photo: the public procedures get past their lookups too.
  await superuser.query(`UPDATE "Space" SET "publicBookable" = true WHERE "tenantId" = $1 AND id = $2`, [einbeck, spaceId]);
  const tiny = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEUlEQVQImWNwSetwSetggFAAIHYEyUwxy14AAAAASUVORK5CYII=', 'base64');
  const photoId = await one(
    `INSERT INTO "SpacePhoto" ("tenantId", id, "spaceId", position, "altText", width, height, "byteSize", sha256, image, thumbnail, "thumbWidth", "thumbHeight")
     VALUES ($1, gen_random_uuid(), $2, 0, 'Foto', 2, 2, $3, encode(sha256($4), 'hex'), $4, $4, 2, 2) RETURNING id`,
    [einbeck, spaceId, tiny.length, tiny],
  );
  const bookingId = await one(`SELECT id FROM "Booking" WHERE "tenantId" = $1 ORDER BY "createdAt" LIMIT 1`, [einbeck]);
  const seriesId = await one(
    `INSERT INTO "BookingSeries" ("tenantId", id, "spaceId", "userId", rrule, "firstStartsAt", "durationMinutes", timezone)
     SELECT b."tenantId", gen_random_uuid(), b."spaceId", b."userId", 'FREQ=WEEKLY;COUNT=1', b."startsAt", 60, 'Europe/Berlin' FROM "Booking" b WHERE b."tenantId" = $1 AND b.id = $2 RETURNING id`,
    [einbeck, bookingId],
  );
  const exportId = await one(
    `INSERT INTO "TenantExport" ("tenantId", id, "requestedById", status, progress, archive, "sizeBytes", "finishedAt", "expiresAt", "updatedAt")
     SELECT m."tenantId", gen_random_uuid(), m."userId", 'READY', 100, decode('504b0506' || repeat('00', 18), 'hex'), 22, now(), now() + interval '1 day', now()
     FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE m."tenantId" = $1 AND u.email = $2 RETURNING id`,
    [einbeck, DEMO_USERS.einbeckAdmin],
  );
  const organisationId = await one(`INSERT INTO "Organisation" ("tenantId", id, name, kind, "updatedAt") VALUES ($1, gen_random_uuid(), 'Verein einbeck', 'ASSOCIATION', now()) RETURNING id`, [einbeck]);
  const membershipId = await one(`SELECT m.id FROM "TenantMembership" m JOIN "User" u ON u.id = m."userId" WHERE m."tenantId" = $1 AND u.email = $2`, [einbeck, DEMO_USERS.einbeckMember]);
  const assignmentId = await one(`INSERT INTO "HubAssignment" ("tenantId", id, "hubId", "membershipId") VALUES ($1, gen_random_uuid(), $2, $3) ON CONFLICT DO NOTHING RETURNING id`, [einbeck, hubId, membershipId]);
  ids = {
    hubId, spaceId, photoId, bookingId, seriesId, exportId, organisationId, membershipId, assignmentId, partnerId,
    coworkingId: await one(`SELECT id FROM "Space" WHERE "tenantId" = $1 AND kind = 'COWORKING' LIMIT 1`, [einbeck]),
    deskId: await one(`SELECT id FROM "Desk" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    feedId: await one(`SELECT id FROM "CalendarFeed" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    invitationId: await one(`SELECT id FROM "Invitation" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    zeitzTenantId: await one(`SELECT id FROM "Tenant" WHERE slug = 'zeitz'`),
    freshUserId: await one(`SELECT id FROM "User" WHERE email = $1`, [FRESH_USER]),
    auditId: await one(`SELECT id FROM "AuditEvent" WHERE "tenantId" = $1 LIMIT 1`, [einbeck]),
    partnerInvitationId: await one(
      `INSERT INTO "Invitation" (id, "partnerId", email, "partnerRole", "tokenHash", "expiresAt") VALUES (gen_random_uuid(), $1, 'offen@partner.example.org', 'PARTNER_STAFF', $2, now() + interval '7 days') RETURNING id`,
      [partnerId, `fuzz-${randomUUID()}`],
    ),
  };
});

afterAll(async () => {
  await superuser?.end();
  await api?.close();
});

/** A session of the fresh user made for one case (sign-in would hash a password each time). */
async function freshSession(): Promise<{ caller: Caller; sessionId: string }> {
  const token = newToken();
  const { rows } = await superuser.query<{ id: string }>(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") VALUES (gen_random_uuid(), $1, $2, now() + interval '1 hour') RETURNING id`,
    [hashToken(token), ids.freshUserId],
  );
  return { caller: api.caller(token), sessionId: rows[0]!.id };
}

async function seen(promise: Promise<unknown>): Promise<Seen> {
  try {
    await promise;
    return { code: 'ok' };
  } catch (error) {
    // Anything but a tRPC error would reach the HTTP layer as a 500.
    if (!(error instanceof TRPCError)) return { code: 'INTERNAL_SERVER_ERROR', messageKey: `thrown ${String(error)}` };
    const { messageKey, fieldErrors } = describeError(error);
    return { code: error.code, messageKey, fieldErrors };
  }
}

function call(caller: Caller, path: string, input: unknown): Promise<unknown> {
  const [router, procedure] = path.split('.') as [string, string];
  return (caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[router]![procedure]!(input);
}

describe('generated hostile input', () => {
  it('has a case for every procedure of the router', () => {
    expect(Object.keys(FUZZ_CASES).sort()).toEqual([...procedures].sort());
  });

  it.each(procedures.filter((p) => FUZZ_CASES[p]))('%s: no 500, and every refusal names the broken field', async (path) => {
    const fuzzCase = FUZZ_CASES[path]!;
    const run = async (input: (i: FuzzIds) => unknown, change?: Parameters<typeof applyMutation>[1]) => {
      const fresh = fuzzCase.as === 'fresh' ? await freshSession() : null;
      const caller = fresh?.caller ?? callers.get(fuzzCase.as)!;
      const base = input({ ...ids, freshSessionId: fresh?.sessionId ?? randomUUID() });
      const broken = change ? applyMutation(base, change) : { input: base, path: '' };
      return { broken, answer: await seen(call(caller, path, broken.input)) };
    };
    const baseline = (await run(fuzzCase.input)).answer;
    // The valid input itself is never a 500 and never refused for its form (a business answer — a made-up token — may be its answer).
    expect(baseline.code, `${path} base input: ${JSON.stringify(baseline)}`).not.toBe('INTERNAL_SERVER_ERROR');
    expect(Object.values(baseline.fieldErrors ?? {}).flat().filter((key) => key.startsWith('validation.')), `${path} base input: ${JSON.stringify(baseline)}`).toEqual([]);
    const problems: string[] = [];
    const changes = fc.sample(mutationArb, { numRuns: runsPerProcedure, seed: SEED + procedures.indexOf(path) });
    // A few at a time, as concurrent clients would send them.
    for (let i = 0; i < changes.length; i += CONCURRENCY) {
      await Promise.all(
        changes.slice(i, i + CONCURRENCY).map(async (change) => {
          cases += 1;
          const { broken, answer } = await run(fuzzCase.input, change);
          const problem = judge(answer, broken.path, baseline);
          if (problem && problems.length < 5) problems.push(`${problem} — ${broken.path || '(input)'} = ${JSON.stringify(change.value)?.slice(0, 80)} (${change.kind}${change.kind === 'addKey' ? ` ${JSON.stringify(change.key)}` : ''}) → ${JSON.stringify(answer).slice(0, 200)}`);
        }),
      );
    }
    expect(problems, `FUZZ_SEED=${SEED}`).toEqual([]);
  });

  it(`ran at least ${MIN_CASES} cases`, () => {
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
    console.info(`input fuzz suite: ${cases} generated cases over ${procedures.length} procedures in ${Math.round((Date.now() - started) / 1000)} s (seed ${SEED}), 0 answers 500`);
  });
});
