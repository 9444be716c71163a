import { createHash } from 'node:crypto';
import type { AppClient } from '@hubwerk/db';
import { TooManyRequestsError } from '../../errors.ts';

/**
 * Rate limit of the public booking page (not signed in): at most
 * PER_IP requests per client IP and PER_EMAIL per address within WINDOW.
 * It shares the sliding-window table of the sign-in limit (SignInAttempt,
 * ADR 008) with its own bucket names — hashed, so the table holds neither
 * IP nor address in clear — and counts under a per-bucket advisory lock,
 * so concurrent requests cannot slip past it together.
 */
export const PUBLIC_WINDOW_MS = 60 * 60 * 1000;
export const PUBLIC_PER_IP = 10;
export const PUBLIC_PER_EMAIL = 3;

const bucketOf = (kind: string, value: string) => createHash('sha256').update(`public-booking\n${kind}\n${value.toLowerCase()}`).digest('hex');

export async function claimPublicRequest(db: AppClient, clientIp: string | null, email: string, now = new Date()): Promise<void> {
  await claim(db, [
    [bucketOf('ip', clientIp ?? 'unknown'), PUBLIC_PER_IP],
    [bucketOf('email', email), PUBLIC_PER_EMAIL],
  ], PUBLIC_WINDOW_MS, now);
}

/**
 * Looking at the free slots of the public page (a read, but one that scans
 * bookings): PUBLIC_READS_PER_IP per client IP within PUBLIC_READ_WINDOW_MS —
 * room for someone paging through weeks, not for scraping a town's calendar.
 */
export const PUBLIC_READ_WINDOW_MS = 10 * 60 * 1000;
export const PUBLIC_READS_PER_IP = 120;

export async function claimPublicRead(db: AppClient, clientIp: string | null, now = new Date()): Promise<void> {
  await claim(db, [[bucketOf('read-ip', clientIp ?? 'unknown'), PUBLIC_READS_PER_IP]], PUBLIC_READ_WINDOW_MS, now);
}

async function claim(db: AppClient, buckets: Array<[string, number]>, windowMs: number, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - windowMs);
  const retryAfter = await db.$transaction(async (tx) => {
    for (const [bucket, max] of buckets) {
      await tx.$executeRaw`SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(${bucket}, 0))`;
      await tx.signInAttempt.deleteMany({ where: { bucket, createdAt: { lt: windowStart } } });
      const recent = await tx.signInAttempt.findMany({ where: { bucket, createdAt: { gte: windowStart } }, orderBy: { createdAt: 'asc' }, select: { createdAt: true }, take: max });
      if (recent.length >= max) return Math.max(1, Math.ceil((recent[0]!.createdAt.getTime() + windowMs - now.getTime()) / 1000));
    }
    await tx.signInAttempt.createMany({ data: buckets.map(([bucket]) => ({ bucket, createdAt: now })) });
    return 0;
  });
  if (retryAfter > 0) throw new TooManyRequestsError('errors.publicBooking.tooManyRequests', retryAfter);
}
