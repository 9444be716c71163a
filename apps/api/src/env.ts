import { z } from 'zod';

/** The API's environment, parsed once at start-up; nothing else reads process.env. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.url(),
  PLATFORM_DATABASE_URL: z.url(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Shared with the admin app (its API_PROXY_SECRET); without it the API uses socket addresses only. */
  API_PROXY_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ApiEnv = z.infer<typeof schema>;

export function parseEnv(source: NodeJS.ProcessEnv): ApiEnv {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid API environment:\n${problems}`);
  }
  return result.data;
}
