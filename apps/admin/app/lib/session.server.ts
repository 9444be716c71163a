import { createCookie, createCookieSessionStorage, redirect } from '@remix-run/node';
import { env } from '../env.server.ts';
import { isLang, type Lang } from '../i18n/index.ts';
import { fromAcceptLanguage } from '../i18n/negotiate.ts';

type SessionData = { token: string };

/**
 * The cookie holds only the API's opaque session token; who the user is and
 * what they may do is always asked from the API.
 */
const sessionStorage = createCookieSessionStorage<SessionData>({
  cookie: {
    // __Host- binds the cookie to this host over HTTPS with path=/ and no Domain.
    name: env.isProduction ? '__Host-hubwerk_session' : 'hubwerk_session',
    httpOnly: true,
    sameSite: 'lax',
    secure: env.isProduction,
    path: '/',
    secrets: [env.SESSION_SECRET],
  },
});

export async function getSessionToken(request: Request): Promise<string | null> {
  const session = await sessionStorage.getSession(request.headers.get('Cookie'));
  return session.get('token') ?? null;
}

/** Set-Cookie header value that stores a fresh token until the API says it expires. */
export async function commitSessionToken(token: string, expiresAt: string): Promise<string> {
  const session = await sessionStorage.getSession();
  session.set('token', token);
  const expires = new Date(expiresAt);
  return sessionStorage.commitSession(session, Number.isNaN(expires.getTime()) ? {} : { expires });
}

export async function destroySessionCookie(request: Request): Promise<string> {
  const session = await sessionStorage.getSession(request.headers.get('Cookie'));
  return sessionStorage.destroySession(session);
}

/** Only same-site paths are accepted as targets after sign-in or language switch. */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return fallback;
  }
  return value;
}

export async function redirectToLogin(request: Request): Promise<never> {
  const url = new URL(request.url);
  const here = url.pathname + url.search;
  const target = here === '/' || url.pathname === '/login' ? '/login' : `/login?redirectTo=${encodeURIComponent(here)}`;
  throw redirect(target, { headers: { 'Set-Cookie': await destroySessionCookie(request) } });
}

/**
 * Between password and second factor (ADR 012): the API's single-use
 * challenge, signed, HttpOnly, for five minutes — never a session, and never
 * in a URL (where logs and the Referer would keep it).
 */
const challengeCookie = createCookie(env.isProduction ? '__Host-hubwerk_mfa' : 'hubwerk_mfa', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  secure: env.isProduction,
  maxAge: 5 * 60,
  secrets: [env.SESSION_SECRET],
});

export interface PendingSignIn {
  challenge: string;
  redirectTo: string;
}

export function commitChallenge(pending: PendingSignIn): Promise<string> {
  return challengeCookie.serialize(pending);
}

export async function readChallenge(request: Request): Promise<PendingSignIn | null> {
  const value: unknown = await challengeCookie.parse(request.headers.get('Cookie'));
  if (typeof value !== 'object' || value === null) return null;
  const { challenge, redirectTo } = value as Record<string, unknown>;
  return typeof challenge === 'string'
    ? { challenge, redirectTo: safeRedirectPath(typeof redirectTo === 'string' ? redirectTo : null) }
    : null;
}

export function clearChallenge(): Promise<string> {
  return challengeCookie.serialize('', { maxAge: 0 });
}

const langCookie = createCookie('lang', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  secure: env.isProduction,
  maxAge: 60 * 60 * 24 * 365,
});

/** The `lang` cookie, else the best Accept-Language match, else German. */
export async function resolveLang(request: Request): Promise<Lang> {
  const fromCookie: unknown = await langCookie.parse(request.headers.get('Cookie'));
  if (isLang(fromCookie)) return fromCookie;
  return fromAcceptLanguage(request.headers.get('Accept-Language'));
}

export function serializeLang(lang: Lang): Promise<string> {
  return langCookie.serialize(lang);
}
