import { describe, expect, it } from 'vitest';
import { parseEnv, ssoEnv } from './env.ts';

const base = { DATABASE_URL: 'postgres://a@127.0.0.1/x', PLATFORM_DATABASE_URL: 'postgres://b@127.0.0.1/x', SMTP_URL: 'smtp://127.0.0.1:25' };

describe('SSO_SECRET_KEY', () => {
  it('takes 64 hex characters or base64 of 32 bytes', () => {
    const hex = ssoEnv(parseEnv({ ...base, NODE_ENV: 'production', SSO_SECRET_KEY: 'ab'.repeat(32) }));
    expect(hex?.secretKey).toHaveLength(32);
    expect(hex?.allowLoopbackHttp).toBe(false);
    expect(ssoEnv(parseEnv({ ...base, SSO_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }))?.secretKey).toEqual(Buffer.alloc(32, 7));
  });

  it('refuses a key of the wrong length by name', () => {
    expect(() => parseEnv({ ...base, SSO_SECRET_KEY: 'zu-kurz' })).toThrow(/SSO_SECRET_KEY: must be 32 bytes/);
  });

  it('switches SSO off in production without a key, and uses the public dev key only outside production', () => {
    expect(ssoEnv(parseEnv({ ...base, NODE_ENV: 'production' }))).toBeNull();
    const dev = ssoEnv(parseEnv({ ...base, NODE_ENV: 'development' }));
    expect(dev?.secretKey).toHaveLength(32);
    expect(dev?.allowLoopbackHttp).toBe(true);
  });
});
