import { afterEach, describe, expect, it, vi } from 'vitest';

/**
 * The session cookie's flags ("Sessions and request safety"), read
 * from the Set-Cookie header the app really sends, in production and in dev.
 */
async function sessionModule(nodeEnv: 'production' | 'development') {
  vi.resetModules();
  vi.stubEnv('NODE_ENV', nodeEnv);
  vi.stubEnv('SESSION_SECRET', 'a-session-secret-of-at-least-32-characters');
  vi.stubEnv('API_PROXY_SECRET', 'a-proxy-secret-of-at-least-32-characters');
  vi.stubEnv('PUBLIC_ORIGIN', 'https://admin.hubwerk.example');
  return import('./session.server.ts');
}

const attributes = (header: string) => header.split(';').map((part) => part.trim().toLowerCase());

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('session cookie', () => {
  it('in production: __Host- prefix, HttpOnly, Secure, SameSite=Lax, Path=/ and no Domain', async () => {
    const { commitSessionToken, commitChallenge } = await sessionModule('production');
    const header = await commitSessionToken('t'.repeat(43), new Date(Date.now() + 3_600_000).toISOString());
    expect(header.startsWith('__Host-hubwerk_session=')).toBe(true);
    const attrs = attributes(header);
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
    expect(attrs.some((a) => a.startsWith('domain='))).toBe(false);

    // The second-factor challenge cookie gets the same protection.
    const challenge = await commitChallenge({ challenge: 'c'.repeat(43), redirectTo: '/' });
    expect(challenge.startsWith('__Host-hubwerk_mfa=')).toBe(true);
    expect(attributes(challenge)).toEqual(
      expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/', 'max-age=300']),
    );
  });

  it('in local development (plain http): no __Host- prefix and no Secure, still HttpOnly and SameSite=Lax', async () => {
    const { commitSessionToken } = await sessionModule('development');
    const header = await commitSessionToken('t'.repeat(43), new Date(Date.now() + 3_600_000).toISOString());
    expect(header.startsWith('hubwerk_session=')).toBe(true);
    const attrs = attributes(header);
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(attrs).not.toContain('secure');
  });

  it('reads back a token it wrote and refuses a tampered cookie', async () => {
    const { commitSessionToken, getSessionToken } = await sessionModule('production');
    const header = await commitSessionToken('t'.repeat(43), new Date(Date.now() + 3_600_000).toISOString());
    const cookie = header.split(';')[0]!;
    expect(await getSessionToken(new Request('https://admin.test/', { headers: { cookie } }))).toBe('t'.repeat(43));
    const [name, value] = cookie.split('=') as [string, string];
    const tampered = `${name}=${value.slice(0, -2)}xx`;
    expect(await getSessionToken(new Request('https://admin.test/', { headers: { cookie: tampered } }))).toBeNull();
  });
});
