import { z } from 'zod';
import { configuredOrigins } from '../origin-guard.mjs';

const DEV_SESSION_SECRET = 'hubwerk-dev-session-secret-not-for-production';

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    API_URL: z.url().default('http://127.0.0.1:4000'),
    /** Where calendar apps reach the API's iCal feeds (docs/decisions/013); API_URL if unset. */
    PUBLIC_API_URL: z.url().optional(),
    SESSION_SECRET: z.string().min(32).optional(),
    /**
     * The origin users reach the admin at (https://admin.hubwerk.example; several
     * comma-separated). Required in production; in development the dev server's
     * (origin-guard.mjs). Form posts are accepted from these origins only — never
     * from "the request's own origin", which a dev server builds from the Origin header.
     */
    PUBLIC_ORIGIN: z.string().optional(),
    /** Shared with the API: proves the client IP this app forwards (apps/api/src/client-ip.ts). */
    API_PROXY_SECRET: z.string().min(32).optional(),
  })
  .transform((env, ctx) => {
    if (!env.SESSION_SECRET && env.NODE_ENV === 'production') {
      ctx.addIssue({ code: 'custom', path: ['SESSION_SECRET'], message: 'SESSION_SECRET is required in production' });
      return z.NEVER;
    }
    if (!env.API_PROXY_SECRET && env.NODE_ENV === 'production') {
      // Without it the API sees this app's address for every user, and all of them share one rate limit.
      ctx.addIssue({
        code: 'custom',
        path: ['API_PROXY_SECRET'],
        message: 'API_PROXY_SECRET is required in production',
      });
      return z.NEVER;
    }
    let publicOrigins: string[];
    try {
      publicOrigins = configuredOrigins({ PUBLIC_ORIGIN: env.PUBLIC_ORIGIN, NODE_ENV: env.NODE_ENV });
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['PUBLIC_ORIGIN'], message: (error as Error).message });
      return z.NEVER;
    }
    return {
      ...env,
      API_URL: env.API_URL.replace(/\/+$/, ''),
      PUBLIC_API_URL: (env.PUBLIC_API_URL ?? env.API_URL).replace(/\/+$/, ''),
      /** The first is where links to the admin point (QR codes). */
      PUBLIC_ORIGINS: publicOrigins,
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
