/**
 * The stand-in's side of the CLI protocol, without a database: argument
 * parsing and the JSON-RPC loop (ordering, `print` round trip, error shape).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../lib/args.mjs';
import { ENGINE_ERROR, MethodNotFoundError, serveJsonRpc, toRpcError } from '../lib/json-rpc.mjs';

describe('parseArgs', () => {
  it('reads the RPC mode arguments the CLI passes', () => {
    const args = parseArgs([
      '--datamodels',
      '/p/schema.prisma',
      '--datamodels',
      '/p/more.prisma',
      '--datasource',
      JSON.stringify({ url: 'postgresql://u@h/db', shadowDatabaseUrl: '' }),
      '--enabled-preview-features',
      'views,relationJoins',
    ]);
    expect(args).toMatchObject({
      version: false,
      cliCommand: undefined,
      datamodelPaths: ['/p/schema.prisma', '/p/more.prisma'],
      // An empty shadow URL means none.
      datasource: { url: 'postgresql://u@h/db' },
      previewFeatures: ['views', 'relationJoins'],
    });
  });

  it('reads the one-shot cli mode', () => {
    const args = parseArgs(['--datasource', '{"url":"postgresql://h/db"}', 'cli', 'can-connect-to-database']);
    expect(args.cliCommand).toBe('can-connect-to-database');
    expect(args.datasource.url).toBe('postgresql://h/db');
  });

  it('rejects what it does not understand', () => {
    expect(() => parseArgs(['--datasource', 'postgresql://h/db'])).toThrow(UsageError);
    expect(() => parseArgs(['--frobnicate'])).toThrow(/unknown argument/);
  });
});

describe('toRpcError', () => {
  it("has the native engine's shape, with Prisma error codes only", () => {
    const coded = Object.assign(new Error('Database `x` does not exist'), { code: 'P1003' });
    expect(toRpcError(coded)).toEqual({
      code: ENGINE_ERROR,
      message: expect.any(String),
      data: { is_panic: false, message: 'Database `x` does not exist', error_code: 'P1003', meta: {} },
    });
    // A driver's own code (here PostgreSQL's) is not a Prisma error code.
    const driver = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(toRpcError(driver).data).toEqual({ is_panic: false, message: 'duplicate key' });
    expect(toRpcError(new MethodNotFoundError('Method not found: nope')).code).toBe(-32601);
  });
});

/** Drive serveJsonRpc like the CLI does: write request lines, read response lines. */
function connect(handle: Parameters<typeof serveJsonRpc>[0]['handle']) {
  const input = new PassThrough();
  const output = new PassThrough();
  const received: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  let buffered = '';
  output.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      received.push(JSON.parse(buffered.slice(0, newline)));
      buffered = buffered.slice(newline + 1);
      waiters.splice(0).forEach((wake) => wake());
    }
  });
  const server = serveJsonRpc({ input, output, handle });
  return {
    send: (message: object) => input.write(`${JSON.stringify(message)}\n`),
    /** Resolves once `count` lines have arrived in total. */
    async lines(count: number) {
      while (received.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return received.slice(0, count);
    },
    close: () => input.end(),
    done: server.done,
  };
}

describe('serveJsonRpc', () => {
  it('answers requests in order, one at a time', async () => {
    let running = 0;
    const rpc = connect(async (method) => {
      running += 1;
      expect(running).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, method === 'slow' ? 30 : 1));
      running -= 1;
      return { method };
    });
    rpc.send({ jsonrpc: '2.0', id: 1, method: 'slow' });
    rpc.send({ jsonrpc: '2.0', id: 2, method: 'fast' });
    expect(await rpc.lines(2)).toEqual([
      { jsonrpc: '2.0', id: 1, result: { method: 'slow' } },
      { jsonrpc: '2.0', id: 2, result: { method: 'fast' } },
    ]);
    rpc.close();
    await rpc.done;
  });

  it('sends `print` to the CLI and waits for its answer before answering the call', async () => {
    const rpc = connect(async (_method, _params, peer) => {
      await peer.request('print', { content: 'CREATE TABLE "A" ();' });
      return { exitCode: 0 };
    });
    rpc.send({ jsonrpc: '2.0', id: 7, method: 'diff', params: {} });
    const [print] = await rpc.lines(1);
    expect(print).toMatchObject({ method: 'print', params: { content: 'CREATE TABLE "A" ();' } });
    rpc.send({ jsonrpc: '2.0', id: print!.id, result: {} });
    expect((await rpc.lines(2))[1]).toEqual({ jsonrpc: '2.0', id: 7, result: { exitCode: 0 } });
    rpc.close();
    await rpc.done;
  });

  it('answers void calls with null (the CLI needs a result) and failures with error 4466', async () => {
    const rpc = connect(async (method) => {
      if (method === 'fail') throw Object.assign(new Error('P3005 text'), { code: 'P3005' });
      return undefined;
    });
    rpc.send({ jsonrpc: '2.0', id: 1, method: 'reset' });
    rpc.send({ jsonrpc: '2.0', id: 2, method: 'fail' });
    const [ok, failed] = await rpc.lines(2);
    expect(ok).toEqual({ jsonrpc: '2.0', id: 1, result: null });
    expect(failed).toMatchObject({
      id: 2,
      error: { code: 4466, data: { error_code: 'P3005', message: 'P3005 text' } },
    });
    rpc.close();
    await rpc.done;
  });
});
