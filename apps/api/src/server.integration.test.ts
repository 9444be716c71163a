import { mkdtempSync, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { useTestDatabase } from '@hubwerk/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { createLogger } from './logger.ts';
import { type RunningApiServer, startApiServer } from './server.ts';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let api: RunningApiServer;
let urls: { appUrl: string; platformUrl: string };

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  urls = db;
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: createLogger({ level: 'info', destination: sink }),
  });
});

afterAll(async () => {
  await api?.close();
});

const trpc = (procedure: string, input: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
  });

describe('the API host', () => {
  it('answers /healthz without the database and /readyz with it', async () => {
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('is not ready while a shipped migration is not applied', async () => {
    const shipped = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hubwerk-migrations-'));
    for (const name of [
      ...readdirSync(shipped, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name),
      '29991231000000_from_the_future',
    ])
      mkdirSync(path.join(dir, name), { recursive: true });
    const other = await startApiServer({
      port: 0,
      databaseUrl: urls.appUrl,
      platformDatabaseUrl: urls.platformUrl,
      migrationsDir: dir,
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const response = await fetch(`${other.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        status: 'not-ready',
        reason: 'migrations-pending',
        pending: ['29991231000000_from_the_future'],
      });
    } finally {
      await other.close();
    }
  });

  it('logs one line per request with request id, user, town, procedure, status and duration — and no secrets', async () => {
    const signIn = await trpc(
      'auth.signIn',
      { email: DEMO_USERS.einbeckAdmin, password: 'hubwerk-demo' },
      { 'x-request-id': 'req-sign-in-0001' },
    );
    const { result } = (await signIn.json()) as { result: { data: { token: string } } };
    const token = result.data.token;
    const get = await fetch(
      `${api.url}/trpc/tenants.get?input=${encodeURIComponent(JSON.stringify({ tenant: 'einbeck' }))}`,
      {
        headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-town-0002' },
      },
    );
    expect(get.status).toBe(200);
    expect(get.headers.get('x-request-id')).toBe('req-town-0002');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const line = lines.find((l) => l.reqId === 'req-town-0002');
    expect(line).toMatchObject({
      msg: 'request',
      method: 'GET',
      path: '/trpc/tenants.get',
      status: 200,
      procedure: 'tenants.get',
    });
    expect(line?.userId).toEqual(expect.any(String));
    expect(line?.tenantId).toEqual(expect.any(String));
    expect(line?.ms).toEqual(expect.any(Number));
    expect(lines.filter((l) => l.reqId === 'req-sign-in-0001')).toHaveLength(1);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('hubwerk-demo');
  });

  it('answers bad input with field keys, not a 500 or a stack trace', async () => {
    const response = await trpc('auth.signIn', { email: 'nicht-gültig', password: '', role: 'admin' });
    expect(response.status).toBe(400);
    const body = JSON.stringify(await response.json());
    expect(body).toContain('validation.email');
    expect(body).toContain('validation.unknownField');
    expect(body).not.toMatch(/at \w+ \(|node_modules|SELECT /);
  });

  it('redacts secrets wherever a logger is handed them', () => {
    const captured: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({ write: (c, _e, done) => (captured.push(c.toString()), done()) }),
    });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc', cookie: 'hubwerk_session=xyz' } },
        input: { password: 'geheim', token: 'tok' },
      },
      'probe',
    );
    expect(captured.join('')).not.toMatch(/abc|xyz|geheim|tok"/);
  });

  it('stops accepting on close and closes its pools', async () => {
    const other = await startApiServer({
      port: 0,
      databaseUrl: urls.appUrl,
      platformDatabaseUrl: urls.platformUrl,
      logger: createLogger({ level: 'silent' }),
    });
    const received = new Promise((resolve) => other.server.once('request', resolve));
    const inFlight = fetch(`${other.url}/readyz`);
    await received;
    // Closing while the request is being answered: it still completes.
    const closing = other.close();
    expect((await inFlight).status).toBe(200);
    await closing;
    await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  });
});
