import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataEncryptionKeyEnv, mailEnv, parseEnv, ssoEnv } from './env.ts';

const PROXY_SECRET = 'p'.repeat(40);
const base = {
  DATABASE_URL: 'postgresql://a@127.0.0.1/x',
  PLATFORM_DATABASE_URL: 'postgresql://b@127.0.0.1/x',
  API_PROXY_SECRET: PROXY_SECRET,
};

describe('DATA_ENCRYPTION_KEY', () => {
  it('is required in production', () => {
    expect(() => parseEnv({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example:587' })).toThrow(
      /DATA_ENCRYPTION_KEY: required in production/,
    );
  });

  it('must be 32 bytes (base64 or hex); the message names the variable, never the value', () => {
    const short = randomBytes(16).toString('base64');
    let message = '';
    try {
      parseEnv({ ...base, DATA_ENCRYPTION_KEY: short });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('DATA_ENCRYPTION_KEY: must be 32 bytes, base64 or hex');
    expect(message).not.toContain(short);
  });

  it("becomes the 32-byte key; outside production it may be left out (the server's dev key)", () => {
    const raw = randomBytes(32);
    expect(
      dataEncryptionKeyEnv(
        parseEnv({
          ...base,
          NODE_ENV: 'production',
          SMTP_URL: 'smtp://mail.example:587',
          DATA_ENCRYPTION_KEY: raw.toString('base64'),
        }),
      )?.equals(raw),
    ).toBe(true);
    expect(dataEncryptionKeyEnv(parseEnv({ ...base, DATA_ENCRYPTION_KEY: raw.toString('hex') }))?.equals(raw)).toBe(
      true,
    );
    expect(dataEncryptionKeyEnv(parseEnv({ ...base }))).toBeUndefined();
  });
});

const ssoBase = {
  DATABASE_URL: 'postgres://a@127.0.0.1/x',
  PLATFORM_DATABASE_URL: 'postgres://b@127.0.0.1/x',
  API_PROXY_SECRET: PROXY_SECRET,
  SMTP_URL: 'smtp://127.0.0.1:25',
  DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('SSO_SECRET_KEY', () => {
  it('takes 64 hex characters or base64 of 32 bytes', () => {
    const hex = ssoEnv(parseEnv({ ...ssoBase, NODE_ENV: 'production', SSO_SECRET_KEY: 'ab'.repeat(32) }));
    expect(hex?.secretKey).toHaveLength(32);
    expect(hex?.allowLoopbackHttp).toBe(false);
    expect(ssoEnv(parseEnv({ ...ssoBase, SSO_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }))?.secretKey).toEqual(
      Buffer.alloc(32, 7),
    );
  });

  it('refuses a key of the wrong length by name', () => {
    expect(() => parseEnv({ ...ssoBase, SSO_SECRET_KEY: 'zu-kurz' })).toThrow(/SSO_SECRET_KEY: must be 32 bytes/);
  });

  it('switches SSO off in production without a key, and uses the public dev key only outside production', () => {
    expect(ssoEnv(parseEnv({ ...ssoBase, NODE_ENV: 'production' }))).toBeNull();
    const dev = ssoEnv(parseEnv({ ...ssoBase, NODE_ENV: 'development' }));
    expect(dev?.secretKey).toHaveLength(32);
    expect(dev?.allowLoopbackHttp).toBe(true);
  });
});

describe('NO_SHOW_SCAN_INTERVAL_MS', () => {
  it('defaults to a minute, takes 0 (off) or 1 s to 1 day, and refuses anything else by name', () => {
    expect(mailEnv(parseEnv({ ...base })).noShowScanMs).toBe(60_000);
    expect(mailEnv(parseEnv({ ...base, NO_SHOW_SCAN_INTERVAL_MS: '0' })).noShowScanMs).toBe(0);
    expect(mailEnv(parseEnv({ ...base, NO_SHOW_SCAN_INTERVAL_MS: '300000' })).noShowScanMs).toBe(300_000);
    expect(() => parseEnv({ ...base, NO_SHOW_SCAN_INTERVAL_MS: '500' })).toThrow(
      /NO_SHOW_SCAN_INTERVAL_MS: must be 0 \(off\) or 1000–86400000/,
    );
    expect(() => parseEnv({ ...base, NO_SHOW_SCAN_INTERVAL_MS: 'often' })).toThrow(/NO_SHOW_SCAN_INTERVAL_MS/);
  });
});

describe('client IP settings', () => {
  it('require the admin proxy secret in production, and read TRUSTED_PROXY_COUNT (default 0)', () => {
    const production = { ...ssoBase, NODE_ENV: 'production' };
    const { API_PROXY_SECRET: _unused, ...withoutSecret } = production;
    expect(() => parseEnv(withoutSecret)).toThrow(/API_PROXY_SECRET: required in production/);
    expect(parseEnv(production).TRUSTED_PROXY_COUNT).toBe(0);
    expect(parseEnv({ ...production, TRUSTED_PROXY_COUNT: '2' }).TRUSTED_PROXY_COUNT).toBe(2);
    expect(() => parseEnv({ ...production, TRUSTED_PROXY_COUNT: '-1' })).toThrow(/TRUSTED_PROXY_COUNT/);
  });
});
