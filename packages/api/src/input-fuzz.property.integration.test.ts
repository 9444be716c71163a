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
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { describeError } from './errors.ts';
import {
  applyMutation,
  FUZZ_CASES,
  type FuzzCaller,
  type FuzzIds,
  judge,
  mutationArb,
  prepareFuzzIds,
  type Seen,
} from './input-fuzz.ts';
import { appRouter } from './root.ts';
import type { Caller } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest({ poolSize: 6 });
const file = fileFixtures(test);

const MIN_CASES = 20_000;
const CONCURRENCY = 4;
const procedures = Object.keys(appRouter._def.procedures);
const runsPerProcedure = Math.ceil(MIN_CASES / procedures.length);
// A new seed every run (more ground covered over time); printed with every failure to replay it.
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let ids: Omit<FuzzIds, 'freshSessionId'>;
const callers = new Map<FuzzCaller, Caller>();
let cases = 0;
const started = Date.now();

test.beforeAll(async ({ api, superuser }) => {
  for (const who of ['platform', 'support', 'partner', 'einbeckAdmin', 'einbeckMember'] as const)
    callers.set(who, await api.as(DEMO_USERS[who]));
  callers.set('anonymous', api.caller());
  ids = await prepareFuzzIds(superuser);
});

/** A session of the fresh user made for one case (sign-in would hash a password each time). */
async function freshSession(): Promise<{ caller: Caller; sessionId: string }> {
  const token = newToken();
  const { rows } = await file.superuser.query<{ id: string }>(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") VALUES (gen_random_uuid(), $1, $2, now() + interval '1 hour') RETURNING id`,
    [hashToken(token), ids.freshUserId],
  );
  return { caller: file.api.caller(token), sessionId: rows[0]!.id };
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
  return (caller as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>)[router]![procedure]!(
    input,
  );
}

describe('generated hostile input', () => {
  test('has a case for every procedure of the router', () => {
    expect(Object.keys(FUZZ_CASES).sort()).toEqual([...procedures].sort());
  });

  it.each(procedures.filter((p) => FUZZ_CASES[p]))(
    '%s: no 500, and every refusal names the broken field',
    async (path) => {
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
      expect(
        Object.values(baseline.fieldErrors ?? {})
          .flat()
          .filter((key) => key.startsWith('validation.')),
        `${path} base input: ${JSON.stringify(baseline)}`,
      ).toEqual([]);
      const problems: string[] = [];
      const changes = fc.sample(mutationArb, { numRuns: runsPerProcedure, seed: SEED + procedures.indexOf(path) });
      // A few at a time, as concurrent clients would send them.
      for (let i = 0; i < changes.length; i += CONCURRENCY) {
        await Promise.all(
          changes.slice(i, i + CONCURRENCY).map(async (change) => {
            cases += 1;
            const { broken, answer } = await run(fuzzCase.input, change);
            const problem = judge(answer, broken.path, baseline);
            if (problem && problems.length < 5)
              problems.push(
                `${problem} — ${broken.path || '(input)'} = ${JSON.stringify(change.value)?.slice(0, 80)} (${change.kind}${change.kind === 'addKey' ? ` ${JSON.stringify(change.key)}` : ''}) → ${JSON.stringify(answer).slice(0, 200)}`,
              );
          }),
        );
      }
      expect(problems, `FUZZ_SEED=${SEED}`).toEqual([]);
    },
  );

  test(`ran at least ${MIN_CASES} cases`, () => {
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
    console.info(
      `input fuzz suite: ${cases} generated cases over ${procedures.length} procedures in ${Math.round((Date.now() - started) / 1000)} s (seed ${SEED}), 0 answers 500`,
    );
  });
});
