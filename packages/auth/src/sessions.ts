import type { AppClient } from '@hubwerk/db';
import { hashToken, newToken } from './tokens.ts';

export const SESSION_ABSOLUTE_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_IDLE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
// Writing lastSeenAt on every request would turn every read into a write.
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface SessionUser {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  platformRole: 'PLATFORM_ADMIN' | 'PLATFORM_SUPPORT' | null;
}

/** Always a fresh token (and row): a session id is never carried over from before sign-in (no fixation). */
export async function createSession(
  db: AppClient,
  userId: string,
  userAgent?: string | null,
  clientIp?: string | null,
) {
  const token = newToken();
  const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_LIFETIME_MS);
  await db.session.create({
    data: {
      userId,
      tokenHash: hashToken(token),
      expiresAt,
      userAgent: userAgent?.slice(0, 300) ?? null,
      clientIp: clientIp?.slice(0, 64) ?? null,
    },
  });
  return { token, expiresAt };
}

/**
 * The session behind a bearer token, joined with its user: read first in
 * every request (authenticate in @hubwerk/api), outside any scope (the
 * session and user tables are global). Whether it is usable decides
 * usableSession; only then does the request open its user's scope.
 */
export const SESSION_BY_TOKEN_SQL = `SELECT s.id, s."lastSeenAt", s."expiresAt", s."revokedAt", u.id AS "userId", u.email, u.name, u."platformRole"::text AS "platformRole"
   FROM "Session" s JOIN "User" u ON u.id = s."userId"
  WHERE s."tokenHash" = $1`;

/** SESSION_BY_TOKEN_SQL's parameters. */
export const sessionByTokenValues = (token: string): [string] => [hashToken(token)];

/**
 * The session's user, or null when it is revoked, expired or idle too long.
 * Marks it seen (at most once a minute).
 */
export async function usableSession(
  db: AppClient,
  session: SessionRow | undefined,
  now: Date,
): Promise<SessionUser | null> {
  if (!session || session.revokedAt || session.expiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > SESSION_IDLE_TIMEOUT_MS) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return {
    sessionId: session.id,
    userId: session.userId,
    email: session.email,
    name: session.name,
    platformRole: session.platformRole,
  };
}

export interface SessionRow extends Record<string, unknown> {
  id: string;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  userId: string;
  email: string;
  name: string;
  platformRole: SessionUser['platformRole'];
}

export async function revokeSession(db: AppClient, sessionId: string) {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date() } });
}
