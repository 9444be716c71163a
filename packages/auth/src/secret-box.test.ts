import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBoxError, decryptSecret, encryptSecret, parseDataKey } from './secret-box.ts';

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips, and the stored form never contains the secret', () => {
    const stored = encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'user-1');
    expect(stored).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored).not.toContain('JBSWY3DPEHPK3PXP');
    expect(decryptSecret(key, stored, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    // A fresh nonce each time: equal secrets do not look equal at rest.
    expect(encryptSecret(key, 'JBSWY3DPEHPK3PXP', 'user-1')).not.toBe(stored);
  });

  it('refuses another key, another context and a changed byte', () => {
    const stored = encryptSecret(key, 'geheim', 'user-1');
    expect(() => decryptSecret(randomBytes(32), stored, 'user-1')).toThrow(SecretBoxError);
    expect(() => decryptSecret(key, stored, 'user-2')).toThrow(SecretBoxError);
    const parts = stored.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    expect(() =>
      decryptSecret(key, [parts[0], parts[1], parts[2], body.toString('base64url')].join('.'), 'user-1'),
    ).toThrow(SecretBoxError);
    expect(() => decryptSecret(key, 'kaputt', 'user-1')).toThrow(SecretBoxError);
  });

  it('reads a 32-byte key as base64 or hex and refuses other lengths', () => {
    const raw = randomBytes(32);
    expect(parseDataKey(raw.toString('base64')).equals(raw)).toBe(true);
    expect(parseDataKey(raw.toString('hex')).equals(raw)).toBe(true);
    expect(() => parseDataKey(randomBytes(16).toString('base64'))).toThrow(SecretBoxError);
  });
});
