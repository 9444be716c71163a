import { z } from 'zod';

const optionalUrl = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.url({ protocol: /^postgres(ql)?$/ }).optional(),
);

/**
 * What `npm run dev` and `npm run db:up` read from the environment, parsed
 * once at start-up. Without DATABASE_URL they start the embedded PostgreSQL;
 * with it they use that server (and then need MIGRATOR_DATABASE_URL).
 */
const schema = z
  .object({
    DATABASE_URL: optionalUrl,
    MIGRATOR_DATABASE_URL: optionalUrl,
    PLATFORM_DATABASE_URL: optionalUrl,
    /**
     * Shared by the API and the admin app: proves the client IP the admin
     * forwards (ADR 024). Unset, each `npm run dev` makes a random one.
     */
    API_PROXY_SECRET: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(32).optional()),
    /** Use the air-gapped schema engine for `prisma migrate deploy`. */
    PRISMA_OFFLINE: z.enum(['0', '1', 'true', 'false', '']).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL !== undefined && env.MIGRATOR_DATABASE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['MIGRATOR_DATABASE_URL'],
        message:
          'DATABASE_URL is set, so migrations need MIGRATOR_DATABASE_URL too (or unset DATABASE_URL for the embedded PostgreSQL)',
      });
    }
  })
  .transform((env) => ({
    ...env,
    PRISMA_OFFLINE: env.PRISMA_OFFLINE === '1' || env.PRISMA_OFFLINE === 'true',
  }));

export type DevEnv = z.infer<typeof schema>;

export function parseDevEnv(source: NodeJS.ProcessEnv): DevEnv {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new Error(`Invalid environment for npm run dev:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
