import { z } from 'zod';

const optionalUrl = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.url({ protocol: /^postgres(ql)?$/ }).optional(),
);

/**
 * The variables the test harness reads (once, in its globalSetup). Without
 * DATABASE_URL it starts its own embedded PostgreSQL; with it, it uses that
 * server and then also needs MIGRATOR_DATABASE_URL and TEST_SUPERUSER_URL
 * (a superuser on the same server: it creates roles and databases).
 */
export const testEnvSchema = z
  .object({
    DATABASE_URL: optionalUrl,
    MIGRATOR_DATABASE_URL: optionalUrl,
    PLATFORM_DATABASE_URL: optionalUrl,
    TEST_SUPERUSER_URL: optionalUrl,
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL === undefined) return;
    for (const key of ['MIGRATOR_DATABASE_URL', 'TEST_SUPERUSER_URL'] as const) {
      if (env[key] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `DATABASE_URL is set, so the tests use that server and need ${key} too (or unset DATABASE_URL to use an embedded PostgreSQL)`,
        });
      }
    }
  });

export type TestEnv = z.infer<typeof testEnvSchema>;

export function parseTestEnv(env: NodeJS.ProcessEnv): TestEnv {
  const result = testEnvSchema.safeParse(env);
  if (!result.success) {
    throw new Error(`Test database environment is invalid:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}
