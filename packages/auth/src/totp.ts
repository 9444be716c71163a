import { createHash, randomInt } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) as authenticator apps speak it: SHA-1, 6 digits, 30-second
 * steps. A code is accepted for the current step and one step either side
 * (clock drift, a code typed just as it changed) — and only for a step later
 * than the last one accepted for the user, so an observed code cannot be
 * replayed, not even within its own 30 seconds.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_WINDOW = 1;
const ISSUER = 'Hubwerk';

/** A new shared secret (160 bits, the size RFC 4226 recommends), base32 as apps expect it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, label = 'Hubwerk'): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secretBase32: string, accountName: string): string {
  return totpFor(secretBase32, accountName).toString();
}

/** The 30-second step a moment falls into. */
export function totpStep(at: number): number {
  return Math.floor(at / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for a moment (tests, and nothing else, need this). */
export function totpCode(secretBase32: string, at: number): string {
  return totpFor(secretBase32).generate({ timestamp: at });
}

/**
 * The step the code belongs to when it is valid at `now` (±TOTP_WINDOW
 * steps) and later than `lastStep`; otherwise null. The caller stores the
 * returned step atomically (see the service) before it trusts the code.
 */
export function matchTotp(secretBase32: string, code: string, now: number, lastStep: number | null): number | null {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return null;
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  if (delta === null) return null;
  const step = totpStep(now) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

// Recovery codes: 10 characters of an alphabet without look-alikes (no 0/o,
// 1/l/i), ~50 bits each, shown as "abcde-fghjk".
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
export const RECOVERY_CODE_COUNT = 10;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** A recovery code as typed: case, spaces and the dash do not matter. */
export function normalizeRecoveryCode(input: string): string | null {
  const chars = input.toLowerCase().replace(/[\s-]/g, '');
  if (chars.length !== 10 || [...chars].some((c) => !RECOVERY_ALPHABET.includes(c))) return null;
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Stored instead of the code; the user id in the hash makes equal codes of two users differ. */
export function hashRecoveryCode(userId: string, code: string): string {
  return createHash('sha256').update(`${userId}\n${code}`).digest('hex');
}
