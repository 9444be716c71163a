/**
 * Server rendering, as Remix's default does it, plus a Content-Security-Policy
 * with a fresh nonce per page: the only inline scripts that run are the ones
 * Remix itself renders (hydration data, scroll restoration), no 'unsafe-inline'.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createReadableStreamFromReadable, type EntryContext } from '@remix-run/node';
import { RemixServer } from '@remix-run/react';
import { isbot } from 'isbot';
import { renderToPipeableStream } from 'react-dom/server';
import { NonceContext } from '~/lib/nonce.ts';

const ABORT_DELAY = 5_000;

/**
 * Where a form may end up: billing actions redirect to Stripe's hosted checkout
 * and portal — or, without a Stripe key, to the API's fake Stripe pages — and
 * browsers apply form-action to the redirect after a (non-JS) form post too.
 */
export function formTargets(apiUrl: string | undefined): string[] {
  const targets = ['https://checkout.stripe.com', 'https://billing.stripe.com'];
  try {
    if (apiUrl) targets.push(new URL(apiUrl).origin);
  } catch {
    // An invalid API_URL fails elsewhere (env.server.ts); the policy stays strict.
  }
  return targets;
}

/**
 * The SSO page's form ends at the town's or partner's identity provider,
 * whose address only the API knows after the post: there, and only there,
 * any https origin (and loopback, for a local Keycloak and the tests) may be
 * the end of the form's redirect (ADR 010).
 */
export const SSO_FORM_TARGETS = ['https:', 'http://127.0.0.1:*', 'http://localhost:*'];

export function contentSecurityPolicy(nonce: string, dev: boolean, forms: readonly string[] = []): string {
  return [
    "default-src 'self'",
    // Vite's dev server injects its client with an inline module script; production needs only the nonce.
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-inline'" : ''}`,
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${dev ? ' ws:' : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    `form-action 'self'${forms.map((f) => ` ${f}`).join('')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  const nonce = randomBytes(16).toString('base64');
  // Crawlers and SPA mode get the whole document at once; browsers get it streamed.
  const waitForAll = isbot(request.headers.get('user-agent') ?? '') || remixContext.isSpaMode;
  const dev = process.env.NODE_ENV === 'development';
  const forms = formTargets(process.env.API_URL ?? 'http://127.0.0.1:4000');
  if (new URL(request.url).pathname === '/login/sso') forms.push(...SSO_FORM_TARGETS);
  responseHeaders.set('Content-Security-Policy', contentSecurityPolicy(nonce, dev, forms));

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const ready = () => {
      shellRendered = true;
      const body = new PassThrough();
      responseHeaders.set('Content-Type', 'text/html; charset=utf-8');
      resolve(
        new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
      );
      pipe(body);
    };
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        ...(waitForAll ? { onAllReady: ready } : { onShellReady: ready }),
        onShellError: reject,
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
