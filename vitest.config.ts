import { defineConfig } from 'vitest/config';

// Never collect tests from installed packages, build output, the embedded
// database's data dir or generated code.
const exclude = [
  '**/node_modules/**',
  '**/build/**',
  '**/dist/**',
  '**/.data/**',
  '**/.turbo/**',
  '**/generated/**',
  '**/coverage/**',
  '**/test-results/**',
];

// Starts PostgreSQL (embedded, or the server in DATABASE_URL) and migrates a
// template database; see packages/db/src/testing and docs/operations.md.
const databaseSetup = './packages/db/src/testing/global-setup.ts';

// CI (CI=true) runs a test that failed once a second time, as Playwright's own
// runner does there: the suites share 2 cores with a database and a browser,
// and one timing hiccup must not sink a whole submission. A test that fails
// twice fails the run; a retried test is reported as such (docs/operations.md).
const retry = process.env.CI ? 1 : 0;

export default defineConfig({
  test: {
    // Stopping PostgreSQL in the globalSetup teardown.
    teardownTimeout: 60_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.{ts,tsx}'],
          exclude: [...exclude, '**/*.integration.test.{ts,tsx}', 'apps/admin/e2e/**'],
          environment: 'node',
          // Same as `integration`: both run side by side in one group.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.integration.test.{ts,tsx}'],
          exclude,
          environment: 'node',
          globalSetup: [databaseSetup],
          // Forks: each worker its own process (own pools, own VITEST_POOL_ID database).
          pool: 'forks',
          maxWorkers: 2,
          hookTimeout: 120_000,
          testTimeout: 60_000,
          retry,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['apps/admin/e2e/**/*.spec.ts'],
          exclude,
          environment: 'node',
          globalSetup: [databaseSetup],
          pool: 'forks',
          // One browser at a time; with maxWorkers 1 vitest runs this project
          // after the others, so it does not compete with them for the CPU.
          maxWorkers: 1,
          hookTimeout: 300_000,
          testTimeout: 180_000,
          retry,
        },
      },
    ],
  },
});
