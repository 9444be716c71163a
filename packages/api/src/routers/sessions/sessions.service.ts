import { SESSION_IDLE_TIMEOUT_MS } from '@hubwerk/auth';
import type { Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';

type Authed = Context & { session: { sessionId: string; userId: string } };

/** Still usable: not revoked, not past its absolute lifetime, not idle too long (the rules of usableSession in @hubwerk/auth). */
function activeWhere(userId: string, now: Date) {
  return {
    userId,
    revokedAt: null,
    expiresAt: { gt: now },
    lastSeenAt: { gt: new Date(now.getTime() - SESSION_IDLE_TIMEOUT_MS) },
  };
}

async function audit(ctx: Authed, action: string, targetId: string, data: Record<string, string | number | boolean>) {
  await ctx.platform.run(async () => null, {
    action,
    actorUserId: ctx.session.userId,
    targetType: 'User',
    targetId,
    requestId: ctx.requestId,
    data,
  });
}

/** The caller's active sessions, newest first (ids are UUIDv7, so id order is creation order). */
export async function mySessions(ctx: Authed, input: { cursor?: string | undefined; limit: number }) {
  const rows = await ctx.db.session.findMany({
    where: { ...activeWhere(ctx.session.userId, new Date()), ...(input.cursor ? { id: { lt: input.cursor } } : {}) },
    orderBy: { id: 'desc' },
    take: input.limit + 1,
    select: { id: true, createdAt: true, lastSeenAt: true, userAgent: true, clientIp: true },
  });
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((s) => ({
      ...s,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      current: s.id === ctx.session.sessionId,
    })),
    nextCursor: rows.length > input.limit ? page[page.length - 1]!.id : null,
  };
}

/** Ends one of the caller's own sessions; another user's session id is "not found", like a made-up one. */
export async function endSession(ctx: Authed, input: { sessionId: string }) {
  const { count } = await ctx.db.session.updateMany({
    where: { id: input.sessionId, userId: ctx.session.userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw notFound();
  await audit(ctx, 'user.sessionEnded', ctx.session.userId, { current: input.sessionId === ctx.session.sessionId });
  return { ok: true as const };
}

/** "Sign out everywhere else": every session of the caller but this one. */
export async function endOtherSessions(ctx: Authed) {
  const { count } = await ctx.db.session.updateMany({
    where: { userId: ctx.session.userId, id: { not: ctx.session.sessionId }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await audit(ctx, 'user.otherSessionsEnded', ctx.session.userId, { sessionsEnded: count });
  return { ok: true as const, sessionsEnded: count };
}

/**
 * The provider finds an account by email before ending its sessions
 * (auth.revokeUserSessions): who it is, how many sessions are active.
 * Platform admins only, like the revocation itself.
 */
export async function lookupUser(ctx: Authed & { actor: { platformRole: string | null } }, input: { email: string }) {
  if (ctx.actor.platformRole !== 'platform-admin') throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const user = await ctx.db.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, name: true, totpEnabledAt: true },
  });
  if (!user) throw notFound();
  const activeSessions = await ctx.db.session.count({ where: activeWhere(user.id, new Date()) });
  return { id: user.id, email: user.email, name: user.name, secondFactor: user.totpEnabledAt !== null, activeSessions };
}
