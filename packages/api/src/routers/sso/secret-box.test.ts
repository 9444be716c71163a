import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSecret, parseSecretKey, sealSecret } from './secret-box.ts';

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips and never stores the plaintext', () => {
    const sealed = sealSecret(key, 'geheimes-client-secret');
    expect(sealed).not.toContain('geheim');
    expect(sealed).not.toBe(sealSecret(key, 'geheimes-client-secret'));
    expect(openSecret(key, sealed)).toBe('geheimes-client-secret');
  });

  it('refuses another key and a tampered value', () => {
    const sealed = sealSecret(key, 'x');
    expect(() => openSecret(randomBytes(32), sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('y').toString('base64url');
    expect(() => openSecret(key, parts.join('.'))).toThrow();
  });

  it('parses 64 hex characters or base64 of 32 bytes, nothing else', () => {
    expect(parseSecretKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseSecretKey(randomBytes(32).toString('base64'))).toHaveLength(32);
    expect(() => parseSecretKey('kurz')).toThrow(/32 bytes/);
  });
});
