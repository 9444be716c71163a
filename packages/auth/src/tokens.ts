import { createHash, randomBytes } from 'node:crypto';

/** A URL-safe secret with 256 bits of entropy (sessions, invitation links). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored only as their SHA-256; a database leak yields no usable token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
