/**
 * The fixtures themselves (ADR 041): a file gets one seeded database, one
 * API and one superuser connection; a named demo caller is signed in per test.
 */
import type pg from 'pg';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../../prisma/seed.ts';
import { seededApiTest } from './fixtures.ts';

const test = seededApiTest({ poolSize: 3 });
const seen: { api?: unknown; superuser?: unknown; sessions: string[] } = { sessions: [] };

describe('seededApiTest', () => {
  test('gives the demo data, the API and signed-in callers', async ({ api, superuser, einbeckAdmin }) => {
    seen.api = api;
    seen.superuser = superuser;
    const { rows } = await superuser.query<{ slug: string }>(`SELECT slug FROM "Tenant" ORDER BY slug`);
    expect(rows.map((r) => r.slug)).toContain('einbeck');
    expect((await einbeckAdmin.auth.me()).user.email).toBe(DEMO_USERS.einbeckAdmin);
    seen.sessions.push(await sessionCount(superuser));
  });

  test('shares the file-scoped ones between tests and signs a named caller in afresh', async ({
    api,
    superuser,
    einbeckAdmin,
    signIn,
  }) => {
    expect(api).toBe(seen.api);
    expect(superuser).toBe(seen.superuser);
    expect((await einbeckAdmin.auth.me()).user.email).toBe(DEMO_USERS.einbeckAdmin);
    seen.sessions.push(await sessionCount(superuser));
    const zeitz = await signIn(DEMO_USERS.zeitzAdmin);
    expect((await zeitz.auth.me()).user.email).toBe(DEMO_USERS.zeitzAdmin);
    // One new session of einbeck's admin for this test, none shared with the last.
    expect(Number(seen.sessions[1]) - Number(seen.sessions[0])).toBe(1);
  });
});

async function sessionCount(superuser: pg.Client): Promise<string> {
  const { rows } = await superuser.query<{ n: string }>(
    `SELECT count(*) AS n FROM "Session" s JOIN "User" u ON u.id = s."userId" WHERE u.email = $1`,
    [DEMO_USERS.einbeckAdmin],
  );
  return rows[0]!.n;
}
