import { randomUUID } from 'node:crypto';
import { createAppClient, createPlatformClient } from '@hubwerk/db';
import pino from 'pino';
import type { ApiDependencies } from './context.ts';
import { createContext } from './context.ts';
import { appRouter } from './root.ts';
import { createCallerFactory } from './trpc.ts';

const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

/**
 * The API in-process, for integration tests: real clients on a real test
 * database, calls through every middleware and schema, no HTTP.
 */
export function createTestApi(urls: { appUrl: string; platformUrl: string }, options: { poolSize?: number } = {}) {
  const deps: ApiDependencies = {
    db: createAppClient({ url: urls.appUrl, poolSize: options.poolSize ?? 5 }),
    platform: createPlatformClient({ url: urls.platformUrl, poolSize: 3 }),
    logger: pino({ level: 'silent' }),
  };
  const caller = (sessionToken: string | null = null): Caller =>
    createCaller(createContext(deps, { requestId: randomUUID(), sessionToken, userAgent: 'vitest', log: {} }));
  return {
    deps,
    caller,
    /** A caller signed in as the given (seeded) user. */
    async as(email: string, password = 'hubwerk-demo'): Promise<Caller> {
      const { token } = await caller().auth.signIn({ email, password });
      return caller(token);
    },
    async close() {
      await Promise.all([deps.db.close(), deps.platform.close()]);
    },
  };
}

export type TestApi = ReturnType<typeof createTestApi>;
