/**
 * The operator's import command (docs/operations.md): a file in, the
 * register replaced, an audit entry without an account; a refused file
 * leaves the register in force and exits 1. REGISTER_BENCH_FILE (e.g.
 * ../shared/data/gemeinden.csv) times the import of a real extract too.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../packages/api/src/test-fixtures/register.csv', import.meta.url));
const BENCH_FILE = process.env.REGISTER_BENCH_FILE;

let superuser: pg.Client;
let platformUrl: string;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  platformUrl = db.platformUrl;
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
});

afterAll(async () => {
  await superuser?.end();
});

/** The command as an operator runs it; resolves with its exit code and output. */
async function importCommand(...args: string[]) {
  try {
    const { stdout } = await exec(
      process.execPath,
      ['--import', 'tsx', 'apps/api/src/register-import-main.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, PLATFORM_DATABASE_URL: platformUrl },
      },
    );
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

const count = async (sql: string) => Number((await superuser.query(`SELECT count(*) AS n FROM ${sql}`)).rows[0].n);

// Each case starts the command (tsx compiles it first): slow on a busy machine, so a generous limit.
describe('npm run register:import', { timeout: 300_000 }, () => {
  it('imports a file with its date and records an audit entry without an account', async () => {
    const run = await importCommand(FIXTURE, '--date', '2019-12-31');
    expect(run.code).toBe(0);
    expect(run.out).toContain('imported 11 municipalities (Gebietsstand 2019-12-31)');
    expect(await count(`"Municipality"`)).toBe(11);
    const { rows } = await superuser.query(`SELECT "actorUserId" FROM "AuditLog" WHERE action = 'register.imported'`);
    expect(rows).toEqual([{ actorUserId: null }]);
  });

  it('refuses wrong usage (2) and a broken file (1), leaving the register in force', async () => {
    expect((await importCommand(FIXTURE, '--date', '2019-02-30')).code).toBe(2);
    const broken = await importCommand(fileURLToPath(import.meta.url), '--date', '2020-12-31');
    expect(broken.code).toBe(1);
    expect(broken.out).toContain('errors.csv.');
    expect(await count(`"Municipality"`)).toBe(11);
  });

  it.runIf(BENCH_FILE)('imports a real extract (timing in the output)', async () => {
    const run = await importCommand(BENCH_FILE!, '--date', '2019-12-31');
    console.log(run.out);
    expect(run.code).toBe(0);
    expect(await count(`"Municipality"`)).toBeGreaterThan(10_000);
  });
});
