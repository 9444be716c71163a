import { createHash } from 'node:crypto';
import type { AppClient } from '@hubwerk/db';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Every rate limit of the API, on rate-limiter-flexible's PostgreSQL store
 * (ADR 024): one table ("RateLimit", created by a migration, global) shared
 * by all API instances. Keys are hashed, so the table names neither an
 * account nor an IP. Each limiter keeps its own key prefix.
 */
export const RATE_LIMIT_TABLE = 'RateLimit';

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

export interface LimitSpec {
  /** Attempts allowed within `duration` seconds… */
  points: number;
  duration: number;
  /** …and how long a key stays refused once it went over (0: until the window ends). */
  blockDuration: number;
}

/**
 * Password checks (sign-in, second factor, password change, accepting an
 * invitation as an existing account). Each attempt counts on all three
 * limits before the password is checked; a success takes it back.
 */
export const SIGN_IN_LIMITS = {
  /** Wrong guesses in a row for one account from one client: the classic lock, only for that pair. */
  accountAndIp: { points: 10, duration: DAY, blockDuration: 15 * 60 },
  /** All wrong guesses of one client across accounts: stops one client spraying passwords over many accounts. */
  ip: { points: 100, duration: DAY, blockDuration: DAY },
  /** All wrong guesses on one account across clients (many addresses, one victim): refuses only clients the account has not signed in from. */
  account: { points: 50, duration: DAY, blockDuration: HOUR },
} satisfies Record<string, LimitSpec>;

/** How long a successful sign-in makes an account's client "known" (exempt from the ip and account limits). */
export const KNOWN_CLIENT_SECONDS = 90 * DAY;

/** Unauthenticated requests that cost work or mail; counted per client IP (and address where one is given). */
export const PUBLIC_LIMITS = {
  /** Public booking requests (they mail a confirmation link). */
  bookingRequestIp: { points: 10, duration: HOUR, blockDuration: 0 },
  bookingRequestEmail: { points: 3, duration: HOUR, blockDuration: 0 },
  /** Reading free slots of the public page: room for paging through weeks, not for scraping a calendar. */
  availabilityIp: { points: 120, duration: 10 * 60, blockDuration: 0 },
  /** Password reset requests: the form cannot flood the reset queue (mails per account are capped separately). */
  passwordResetIp: { points: 10, duration: HOUR, blockDuration: 0 },
  /** sso.start: every call may make the API fetch an issuer's metadata. */
  ssoStartIp: { points: 30, duration: 10 * 60, blockDuration: 0 },
} satisfies Record<string, LimitSpec>;

type LimiterName = keyof typeof SIGN_IN_LIMITS | keyof typeof PUBLIC_LIMITS | 'knownClient';

export type Limiters = Record<LimiterName, RateLimiterPostgres>;

const SPECS: Record<LimiterName, LimitSpec> = {
  ...SIGN_IN_LIMITS,
  ...PUBLIC_LIMITS,
  knownClient: { points: 1, duration: KNOWN_CLIENT_SECONDS, blockDuration: 0 },
};

// One set per app client (and so per pool): the limiters hold no state of
// their own beyond the clean-up timer, the counts live in PostgreSQL.
const byClient = new WeakMap<AppClient, Limiters>();

export function limitersFor(db: AppClient): Limiters {
  let limiters = byClient.get(db);
  if (!limiters) {
    limiters = Object.fromEntries(
      (Object.keys(SPECS) as LimiterName[]).map((name) => [
        name,
        new RateLimiterPostgres({
          storeClient: db.$pool,
          storeType: 'pool',
          tableName: RATE_LIMIT_TABLE,
          tableCreated: true,
          // The clean-up deletes expired rows of the whole table: one limiter runs it for all.
          clearExpiredByTimeout: name === 'accountAndIp',
          keyPrefix: name,
          ...SPECS[name],
        }),
      ]),
    ) as Limiters;
    byClient.set(db, limiters);
  }
  return limiters;
}

/** The stored form of a key: a digest, so the table holds no address in clear. */
export function limitKey(...parts: Array<string | null | undefined>): string {
  return createHash('sha256')
    .update(parts.map((p) => (p ?? 'unknown').toLowerCase()).join('\n'))
    .digest('hex');
}

export type Consumed = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one attempt; refused when the key is over its limit. Store errors are thrown, never taken as "allowed". */
export async function consume(limiter: RateLimiterPostgres, key: string): Promise<Consumed> {
  try {
    await limiter.consume(key);
    return { allowed: true };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfter(error) };
    throw error;
  }
}

export function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
