import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSameOriginRequest, requireSameOrigin } from './csrf.server.ts';

const OWN = 'https://admin.hubwerk.example';
const post = (headers: Record<string, string>) => new Request(`${OWN}/towns/einbeck`, { method: 'POST', headers });

describe('isSameOriginRequest', () => {
  it('accepts posts from the app itself', () => {
    expect(isSameOriginRequest(post({ origin: OWN }), OWN)).toBe(true);
    expect(isSameOriginRequest(post({ origin: OWN, 'sec-fetch-site': 'same-origin' }), OWN)).toBe(true);
    expect(isSameOriginRequest(post({ referer: `${OWN}/towns/einbeck` }), OWN)).toBe(true);
  });

  it('refuses foreign, sibling and missing origins', () => {
    expect(isSameOriginRequest(post({ origin: 'https://evil.example' }), OWN)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'https://other.hubwerk.example', 'sec-fetch-site': 'same-site' }), OWN)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'http://admin.hubwerk.example' }), OWN)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'null' }), OWN)).toBe(false);
    expect(isSameOriginRequest(post({ origin: OWN, 'sec-fetch-site': 'cross-site' }), OWN)).toBe(false);
    expect(isSameOriginRequest(post({ referer: 'https://evil.example/form' }), OWN)).toBe(false);
    expect(isSameOriginRequest(post({ referer: 'not a url' }), OWN)).toBe(false);
    expect(isSameOriginRequest(post({}), OWN)).toBe(false);
  });

  it('throws a 403 response for a foreign post', () => {
    let thrown: unknown;
    try {
      requireSameOrigin(new Request('http://127.0.0.1:3000/logout', { method: 'POST', headers: { origin: 'https://evil.example' } }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(403);
    expect(() => requireSameOrigin(new Request('http://127.0.0.1:3000/logout', { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' } }))).not.toThrow();
  });
});

describe('every action', () => {
  const ROUTES = fileURLToPath(new URL('../routes/', import.meta.url));
  const files = readdirSync(ROUTES).filter((f) => f.endsWith('.tsx'));

  it('checks the origin before doing anything else', () => {
    const withAction = files.filter((file) => /export (async function|const|function) action\b/.test(readFileSync(path.join(ROUTES, file), 'utf8')));
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
