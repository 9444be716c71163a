import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configuredOrigins, DEV_ORIGINS } from '../../origin-guard.mjs';
import { isSameOriginRequest, requireSameOrigin } from './csrf.server.ts';

const OWN = 'https://admin.hubwerk.example';
const ALLOWED = [OWN];
const post = (headers: Record<string, string>) => new Request(`${OWN}/towns/einbeck`, { method: 'POST', headers });

describe('isSameOriginRequest', () => {
  it('accepts posts from the app itself', () => {
    expect(isSameOriginRequest(post({ origin: OWN }), ALLOWED)).toBe(true);
    expect(isSameOriginRequest(post({ origin: OWN, 'sec-fetch-site': 'same-origin' }), ALLOWED)).toBe(true);
    expect(isSameOriginRequest(post({ referer: `${OWN}/towns/einbeck` }), ALLOWED)).toBe(true);
  });

  it('refuses foreign, sibling and missing origins', () => {
    expect(isSameOriginRequest(post({ origin: 'https://evil.example' }), ALLOWED)).toBe(false);
    expect(
      isSameOriginRequest(post({ origin: 'https://other.hubwerk.example', 'sec-fetch-site': 'same-site' }), ALLOWED),
    ).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'http://admin.hubwerk.example' }), ALLOWED)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'null' }), ALLOWED)).toBe(false);
    expect(isSameOriginRequest(post({ origin: OWN, 'sec-fetch-site': 'cross-site' }), ALLOWED)).toBe(false);
    expect(isSameOriginRequest(post({ referer: 'https://evil.example/form' }), ALLOWED)).toBe(false);
    expect(isSameOriginRequest(post({ referer: 'not a url' }), ALLOWED)).toBe(false);
    expect(isSameOriginRequest(post({}), ALLOWED)).toBe(false);
  });

  it('throws a 403 response for a foreign post (the test environment: the dev origins)', () => {
    let thrown: unknown;
    try {
      requireSameOrigin(
        new Request('http://127.0.0.1:3000/logout', { method: 'POST', headers: { origin: 'https://evil.example' } }),
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
    expect(() =>
      requireSameOrigin(
        new Request('http://127.0.0.1:3000/logout', { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' } }),
      ),
    ).not.toThrow();
  });

  // Vite's dev server (Remix's node adapter) builds the request URL from the
  // Origin header: the request it hands to an action is on the attacker's origin.
  it.each(['/logout', '/language', '/support/end', '/login'])(
    'refuses a cross-site post to %s in the shape Vite builds it',
    (path) => {
      const viteShaped = new Request(`https://evil.example${path}`, {
        method: 'POST',
        headers: { origin: 'https://evil.example', host: '127.0.0.1:3000' },
      });
      expect(isSameOriginRequest(viteShaped)).toBe(false);
      expect(() => requireSameOrigin(viteShaped)).toThrow();
      const referOnly = new Request(`https://evil.example${path}`, {
        method: 'POST',
        headers: { referer: 'https://evil.example/form' },
      });
      expect(isSameOriginRequest(referOnly)).toBe(false);
    },
  );
});

describe('configuredOrigins', () => {
  it('is PUBLIC_ORIGIN (one or more), else the dev server outside production; production requires it', () => {
    expect(configuredOrigins({ PUBLIC_ORIGIN: 'https://admin.hubwerk.example/', NODE_ENV: 'production' })).toEqual([
      'https://admin.hubwerk.example',
    ]);
    expect(
      configuredOrigins({ PUBLIC_ORIGIN: 'https://a.example, https://b.example:8443', NODE_ENV: 'production' }),
    ).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(configuredOrigins({ NODE_ENV: 'development' })).toEqual(DEV_ORIGINS);
    expect(() => configuredOrigins({ NODE_ENV: 'production' })).toThrow(/PUBLIC_ORIGIN is required/);
    expect(() => configuredOrigins({ PUBLIC_ORIGIN: 'javascript:alert(1)', NODE_ENV: 'production' })).toThrow();
  });
});

describe('every action', () => {
  const ROUTES = fileURLToPath(new URL('../routes/', import.meta.url));
  const files = readdirSync(ROUTES).filter((f) => f.endsWith('.tsx'));

  it('checks the origin before doing anything else', () => {
    const withAction = files.filter((file) =>
      /export (async function|const|function) action\b/.test(readFileSync(path.join(ROUTES, file), 'utf8')),
    );
    expect(withAction.length).toBeGreaterThanOrEqual(7);
    const unprotected = withAction.filter((file) => {
      const source = readFileSync(path.join(ROUTES, file), 'utf8');
      return !/export async function action\([^)]*\)\s*\{\s*requireSameOrigin\(request\);/.test(source);
    });
    expect(unprotected).toEqual([]);
  });

  it('has no loader that changes state (no API mutation outside actions)', () => {
    for (const file of files) {
      const source = readFileSync(path.join(ROUTES, file), 'utf8');
      const loader = /export (?:async )?function loader[\s\S]*?\n}\n/.exec(source)?.[0] ?? '';
      // The OIDC callback is a GET by protocol; its single-use server-side state is the proof of intent (ADR 010).
      if (file === 'sso-callback.tsx') {
        expect(loader, file).toMatch(/api\.sso\.finish\.mutate\(/);
        expect(loader.match(/\.mutate\(/g), file).toHaveLength(1);
        continue;
      }
      expect(loader, file).not.toMatch(/\.mutate\(/);
    }
  });
});
