import { z } from 'zod';

const DEV_SESSION_SECRET = 'hubwerk-dev-session-secret-not-for-production';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    API_URL: z.url().default('http://127.0.0.1:4000'),
    /** Where calendar apps reach the API's iCal feeds (docs/decisions/013); API_URL if unset. */
    PUBLIC_API_URL: z.url().optional(),
    SESSION_SECRET: z.string().min(32).optional(),
    /**
     * The origin users reach the admin at (https://admin.hubwerk.example) when
     * a proxy in front changes host or scheme; else the request's own origin.
     * Actions accept form posts from this origin only (lib/csrf.server.ts).
     */
    PUBLIC_ORIGIN: z.url().optional(),
    /** Shared with the API: proves the client IP this app forwards (apps/api/src/client-ip.ts). */
    API_PROXY_SECRET: z.string().min(32).optional(),
  })
  .transform((env, ctx) => {
    if (!env.SESSION_SECRET && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'SESSION_SECRET is required in production' });
      return z.NEVER;
    }
    return {
      ...env,
      API_URL: env.API_URL.replace(/\/+$/, ''),
      PUBLIC_API_URL: (env.PUBLIC_API_URL ?? env.API_URL).replace(/\/+$/, ''),
      PUBLIC_ORIGIN: env.PUBLIC_ORIGIN ? new URL(env.PUBLIC_ORIGIN).origin : null,
      SESSION_SECRET: env.SESSION_SECRET ?? DEV_SESSION_SECRET,
      isProduction: env.NODE_ENV === 'production',
    };
  });

function parseEnv() {
  const result = schema.safeParse(process.env);
  if (!result.success) {
    // Fail at start-up with the variable's name, never its value.
    throw new Error(`Invalid environment for @hubwerk/admin:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

/** Names of the variables this schema reads (the deployment manifests are checked against them). */
export const ADMIN_ENV_KEYS = Object.keys(schema.in.shape);

/** The admin app's configuration, parsed once. Nothing else reads process.env. */
export const env = parseEnv();
export type Env = typeof env;
