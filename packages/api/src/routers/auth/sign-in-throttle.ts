import { createHash } from 'node:crypto';
import type { AppClient } from '@hubwerk/db';

/**
 * Sign-in rate limit: at most MAX_FAILURES failed attempts per account and
 * client IP within a sliding WINDOW. Further attempts get TOO_MANY_REQUESTS
 * with the seconds until the oldest failure leaves the window — the real user
 * is locked out for at most WINDOW after the attacker stops, never forever,
 * and only from the attacking IP.
 *
 * The attempts live in PostgreSQL (SignInAttempt), so several API instances
 * share one count. An attempt is recorded *before* the password is checked
 * (under a per-bucket advisory lock), so concurrent guesses cannot slip past
 * the limit together; a successful sign-in clears the bucket.
 */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
export const SIGN_IN_MAX_FAILURES = 10;

export type ThrottleDecision = { allowed: true; attemptId: string } | { allowed: false; retryAfterSeconds: number };

/** Account and IP hashed together: the table holds neither in clear text. */
export function signInBucket(email: string, clientIp: string | null): string {
  return createHash('sha256').update(`${email.toLowerCase()}\n${clientIp ?? 'unknown'}`).digest('hex');
}

export async function claimSignInAttempt(db: AppClient, bucket: string, now = new Date()): Promise<ThrottleDecision> {
  const windowStart = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${bucket}, 0))`;
    // Old attempts of this bucket are of no use any more.
    await tx.signInAttempt.deleteMany({ where: { bucket, createdAt: { lt: windowStart } } });
    const recent = await tx.signInAttempt.findMany({
      where: { bucket, createdAt: { gte: windowStart } },
      orderBy: { createdAt: 'asc' },
      select: { createdAt: true },
      take: SIGN_IN_MAX_FAILURES,
    });
    if (recent.length >= SIGN_IN_MAX_FAILURES) {
      const oldest = recent[0]!.createdAt.getTime();
      const retryAfterSeconds = Math.max(1, Math.ceil((oldest + SIGN_IN_WINDOW_MS - now.getTime()) / 1000));
      return { allowed: false as const, retryAfterSeconds };
    }
    const attempt = await tx.signInAttempt.create({ data: { bucket, createdAt: now }, select: { id: true } });
    return { allowed: true as const, attemptId: attempt.id };
  });
}

/** After a successful sign-in: the failures before it no longer count. */
export async function clearSignInAttempts(db: AppClient, bucket: string): Promise<void> {
  await db.signInAttempt.deleteMany({ where: { bucket } });
}
