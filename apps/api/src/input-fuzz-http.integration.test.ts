/**
 * The generated fuzz suite (packages/api/src/input-fuzz.ts) through the real
 * HTTP server: a sample of the cases as JSON over the wire (queries in the
 * URL, mutations in the body), plus what only HTTP can carry — malformed
 * percent-encoding and JSON, NUL bytes in paths, oversized bodies. No answer
 * is a 500; every 400 about the input names the broken field.
 */
import { randomUUID } from 'node:crypto';
import { hashToken, newToken } from '@hubwerk/auth';
import { useTestDatabase } from '@hubwerk/db/testing';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import {
  applyMutation,
  FRESH_USER,
  FUZZ_CASES,
  type FuzzCaller,
  type FuzzIds,
  judge,
  mutationArb,
  prepareFuzzIds,
  type Seen,
} from '../../../packages/api/src/input-fuzz.ts';
import { appRouter } from '../../../packages/api/src/root.ts';
import { createLogger } from './logger.ts';
import { type RunningApiServer, startApiServer } from './server.ts';

const SAMPLE = 1_000;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const procedures = Object.keys(appRouter._def.procedures);
const typeOf = (path: string) =>
  (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path]!._def.type;

let server: RunningApiServer;
let superuser: pg.Client;
let ids: Omit<FuzzIds, 'freshSessionId'>;
const tokens = new Map<FuzzCaller, string | null>();

/** A session for the user, made directly (signing in over HTTP would count against the rate limit). */
async function session(email: string): Promise<{ token: string; id: string }> {
  const token = newToken();
  const { rows } = await superuser.query<{ id: string }>(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") SELECT gen_random_uuid(), $1, id, now() + interval '1 hour' FROM "User" WHERE email = $2 RETURNING id`,
    [hashToken(token), email],
  );
  return { token, id: rows[0]!.id };
}

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  server = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: createLogger({ level: 'silent' }),
    poolSize: 6,
  });
  ids = await prepareFuzzIds(superuser);
  tokens.set('anonymous', null);
  for (const who of ['platform', 'support', 'partner', 'einbeckAdmin', 'einbeckMember'] as const)
    tokens.set(who, (await session(DEMO_USERS[who])).token);
});

afterAll(async () => {
  await superuser?.end();
  await server?.close();
});

async function send(path: string, input: unknown, token: string | null): Promise<{ status: number; seen: Seen }> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const json = input === undefined ? undefined : JSON.stringify(input);
  const response =
    typeOf(path) === 'query'
      ? await fetch(`${server.url}/trpc/${path}${json === undefined ? '' : `?input=${encodeURIComponent(json)}`}`, {
          headers,
        })
      : await fetch(`${server.url}/trpc/${path}`, {
          method: 'POST',
          headers,
          ...(json === undefined ? {} : { body: json }),
        });
  const body = (await response.json().catch(() => null)) as {
    error?: { data?: { code?: string; messageKey?: string; fieldErrors?: Record<string, string[]> } };
  } | null;
  const data = body?.error?.data;
  return {
    status: response.status,
    seen: data
      ? { code: data.code ?? 'UNKNOWN', messageKey: data.messageKey, fieldErrors: data.fieldErrors }
      : { code: response.ok ? 'ok' : String(response.status) },
  };
}

describe('hostile input over HTTP', () => {
  it(`answers ${SAMPLE} generated cases without a 500, naming the broken field`, async () => {
    const started = Date.now();
    const baselines = new Map<string, Seen>();
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const sample = fc.sample(fc.tuple(fc.constantFrom(...procedures), mutationArb), { numRuns: SAMPLE, seed: SEED });
    const one = async ([path, change]: (typeof sample)[number]) => {
      const fuzzCase = FUZZ_CASES[path];
      if (!fuzzCase) return void problems.push(`${path} has no fuzz case (packages/api/src/input-fuzz.ts)`);
      const fresh = fuzzCase.as === 'fresh' ? await session(FRESH_USER) : null;
      const token = fresh?.token ?? tokens.get(fuzzCase.as) ?? null;
      const base = fuzzCase.input({ ...ids, freshSessionId: fresh?.id ?? randomUUID() });
      if (!baselines.has(path)) baselines.set(path, (await send(path, base, token)).seen);
      const broken = applyMutation(base, change);
      const { status, seen } = await send(path, broken.input, token);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const problem =
        status >= 500 && status !== 503 ? `HTTP ${status}` : judge(seen, broken.path, baselines.get(path)!);
      if (problem && problems.length < 10)
        problems.push(
          `${path}: ${problem} — ${broken.path || '(input)'} → ${status} ${JSON.stringify(seen).slice(0, 200)}`,
        );
    };
    // A few clients at a time.
    for (let i = 0; i < sample.length; i += 4) await Promise.all(sample.slice(i, i + 4).map(one));
    expect(problems, `FUZZ_SEED=${SEED}`).toEqual([]);
    expect(statuses.get(500) ?? 0).toBe(0);
    console.info(
      `input fuzz over HTTP: ${SAMPLE} cases in ${Math.round((Date.now() - started) / 1000)} s, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))} (seed ${SEED})`,
    );
  }, 600_000);

  it('answers what only HTTP can carry with a 4xx, never a 500', async () => {
    const admin = tokens.get('einbeckAdmin')!;
    const auth = { authorization: `Bearer ${admin}` };
    const answers: Array<[string, number]> = [];
    const get = async (label: string, url: string) =>
      answers.push([label, (await fetch(`${server.url}${url}`, { headers: auth })).status]);
    const post = async (label: string, url: string, body: string | Uint8Array, type = 'application/json') =>
      answers.push([
        label,
        (await fetch(`${server.url}${url}`, { method: 'POST', headers: { ...auth, 'content-type': type }, body }))
          .status,
      ]);
    await get('broken percent-encoding', '/trpc/hubs.list?input=%E0%A4%A');
    await get('percent-encoded lone surrogate', '/trpc/hubs.list?input=%7B%22tenant%22%3A%22%ED%A0%80%22%7D');
    await get('NUL in the slug', `/trpc/hubs.list?input=${encodeURIComponent('{"tenant":"ein\\u0000beck"}')}`);
    await get('raw NUL in the query', '/trpc/hubs.list?input=%00');
    await get('NUL in the path', '/trpc/hubs.list%00');
    await get('NUL in an iCal path', '/ical/00000000-0000-4000-8000-000000000000/abc%00.ics');
    await get('not JSON', '/trpc/hubs.list?input=%7Btenant');
    await get('a batch of garbage', '/trpc/hubs.list,auth.me?batch=1&input=%7B%220%22%3A%7B%22__proto__%22%3A1%7D%7D');
    await get(
      'prototype key at the top',
      `/trpc/hubs.list?input=${encodeURIComponent('{"tenant":"einbeck","__proto__":{"x":1}}')}`,
    );
    await post('invalid JSON body', '/trpc/hubs.create', '{"tenant":"einbeck",');
    await post(
      'invalid UTF-8 body',
      '/trpc/hubs.create',
      new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    );
    await post(
      'a form instead of JSON',
      '/trpc/hubs.create',
      'tenant=einbeck&name=x',
      'application/x-www-form-urlencoded',
    );
    await post(
      'a body over 1 MiB',
      '/trpc/hubs.create',
      JSON.stringify({ tenant: 'einbeck', name: 'x'.repeat(1_100_000) }),
    );
    await post('a deeply nested body', '/trpc/hubs.create', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    await post('an unknown procedure', '/trpc/hubs.doesNotExist', '{}');
    for (const [label, status] of answers) {
      expect(status, label).toBeLessThan(500);
      // A batch answers per call (207, each with its own 400); everything else is refused as a whole.
      if (label !== 'a batch of garbage') expect(status, label).toBeGreaterThanOrEqual(400);
    }
  });
});
