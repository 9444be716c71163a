import type { AppClient } from '@hubwerk/db';
import { consume, KNOWN_CLIENT_SECONDS, limitersFor, limitKey } from '../../rate-limits.ts';

/**
 * The limits on password checks (ADR 024, on rate-limiter-flexible):
 *
 * - account + client IP: 10 wrong guesses in a row, then that pair waits 15
 *   minutes. The classic lock — but only for the client that guessed.
 * - client IP, across accounts: 100 wrong guesses a day, then a day's wait.
 *   This is what stops one client trying a few passwords on every account.
 * - account, across clients: 50 wrong guesses a day, then clients the
 *   account has never signed in from wait an hour (many addresses, one victim).
 *
 * A client from which the account signed in within 90 days is "known" and
 * is held by the first limit only, so an attacker elsewhere cannot lock the
 * owner out. Every attempt counts *before* the password is checked (atomic
 * upserts in PostgreSQL: concurrent guesses cannot slip past together), for
 * unknown accounts too (no existence oracle); a success takes it back.
 */
export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface SignInBucket {
  readonly pair: string;
  readonly client: string;
  readonly account: string;
}

/** The keys of one attempt, hashed: the table holds neither account nor IP in clear. */
export function signInBucket(email: string, clientIp: string | null): SignInBucket {
  return {
    pair: limitKey('pair', email, clientIp),
    client: limitKey('ip', clientIp),
    account: limitKey('account', email),
  };
}

export async function claimSignInAttempt(db: AppClient, bucket: SignInBucket): Promise<ThrottleDecision> {
  const limiters = limitersFor(db);
  const [known, pair, client, account] = await Promise.all([
    limiters.knownClient.get(bucket.pair),
    consume(limiters.accountAndIp, bucket.pair),
    consume(limiters.ip, bucket.client),
    consume(limiters.account, bucket.account),
  ]);
  if (!pair.allowed) return pair;
  if (known === null) {
    if (!client.allowed) return client;
    if (!account.allowed) return account;
  }
  return { allowed: true };
}

/** After a correct password (and second factor): the attempt was no failure, and this client is now known to the account. */
export async function clearSignInAttempts(db: AppClient, bucket: SignInBucket): Promise<void> {
  const limiters = limitersFor(db);
  await Promise.all([
    limiters.accountAndIp.delete(bucket.pair),
    limiters.ip.reward(bucket.client, 1),
    limiters.account.reward(bucket.account, 1),
    limiters.knownClient.set(bucket.pair, 1, KNOWN_CLIENT_SECONDS),
  ]);
}
