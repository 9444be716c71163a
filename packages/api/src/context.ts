import type { Billing } from '@hubwerk/billing';
import type { AppClient, PlatformClient } from '@hubwerk/db';
import type { Logger } from 'pino';
import type { JobSender } from './jobs/queue.ts';

/** What the API needs from its host (apps/api); built once at start-up. */
export interface ApiDependencies {
  db: AppClient;
  platform: PlatformClient;
  logger: Logger;
  /** Stripe billing of towns (real or fake Stripe, chosen by the host). */
  billing: Billing;
  /** Links in emails point to the admin app; without it, to the local dev address. */
  mail?: MailSettings;
  /**
   * AES-256-GCM key for secrets stored encrypted at rest (TOTP secrets;
   * packages/auth/src/secret-box.ts), from DATA_ENCRYPTION_KEY.
   */
  dataEncryptionKey: Buffer;
  /** Single sign-on (OpenID Connect); without it SSO is switched off (ADR 010). */
  sso?: SsoSettings;
  /** The job queue (ADR 032): procedures send jobs (a town's export) that a worker runs after the answer. */
  jobs: JobSender;
}

export interface SsoSettings {
  /** AES-256-GCM key for the client secrets at rest (SSO_SECRET_KEY). */
  secretKey: Buffer;
  /** Where providers send the browser back: the admin app's /sso/callback. */
  callbackUrl: string;
  /** Dev and tests only: accept http:// issuers on 127.0.0.1/localhost (and internal addresses). */
  allowLoopbackHttp: boolean;
  /** Deadline of one request to a provider, ms (default 5 s; ADR 024). */
  fetchTimeoutMs?: number;
  /** Largest provider answer read, bytes (default 256 KiB). */
  maxResponseBytes?: number;
}

export interface MailSettings {
  /** The admin app's public address, for the links in mails. */
  adminUrl: string;
  /** Dev and test only: platform admins may read stored mails ("Gesendete E-Mails"). */
  devOutbox: boolean;
}

/** The mail settings with their defaults (a host that passed none runs locally). */
export function mailSettings(deps: Pick<ApiDependencies, 'mail'>): MailSettings {
  return deps.mail ?? { adminUrl: 'http://127.0.0.1:3000', devOutbox: false };
}

/** Filled in by the procedure tiers; the host logs it with the request line. */
export interface RequestLogFields {
  userId?: string;
  tenantId?: string;
  procedure?: string;
}

export interface RequestInfo {
  requestId: string;
  /** The bearer token from the Authorization header, if any. */
  sessionToken: string | null;
  userAgent: string | null;
  /**
   * The end user's IP for rate limits: the socket address, or the address the
   * admin app forwards when it proves itself (apps/api/src/client-ip.ts).
   */
  clientIp?: string | null;
  log: RequestLogFields;
}

export type Context = ApiDependencies & RequestInfo;

export function createContext(deps: ApiDependencies, request: RequestInfo): Context {
  return { ...deps, ...request };
}

/** Reads the bearer token from an Authorization header value. */
export function bearerToken(header: string | undefined | null): string | null {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(header ?? '');
  return match?.[1] ?? null;
}
