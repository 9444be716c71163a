import { isIP } from 'node:net';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
// Type only: the admin never loads the API's (or the database's) runtime code.
import type { AppRouter } from '@hubwerk/api';
import { env } from '~/env.server.ts';
import type { Lang } from '~/i18n/index.ts';
import type { Me } from './api-types.ts';
import { getSessionToken, redirectToLogin, resolveLang } from './session.server.ts';

export type ApiClient = ReturnType<typeof createApiClient>;

const requestIds = new WeakMap<Request, string>();

/** The caller's request id if it looks sane, else a fresh one; stable for one request. */
export function requestIdFor(request: Request): string {
  let id = requestIds.get(request);
  if (!id) {
    const incoming = request.headers.get('x-request-id');
    id = incoming && /^[\w.:-]{8,128}$/.test(incoming) ? incoming : crypto.randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

/**
 * The user's IP, for the API's sign-in rate limit. The production server
 * (server.mjs) puts its verdict into x-hubwerk-client-ip and drops any such
 * header a client sent; without that server (remix vite:dev) there is none.
 */
export function clientIpFor(request: Request): string | null {
  const ip = request.headers.get('x-hubwerk-client-ip')?.trim() ?? '';
  return isIP(ip) !== 0 ? ip : null;
}

export function createApiClient(opts: {
  token: string | null;
  lang: Lang;
  requestId: string;
  clientIp?: string | null;
}) {
  return createTRPCClient<AppRouter>({
    links: [
      // The calls a loader starts together travel as one HTTP request (the API answers each on its own).
      httpBatchLink({
        url: `${env.API_URL}/trpc`,
        // Queries ride in the URL: stay well below the API's header limit; a longer batch is split.
        maxURLLength: 4000,
        headers: () => {
          const headers: Record<string, string> = {
            'x-request-id': opts.requestId,
            'accept-language': opts.lang,
          };
          if (opts.token) headers.authorization = `Bearer ${opts.token}`;
          // The API believes the forwarded IP only together with the shared secret.
          if (opts.clientIp && env.API_PROXY_SECRET) {
            headers['x-hubwerk-client-ip'] = opts.clientIp;
            headers['x-hubwerk-proxy-secret'] = env.API_PROXY_SECRET;
          }
          return headers;
        },
      }),
    ],
  });
}

const clients = new WeakMap<Request, Promise<ApiClient>>();

/**
 * The client that acts as the signed-in user of this request (or anonymously);
 * one per request, so calls started together (the user and the page's data) share one batch.
 */
export function apiFor(request: Request): Promise<ApiClient> {
  let client = clients.get(request);
  if (!client) {
    client = Promise.all([getSessionToken(request), resolveLang(request)]).then(([token, lang]) =>
      createApiClient({ token, lang, requestId: requestIdFor(request), clientIp: clientIpFor(request) }),
    );
    clients.set(request, client);
  }
  return client;
}

export interface ApiErrorInfo {
  code: string;
  httpStatus: number | null;
  messageKey: string | null;
  retryAfterSeconds: number | null;
  fieldErrors: Record<string, string[]>;
  /** Values the message interpolates (a line number, a date); strings only. */
  params: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** What the API said about a failed call, read defensively (the error may be a network failure). */
export function apiErrorInfo(error: unknown): ApiErrorInfo | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (!isRecord(data) || typeof data.code !== 'string') return null;
  const fieldErrors: Record<string, string[]> = {};
  if (isRecord(data.fieldErrors)) {
    for (const [field, keys] of Object.entries(data.fieldErrors)) {
      if (Array.isArray(keys)) {
        const strings = keys.filter((k): k is string => typeof k === 'string');
        if (strings.length > 0) fieldErrors[field] = strings;
      }
    }
  }
  const params: Record<string, string> = {};
  if (isRecord(data.params))
    for (const [key, value] of Object.entries(data.params)) if (typeof value === 'string') params[key] = value;
  return {
    code: data.code,
    params,
    httpStatus: typeof data.httpStatus === 'number' ? data.httpStatus : null,
    messageKey: typeof data.messageKey === 'string' ? data.messageKey : null,
    retryAfterSeconds: typeof data.retryAfterSeconds === 'number' ? data.retryAfterSeconds : null,
    fieldErrors,
  };
}

/** Errors for a form: i18n keys, translated by the page. */
export interface FormErrors {
  formError: string | null;
  fieldErrors: Record<string, string[]>;
}

const DEFAULT_KEYS: Record<string, string> = {
  BAD_REQUEST: 'validation.invalid',
  CONFLICT: 'errors.conflict',
  TOO_MANY_REQUESTS: 'errors.tooManyRequests',
  // The API's database pool was saturated: nothing was done, try again shortly.
  SERVICE_UNAVAILABLE: 'errors.busy',
  PRECONDITION_FAILED: 'errors.conflict',
  UNPROCESSABLE_CONTENT: 'validation.invalid',
};

export function notFound(): Response {
  return new Response(null, { status: 404, statusText: 'Not Found' });
}

function unavailable(retryAfterSeconds?: number | null): Response {
  const headers: Record<string, string> = retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {};
  return new Response(null, { status: 503, statusText: 'Service Unavailable', headers });
}

/** A page that cannot load because the API is overloaded: the 503 page ("try again in a moment"), not the generic error. */
function throwIfBusy(info: ApiErrorInfo | null): void {
  if (info?.code === 'SERVICE_UNAVAILABLE') throw unavailable(info.retryAfterSeconds);
}

/**
 * One place that turns API errors into what the admin shows:
 * - UNAUTHORIZED: the session is gone → sign-in page (throws a redirect);
 * - NOT_FOUND / FORBIDDEN: the same 404 page, whether the thing is foreign or missing;
 * - BAD_REQUEST, CONFLICT, TOO_MANY_REQUESTS, SERVICE_UNAVAILABLE (busy): returned as form errors;
 * - the API unreachable: 503 error page; anything else is rethrown (generic error page).
 */
export async function handleApiError(error: unknown, request: Request): Promise<FormErrors> {
  const info = apiErrorInfo(error);
  if (!info) {
    if (error instanceof TRPCClientError) throw unavailable();
    throw error;
  }
  switch (info.code) {
    case 'UNAUTHORIZED':
      return redirectToLogin(request);
    case 'NOT_FOUND':
    case 'FORBIDDEN':
      throw notFound();
  }
  const fallback = DEFAULT_KEYS[info.code];
  if (fallback === undefined) throw error;
  // With field errors the message key only summarises them ("errors.invalidInput"): show the fields.
  if (Object.keys(info.fieldErrors).length > 0) return { formError: null, fieldErrors: info.fieldErrors };
  return { formError: info.messageKey ?? fallback, fieldErrors: {} };
}

/** For loaders: a read must succeed; invalid input in a URL is as good as not found. */
export async function load<T>(request: Request, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'BAD_REQUEST') throw notFound();
    throwIfBusy(info);
    await handleApiError(error, request);
    throw error;
  }
}

/** For actions: success, or the form errors to show next to the fields. */
export async function mutate<T>(
  request: Request,
  call: () => Promise<T>,
): Promise<{ ok: true; data: T } | ({ ok: false } & FormErrors)> {
  try {
    return { ok: true, data: await call() };
  } catch (error) {
    return { ok: false, ...(await handleApiError(error, request)) };
  }
}

const meCache = new WeakMap<Request, Promise<Me | null>>();

/** Who is signed in (asked from the API once per request), or null. */
export function getMe(request: Request): Promise<Me | null> {
  let pending = meCache.get(request);
  if (!pending) {
    pending = (async () => {
      if (!(await getSessionToken(request))) return null;
      const api = await apiFor(request);
      try {
        return await api.auth.me.query();
      } catch (error) {
        // An expired or revoked session is "signed out", not an error.
        if (apiErrorInfo(error)?.code === 'UNAUTHORIZED') return null;
        throwIfBusy(apiErrorInfo(error));
        await handleApiError(error, request);
        throw error;
      }
    })();
    meCache.set(request, pending);
  }
  return pending;
}

export async function requireMe(request: Request): Promise<Me> {
  const me = await getMe(request);
  if (!me) return redirectToLogin(request);
  return me;
}

export async function requirePlatformAdmin(request: Request): Promise<Me> {
  const me = await requireMe(request);
  // Not allowed looks the same as not there.
  if (me.user.platformRole !== 'platform-admin') throw notFound();
  return me;
}

/** Where "/" leads: a town-only user straight to their town, everyone else to the list. */
export function homePath(me: Me): string {
  const firstTown = me.tenants[0];
  if (me.user.platformRole || me.partners.length > 0 || !firstTown) return '/towns';
  return `/towns/${encodeURIComponent(firstTown.slug)}`;
}
