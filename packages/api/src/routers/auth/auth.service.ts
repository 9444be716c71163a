import { createSession, revokeSession, verifyPassword } from '@hubwerk/auth';
import type { Context } from '../../context.ts';
import { DomainError } from '../../errors.ts';

export async function signIn(ctx: Context, input: { email: string; password: string }) {
  const user = await ctx.db.user.findUnique({ where: { email: input.email }, select: { id: true, passwordHash: true } });
  // Same answer, and the same argon2 cost, whether or not the account exists.
  const valid = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !valid) throw new DomainError('UNAUTHORIZED', 'errors.auth.invalidCredentials');
  const session = await createSession(ctx.db, user.id, ctx.userAgent);
  ctx.log.userId = user.id;
  return { token: session.token, expiresAt: session.expiresAt.toISOString() };
}

export async function signOut(ctx: Context, sessionId: string) {
  await revokeSession(ctx.db, sessionId);
  return { ok: true as const };
}
