/**
 * Sessions ("Sessions and request safety"): a fresh session at every
 * sign-in, idle timeout and absolute lifetime, and every way a session ends —
 * sign-out, ending one's own sessions, the provider's revocation — taking
 * effect on the very next request.
 */
import { randomUUID } from 'node:crypto';
import { SESSION_ABSOLUTE_LIFETIME_MS, SESSION_IDLE_TIMEOUT_MS, hashToken } from '@hubwerk/auth';
import { BatchQuery } from '@hubwerk/db';
import pg from 'pg';
import { describe, expect, vi } from 'vitest';
import { authenticate } from './authenticate.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../../../prisma/seed.ts';
import { createContext } from './context.ts';
import { appRouter } from './root.ts';
import { createCallerFactory } from './trpc.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

/** Signs in as a browser would, from an address and with a user agent. */
async function signIn(email: string, clientIp = '203.0.113.7', userAgent = 'Firefox/140 (Test)') {
  const caller = createCallerFactory(appRouter)(
    createContext(file.api.deps, { requestId: randomUUID(), sessionToken: null, userAgent, clientIp, log: {} }),
  );
  const result = await caller.auth.signIn({ email, password: DEMO_PASSWORD });
  if (result.status !== 'signed-in') throw new Error('unexpected second factor');
  return result.token;
}
const sessionId = async (token: string) =>
  (await file.superuser.query(`SELECT id FROM "Session" WHERE "tokenHash" = $1`, [hashToken(token)])).rows[0]
    .id as string;

describe('session lifecycle', () => {
  test('creates a new session (new token, new row) at every sign-in, never reusing the one the browser holds', async ({
    api,
    superuser,
  }) => {
    const first = await signIn(DEMO_USERS.einbeckManager);
    const second = await signIn(DEMO_USERS.einbeckManager);
    expect(second).not.toBe(first);
    expect(await sessionId(second)).not.toBe(await sessionId(first));
    // Signing in again while holding a session: the old token still names the old session only.
    const held = await api.caller(first).auth.signIn({ email: DEMO_USERS.einbeckManager, password: DEMO_PASSWORD });
    expect(held.status === 'signed-in' && held.token).not.toBe(first);
    expect(
      (await superuser.query(`SELECT "clientIp", "userAgent" FROM "Session" WHERE id = $1`, [await sessionId(first)]))
        .rows[0],
    ).toEqual({ clientIp: '203.0.113.7', userAgent: 'Firefox/140 (Test)' });
  });

  test('ends a session idle for longer than the idle timeout, and one past its absolute lifetime', async ({
    api,
    superuser,
  }) => {
    const idle = await signIn(DEMO_USERS.einbeckMember2);
    const old = await signIn(DEMO_USERS.einbeckMember2);
    const fresh = await signIn(DEMO_USERS.einbeckMember2);
    await superuser.query(`UPDATE "Session" SET "lastSeenAt" = now() - make_interval(secs => $2) WHERE id = $1`, [
      await sessionId(idle),
      SESSION_IDLE_TIMEOUT_MS / 1000 + 60,
    ]);
    // Active all along (seen a minute ago), but created longer ago than the absolute lifetime allows.
    await superuser.query(
      `UPDATE "Session" SET "createdAt" = now() - make_interval(secs => $2), "expiresAt" = now() - interval '1 second', "lastSeenAt" = now() - interval '1 minute' WHERE id = $1`,
      [await sessionId(old), SESSION_ABSOLUTE_LIFETIME_MS / 1000],
    );
    await expect(api.caller(idle).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(api.caller(old).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await api.caller(fresh).auth.me()).user.email).toBe(DEMO_USERS.einbeckMember2);
    // Neither shows up among the active sessions.
    const { items } = await api.caller(fresh).sessions.mine({});
    expect(items.map((s) => s.id)).toEqual([await sessionId(fresh)]);
  });

  test('signs out on the very next request', async ({ api }) => {
    const token = await signIn(DEMO_USERS.sangerhausenAdmin);
    expect((await api.caller(token).auth.me()).user.email).toBe(DEMO_USERS.sangerhausenAdmin);
    await api.caller(token).auth.signOut({});
    await expect(api.caller(token).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('the sessions page', () => {
  test("lists the caller's active sessions, newest first, with the current one marked", async ({ api }) => {
    const email = DEMO_USERS.einbeckAdmin;
    const older = await signIn(email, '198.51.100.1', 'Chrome/130');
    const current = await signIn(email, '198.51.100.2', 'Safari/18');
    const { items, nextCursor } = await api.caller(current).sessions.mine({});
    expect(nextCursor).toBeNull();
    expect(items.slice(0, 2)).toMatchObject([
      { id: await sessionId(current), current: true, clientIp: '198.51.100.2', userAgent: 'Safari/18' },
      { id: await sessionId(older), current: false, clientIp: '198.51.100.1', userAgent: 'Chrome/130' },
    ]);
    // Keyset pages: one at a time, no session twice.
    const page1 = await api.caller(current).sessions.mine({ limit: 1 });
    const page2 = await api.caller(current).sessions.mine({ limit: 1, cursor: page1.nextCursor! });
    expect(page1.items[0]!.id).toBe(await sessionId(current));
    expect(page2.items[0]!.id).toBe(await sessionId(older));
  });

  test("ends one session (next request signed out), then all others; another user's session is not found and lives on", async ({
    api,
    superuser,
  }) => {
    const email = DEMO_USERS.einbeckMember;
    const [a, b, c] = [await signIn(email), await signIn(email), await signIn(email)];
    const stranger = await signIn(DEMO_USERS.zeitzAdmin);
    const me = api.caller(c);
    expect(await me.sessions.end({ sessionId: await sessionId(a) })).toEqual({ ok: true });
    await expect(api.caller(a).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(me.sessions.end({ sessionId: await sessionId(a) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'errors.notFound',
    });
    await expect(me.sessions.end({ sessionId: await sessionId(stranger) })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'errors.notFound',
    });
    await expect(me.sessions.end({ sessionId: randomUUID() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'errors.notFound',
    });
    expect((await api.caller(stranger).auth.me()).user.email).toBe(DEMO_USERS.zeitzAdmin);

    const { sessionsEnded } = await me.sessions.endOthers({});
    expect(sessionsEnded).toBeGreaterThanOrEqual(1);
    await expect(api.caller(b).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await me.auth.me()).user.email).toBe(email);
    expect((await me.sessions.mine({})).items).toHaveLength(1);
    const audit = await superuser.query(
      `SELECT action FROM "AuditLog" WHERE action IN ('user.sessionEnded', 'user.otherSessionsEnded') ORDER BY "createdAt"`,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['user.sessionEnded', 'user.otherSessionsEnded']);
  });

  test("lets the provider's admins find an account and end all its sessions, effective on its next request", async ({
    api,
  }) => {
    const target = DEMO_USERS.einbeckManager;
    const victim = await signIn(target);
    const platform = await api.as(DEMO_USERS.platform);
    const found = await platform.sessions.lookupUser({ email: target.toUpperCase() });
    expect(found).toMatchObject({ email: target, secondFactor: false });
    expect(found.activeSessions).toBeGreaterThanOrEqual(1);
    await expect(platform.sessions.lookupUser({ email: 'niemand@example.org' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    // Support reads much, but neither looks up nor ends sessions.
    const support = await api.as(DEMO_USERS.support);
    await expect(support.sessions.lookupUser({ email: target })).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const { sessionsEnded } = await platform.auth.revokeUserSessions({ userId: found.id, reason: 'Laptop verloren' });
    expect(sessionsEnded).toBe(found.activeSessions);
    await expect(api.caller(victim).auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await platform.sessions.lookupUser({ email: target })).activeSessions).toBe(0);
  });
});

describe("authenticate: the session, then abilities and town in the user's scope", () => {
  test("reads them in two flights, the town under the user's row-level security, and leaves no setting behind", async ({
    api,
  }) => {
    const token = await signIn(DEMO_USERS.einbeckMember);
    const batches = vi.spyOn(pg.Client.prototype, 'query');
    const own = await authenticate(api.deps.db, token, 'einbeck');
    expect(batches.mock.calls.filter(([q]) => (q as unknown) instanceof BatchQuery)).toHaveLength(2);
    batches.mockRestore();
    expect(own?.session.email).toBe(DEMO_USERS.einbeckMember);
    expect(own?.town?.row?.slug).toBe('einbeck');
    expect(own?.actor.tenantRoles).toEqual([expect.objectContaining({ tenantId: own?.town?.row?.id, role: 'member' })]);
    // A town's directory row is readable in any signed-in scope (ADR 030: no subquery in the policy);
    // whether the member may see the town is CASL's decision in the tenant tier, which answers not-found.
    const foreign = await authenticate(api.deps.db, token, 'zeitz');
    expect(foreign?.town?.row?.slug).toBe('zeitz');
    expect(foreign?.actor.tenantRoles.map((r) => r.tenantId)).not.toContain(foreign?.town?.row?.id);
    const [left] = await api.deps.db.$batch([
      { text: `SELECT NULLIF(current_setting('app.user_id', true), '') AS "user"` },
    ]);
    expect(left!.rows).toEqual([{ user: null }]);
  });

  test('answers only while the session is usable: revoked, expired or idle — no answer', async ({ api, superuser }) => {
    const cases: Array<[string, string]> = [
      ['revoked', `"revokedAt" = now()`],
      ['expired', `"expiresAt" = now() - interval '1 second'`],
      ['idle', `"lastSeenAt" = now() - make_interval(secs => ${SESSION_IDLE_TIMEOUT_MS / 1000 + 5})`],
    ];
    for (const [, change] of cases) {
      const token = await signIn(DEMO_USERS.einbeckMember);
      expect((await authenticate(api.deps.db, token, 'einbeck'))?.session.email).toBe(DEMO_USERS.einbeckMember);
      await superuser.query(`UPDATE "Session" SET ${change} WHERE "tokenHash" = $1`, [hashToken(token)]);
      expect(await authenticate(api.deps.db, token, 'einbeck')).toBeNull();
    }
    expect(await authenticate(api.deps.db, 'unbekanntes-token-unbekanntes-token', 'einbeck')).toBeNull();
  });
});
