import { parseDataKey } from '@hubwerk/api';
import { z } from 'zod';

/** The API's environment, parsed once at start-up; nothing else reads process.env. */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    DATABASE_URL: z.url(),
    PLATFORM_DATABASE_URL: z.url(),
    DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** How long a request may wait for a free database connection before it is answered 503 + Retry-After. */
    DB_POOL_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** Shared with the admin app (its API_PROXY_SECRET); without it the API uses socket addresses only. */
    API_PROXY_SECRET: z.string().min(32).optional(),
    /**
     * Proxies of our own in front of the API (ingress, load balancer): how many
     * X-Forwarded-For entries from the right are believed (ADR 024). 0, the
     * default, ignores the header: anyone could have written it.
     */
    TRUSTED_PROXY_COUNT: z.coerce.number().int().min(0).max(5).default(0),
    /** Prometheus metrics on their own port (never routed by the ingress); 0 switches them off. */
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
    METRICS_HOST: z.string().optional(),
    /** OpenTelemetry tracing: spans go to this OTLP/HTTP endpoint (e.g. http://otel-collector:4318); unset = off. */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default('hubwerk-api'),
    /** On SIGTERM: how long /readyz answers 503 while still serving, so that load balancers stop sending first. */
    SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    /** On SIGTERM: how long in-flight requests may take before the process exits anyway. */
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(10_000),
    /** Where the shipped migrations are (readiness compares them with the database); default: beside the build. */
    MIGRATIONS_DIR: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Billing. Without STRIPE_SECRET_KEY the API runs against the fake Stripe
    // (msw, in-process) and the admin app says so; with it, against Stripe.
    STRIPE_SECRET_KEY: z
      .string()
      .regex(/^(sk|rk)_(test|live)_/)
      .optional(),
    STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_').optional(),
    STRIPE_PRICE_BASIS_MONTH: z.string().startsWith('price_').optional(),
    STRIPE_PRICE_BASIS_YEAR: z.string().startsWith('price_').optional(),
    STRIPE_PRICE_STANDARD_MONTH: z.string().startsWith('price_').optional(),
    STRIPE_PRICE_STANDARD_YEAR: z.string().startsWith('price_').optional(),
    STRIPE_PRICE_PLUS_MONTH: z.string().startsWith('price_').optional(),
    STRIPE_PRICE_PLUS_YEAR: z.string().startsWith('price_').optional(),
    BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(14),
    /** Where Stripe Checkout and the Portal send users back to. */
    ADMIN_URL: z.url().default('http://127.0.0.1:3000'),
    // Mail. Without SMTP_URL (dev) mails are stored and shown on the admin
    // app's dev-only page "Gesendete E-Mails"; production requires it.
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, 'must be smtp:// or smtps://')
      .optional(),
    MAIL_FROM: z.string().min(3).default('Hubwerk <noreply@hubwerk.invalid>'),
    /** How often the API's worker records no-shows (docs/decisions/020), in ms; 0 switches it off. */
    NO_SHOW_SCAN_INTERVAL_MS: z.coerce
      .number()
      .int()
      .refine((v) => v === 0 || (v >= 1_000 && v <= 86_400_000), 'must be 0 (off) or 1000–86400000')
      .default(60_000),
    /**
     * 32 random bytes (base64 or hex; `openssl rand -base64 32`): encrypts
     * secrets at rest (TOTP secrets, ADR 012). Required in production; dev and
     * tests use a fixed built-in key. Losing it makes every enrolled second
     * factor unreadable (users then sign in with a recovery code and enrol again).
     */
    DATA_ENCRYPTION_KEY: z
      .string()
      .optional()
      .refine((value) => value === undefined || isDataKey(value), 'must be 32 bytes, base64 or hex'),
    // Single sign-on (ADR 010): the AES-256-GCM key for the OIDC client secrets
    // at rest — 32 random bytes as 64 hex characters (`openssl rand -hex 32`)
    // or base64. Without it, production has SSO switched off and dev uses a
    // fixed, public dev key.
    SSO_SECRET_KEY: z
      .string()
      .refine(
        (v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32,
        'must be 32 bytes: 64 hex characters or base64',
      )
      .optional(),
  })
  .superRefine((env, issues) => {
    if (env.NODE_ENV === 'production' && !env.SMTP_URL)
      issues.addIssue({ code: 'custom', path: ['SMTP_URL'], message: 'required in production' });
    // Without it every user reaches the API with the admin app's address and shares its rate limits.
    if (env.NODE_ENV === 'production' && !env.API_PROXY_SECRET)
      issues.addIssue({ code: 'custom', path: ['API_PROXY_SECRET'], message: 'required in production' });
    if (env.NODE_ENV === 'production' && !env.DATA_ENCRYPTION_KEY)
      issues.addIssue({ code: 'custom', path: ['DATA_ENCRYPTION_KEY'], message: 'required in production' });
    if (!env.STRIPE_SECRET_KEY) return;
    // Real Stripe needs its webhook secret and every price id of this environment.
    for (const key of [
      'STRIPE_WEBHOOK_SECRET',
      'STRIPE_PRICE_BASIS_MONTH',
      'STRIPE_PRICE_BASIS_YEAR',
      'STRIPE_PRICE_STANDARD_MONTH',
      'STRIPE_PRICE_STANDARD_YEAR',
      'STRIPE_PRICE_PLUS_MONTH',
      'STRIPE_PRICE_PLUS_YEAR',
    ] as const) {
      if (!env[key])
        issues.addIssue({ code: 'custom', path: [key], message: 'required when STRIPE_SECRET_KEY is set' });
    }
  });

function isDataKey(value: string): boolean {
  try {
    parseDataKey(value);
    return true;
  } catch {
    return false;
  }
}

/** The data encryption key as the server takes it; undefined outside production without one (the dev key). */
export function dataEncryptionKeyEnv(env: ApiEnv): Buffer | undefined {
  return env.DATA_ENCRYPTION_KEY ? parseDataKey(env.DATA_ENCRYPTION_KEY) : undefined;
}

/** The billing part of the environment, as the server takes it. */
export function billingEnv(env: ApiEnv) {
  const stripe = env.STRIPE_SECRET_KEY
    ? {
        secretKey: env.STRIPE_SECRET_KEY,
        webhookSecret: env.STRIPE_WEBHOOK_SECRET!,
        priceIds: {
          basis: { month: env.STRIPE_PRICE_BASIS_MONTH!, year: env.STRIPE_PRICE_BASIS_YEAR! },
          standard: { month: env.STRIPE_PRICE_STANDARD_MONTH!, year: env.STRIPE_PRICE_STANDARD_YEAR! },
          plus: { month: env.STRIPE_PRICE_PLUS_MONTH!, year: env.STRIPE_PRICE_PLUS_YEAR! },
        },
      }
    : null;
  return { stripe, graceDays: env.BILLING_GRACE_DAYS, adminUrl: env.ADMIN_URL };
}

/** The mail part of the environment; the dev page never exists in production. */
export function mailEnv(env: ApiEnv) {
  return {
    smtpUrl: env.SMTP_URL ?? null,
    from: env.MAIL_FROM,
    devOutbox: env.NODE_ENV !== 'production',
    noShowScanMs: env.NO_SHOW_SCAN_INTERVAL_MS,
  };
}

/** Public on purpose: only for dev and tests, where no real client secret is stored. */
const DEV_SSO_SECRET_KEY = '6875627765726b2d6465762d6f6e6c792d73736f2d6b65792d6e6f742d736563';

/** The SSO part of the environment: null switches SSO off (production without a key). */
export function ssoEnv(env: ApiEnv): { secretKey: Buffer; allowLoopbackHttp: boolean } | null {
  const production = env.NODE_ENV === 'production';
  const key = env.SSO_SECRET_KEY ?? (production ? null : DEV_SSO_SECRET_KEY);
  if (!key) return null;
  // http:// issuers only on loopback and never in production (a local Keycloak, the in-test provider).
  return { secretKey: parseDataKey(key), allowLoopbackHttp: !production };
}

export type ApiEnv = z.infer<typeof schema>;

function describe(error: z.ZodError): string {
  // The variable's name and what is wrong, never its value.
  return error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
}

export function parseEnv(source: NodeJS.ProcessEnv): ApiEnv {
  const result = schema.safeParse(source);
  if (!result.success) throw new Error(`Invalid API environment:\n${describe(result.error)}`);
  return result.data;
}

/** Names of the variables the API and its migration command read (the manifests must set the required ones). */
export const API_ENV_KEYS = Object.keys(schema.shape);
