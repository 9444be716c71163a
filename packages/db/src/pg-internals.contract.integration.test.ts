/**
 * The contract between pg-internals.ts and the installed `pg` and Prisma:
 * every private internal it relies on, checked by name against the versions
 * in the lockfile. After an upgrade, a failure here names the internal that
 * disappeared or changed shape; until it is fixed, run the app with
 * `transport: 'public'` (ADR 031), which uses none of pg's.
 */
import { readFileSync } from 'node:fs';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient } from './generated/client.ts';
import { BatchQuery, inPrismaTransaction, sendWithOneSync, withBatchParseRouting } from './pg-internals.ts';
import { useTestDatabase } from './testing/index.ts';

const root = new URL('../../../', import.meta.url);
const readJson = <T>(path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as T;
let appUrl: string;
let client: pg.Client;

beforeAll(async () => {
  appUrl = (await useTestDatabase()).appUrl;
  const RoutingClient = withBatchParseRouting(pg.Client);
  client = new RoutingClient({ connectionString: appUrl });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
});

/** Fails with the internal's name, so the message says what changed. */
function requireFunction(owner: object | undefined, path: string, key: string) {
  const value = (owner as Record<string, unknown> | undefined)?.[key];
  expect(typeof value, `pg internal ${path}.${key} is no longer a function`).toBe('function');
}
function requireObject(owner: object | undefined, path: string, key: string) {
  const value = (owner as Record<string, unknown> | undefined)?.[key];
  expect(value !== null && typeof value === 'object', `pg internal ${path}.${key} is no longer an object`).toBe(true);
}

describe('the installed versions', () => {
  it('are the lockfile’s: the contract below was checked against exactly these', () => {
    const lock = readJson<{ packages: Record<string, { version: string }> }>('package-lock.json');
    for (const name of ['pg', '@prisma/client', '@prisma/adapter-pg']) {
      const installed = readJson<{ version: string }>(`node_modules/${name}/package.json`).version;
      expect(installed, `${name} installed differs from package-lock.json`).toBe(
        lock.packages[`node_modules/${name}`]?.version,
      );
    }
  });
});

describe('pg internals', () => {
  it.each([
    'submit',
    'handleRowDescription',
    'handleDataRow',
    'handleCommandComplete',
    'handleEmptyQuery',
    'handleError',
    'handleReadyForQuery',
  ])('pg.Query.prototype.%s (the hooks pg.Client calls on the active query)', (hook) => {
    requireFunction(pg.Query.prototype, 'pg.Query.prototype', hook);
  });

  it('pg.Query#_result with _types (filled with the client’s type parsers before submit)', () => {
    const query = new pg.Query({ text: 'SELECT 1' }) as unknown as { _result?: object };
    requireObject(query, 'pg.Query', '_result');
    expect('_types' in query._result!, 'pg internal pg.Query#_result._types is gone').toBe(true);
  });

  it.each(['_handleParseComplete', '_getActiveQuery'])('pg.Client.prototype.%s', (method) => {
    requireFunction(pg.Client.prototype, 'pg.Client.prototype', method);
  });

  it.each(['parse', 'bind', 'describe', 'execute', 'sync'])('Connection#%s (writes one protocol message)', (method) => {
    requireFunction((client as unknown as { connection: object }).connection, 'Connection', method);
  });

  it.each(['parsedStatements', 'submittedNamedStatements'])('Connection#%s (named-statement bookkeeping)', (key) => {
    requireObject((client as unknown as { connection: object }).connection, 'Connection', key);
  });

  it.each(['cork', 'uncork'])('Connection#stream.%s', (method) => {
    requireFunction(
      (client as unknown as { connection: { stream: object } }).connection.stream,
      'Connection#stream',
      method,
    );
  });

  it('pg.Result(rowMode, types) with addFields, parseRow, addRow, addCommandComplete, _parsers, _prebuiltEmptyResultObject', () => {
    const { Result } = pg as unknown as { Result?: new (rowMode?: string, types?: unknown) => Record<string, unknown> };
    expect(typeof Result, 'pg internal pg.Result is no longer exported').toBe('function');
    const result = new Result!('array', { getTypeParser: () => (v: string) => `parsed:${v}` });
    for (const method of ['addFields', 'parseRow', 'addRow', 'addCommandComplete'])
      requireFunction(result, 'pg.Result', method);
    (result.addFields as (fields: unknown[]) => void)([{ name: 'a', dataTypeID: 25, format: 'text' }]);
    expect(Array.isArray(result._parsers), 'pg internal pg.Result#_parsers is no longer an array').toBe(true);
    expect('_prebuiltEmptyResultObject' in result, 'pg internal pg.Result#_prebuiltEmptyResultObject is gone').toBe(
      true,
    );
    expect((result.parseRow as (row: unknown[]) => unknown)(['x']), 'pg.Result(rowMode, types) ignores them').toEqual([
      'parsed:x',
    ]);
  });

  it('pg.utils.prepareValue', () => {
    requireFunction((pg as unknown as { utils?: object }).utils, 'pg.utils', 'prepareValue');
  });

  it('drives a BatchQuery end to end: answers in order, and the named-statement bookkeeping follows ParseComplete', async () => {
    const name = `hw_contract_${process.pid}`;
    const [begin, first, commit] = sendWithOneSync(client, [
      { text: 'BEGIN', noRows: true },
      { name, text: 'SELECT $1::int + 1 AS n', values: [41] },
      { text: 'COMMIT', noRows: true },
    ]);
    expect((await begin)!.command).toBe('BEGIN');
    expect((await first)!.rows).toEqual([{ n: 42 }]);
    expect((await commit)!.command).toBe('COMMIT');
    const connection = (client as unknown as { connection: Record<string, Record<string, string>> }).connection;
    expect(connection.parsedStatements![name], 'pg internal Connection#parsedStatements was not kept').toBe(
      'SELECT $1::int + 1 AS n',
    );
    expect(connection.submittedNamedStatements![name]).toBeUndefined();
    // pg's own named statement on the same connection: the routing leaves its bookkeeping to pg.
    await client.query({ name: `${name}_pg`, text: 'SELECT 2 AS n', values: [] });
    expect(connection.parsedStatements![`${name}_pg`]).toBe('SELECT 2 AS n');
    expect(new BatchQuery([])).toBeInstanceOf(pg.Query);
  });
});

describe('Prisma internals', () => {
  it('a query extension gets __internalParams.transaction inside an interactive transaction, and not outside', async () => {
    const seen: boolean[] = [];
    const pool = new pg.Pool({ connectionString: appUrl, max: 1 });
    const base = new PrismaClient({ adapter: new PrismaPg(pool) });
    const prisma = base.$extends({
      query: {
        $allModels: {
          findFirst(params) {
            seen.push(inPrismaTransaction(params));
            return params.query(params.args);
          },
        },
      },
    });
    try {
      await prisma.hub.findFirst();
      await prisma.$transaction(async (tx) => tx.hub.findFirst());
      expect(seen, 'Prisma internal __internalParams.transaction changed').toEqual([false, true]);
    } finally {
      await base.$disconnect();
      await pool.end();
    }
  });
});
