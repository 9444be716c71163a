/**
 * Fixtures for the API's integration tests (ADR 041): the demo-seeded
 * database, a superuser connection, the API in-process and signed-in
 * callers — set up on first use, torn down by vitest.
 *
 * ```ts
 * const test = seededApiTest({ poolSize: 6 });
 * test('…', async ({ einbeckAdmin, signIn, superuser }) => {
 *   const again = await signIn(DEMO_USERS.einbeckAdmin); // a second session
 * });
 * ```
 */
import { createDatabaseTest } from '@hubwerk/db/testing/fixtures';
import type pg from 'pg';
import { DEMO_USERS, seedDemo } from '../../../../prisma/seed.ts';
import { type Caller, createTestApi, type TestApi } from '../test-support.ts';

export type TestApiOptions = NonNullable<Parameters<typeof createTestApi>[1]>;

/** `database` (a fresh copy with the demo data of prisma/seed.ts) and `superuser`. */
export const seededDatabaseTest = createDatabaseTest((database) => seedDemo({ platformUrl: database.platformUrl }));

/** A caller signed in as each demo user, by the keys of DEMO_USERS. */
type SignedIn = { [K in keyof typeof DEMO_USERS]: Caller };

/**
 * `seededDatabaseTest` plus `api` (createTestApi on it, with these options,
 * one per file), `signIn(email)` (a new session of a seeded user) and, per
 * test, a caller for each demo user by its DEMO_USERS key (`einbeckAdmin`,
 * `zeitzAdmin`, …), signed in only when a test names it.
 */
export function seededApiTest(options: TestApiOptions = {}) {
  const api = seededDatabaseTest
    .extend('api', { scope: 'file' }, ({ database }, { onCleanup }) => {
      const api = createTestApi(database, options);
      onCleanup(() => api.close());
      return api;
    })
    .extend(
      'signIn',
      { scope: 'file' },
      ({ api }) =>
        (email: string, password?: string) =>
          api.as(email, password),
    );
  const callers = Object.fromEntries(
    Object.entries(DEMO_USERS).map(([key, email]) => [
      key,
      async ({ api }: { api: TestApi }, use: (caller: Caller) => Promise<void>) => use(await api.as(email)),
    ]),
  ) as never;
  return api.extend<{ $test: SignedIn }>(callers);
}

/**
 * The file's `api` and `superuser` for helpers at module level, which take no
 * fixtures: `const file = fileFixtures(test)`, then `file.superuser.query(…)`
 * in a helper called from a test or hook. Read before the file's first hook
 * ran, it throws.
 */
export function fileFixtures(test: ReturnType<typeof seededApiTest>): {
  readonly api: TestApi;
  readonly superuser: pg.Client;
} {
  let fixtures: { api: TestApi; superuser: pg.Client } | undefined;
  test.beforeAll(({ api, superuser }) => {
    fixtures = { api, superuser };
  });
  const ready = () => {
    if (!fixtures) throw new Error('fileFixtures: read from a test or hook, not while the file loads');
    return fixtures;
  };
  return {
    get api() {
      return ready().api;
    },
    get superuser() {
      return ready().superuser;
    },
  };
}
