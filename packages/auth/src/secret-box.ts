import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for secrets the server must read back (TOTP secrets,
 * SSO client secrets): AES-256-GCM with a fresh 96-bit nonce per value.
 * The stored form is `v1.<nonce>.<tag>.<ciphertext>` (base64url), so a key
 * or algorithm change later can tell old values apart. The key comes from
 * the API's environment (DATA_ENCRYPTION_KEY), never from the database: a
 * database dump alone yields no usable secret.
 */
const VERSION = 'v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;

export class SecretBoxError extends Error {}

/** The key from its configured form: 32 bytes as base64 (44 characters) or hex (64 characters). */
export function parseDataKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new SecretBoxError(`the key must be ${KEY_BYTES} bytes (base64 or hex)`);
  return key;
}

/** `context` binds the value to its place (e.g. the user id): a ciphertext copied to another row does not decrypt. */
export function encryptSecret(key: Buffer, plaintext: string, context: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    nonce.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join('.');
}

export function decryptSecret(key: Buffer, stored: string, context: string): string {
  const [version, nonce, tag, ciphertext] = stored.split('.');
  if (version !== VERSION || !nonce || !tag || ciphertext === undefined) throw new SecretBoxError('unknown format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // Wrong key, wrong context or a changed byte: GCM's tag check fails.
    throw new SecretBoxError('cannot decrypt');
  }
}
