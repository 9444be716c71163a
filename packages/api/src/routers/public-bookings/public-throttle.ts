import type { AppClient } from '@hubwerk/db';
import { TooManyRequestsError } from '../../errors.ts';
import { consume, limitersFor, limitKey, PUBLIC_LIMITS } from '../../rate-limits.ts';

/**
 * Rate limit of the public booking page (not signed in), on the shared
 * limiter store (ADR 024): PUBLIC_PER_IP requests per client IP and
 * PUBLIC_PER_EMAIL per address within an hour. Keys are hashed, so the
 * table holds neither IP nor address in clear.
 */
export const PUBLIC_PER_IP = PUBLIC_LIMITS.bookingRequestIp.points;
export const PUBLIC_PER_EMAIL = PUBLIC_LIMITS.bookingRequestEmail.points;

export async function claimPublicRequest(db: AppClient, clientIp: string | null, email: string): Promise<void> {
  const limiters = limitersFor(db);
  const results = await Promise.all([
    consume(limiters.bookingRequestIp, limitKey('public-booking', clientIp)),
    consume(limiters.bookingRequestEmail, limitKey('public-booking', email)),
  ]);
  refuse(results);
}

/**
 * Looking at the free slots of the public page (a read, but one that scans
 * bookings): PUBLIC_READS_PER_IP per client IP within ten minutes.
 */
export const PUBLIC_READS_PER_IP = PUBLIC_LIMITS.availabilityIp.points;

export async function claimPublicRead(db: AppClient, clientIp: string | null): Promise<void> {
  refuse([await consume(limitersFor(db).availabilityIp, limitKey('public-read', clientIp))]);
}

function refuse(results: Array<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>) {
  const wait = Math.max(0, ...results.map((r) => (r.allowed ? 0 : r.retryAfterSeconds)));
  if (wait > 0) throw new TooManyRequestsError('errors.publicBooking.tooManyRequests', wait);
}
