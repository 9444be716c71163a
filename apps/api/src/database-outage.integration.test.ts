import { freePort } from '@hubwerk/db/testing';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '@hubwerk/api';
import { createLogger } from './logger.ts';
import { type RunningApiServer, startApiServer } from './server.ts';

describe('database unavailable', () => {
  const lines: Array<Record<string, unknown>> = [];
  let api: RunningApiServer;

  beforeAll(async () => {
    // A loopback port nobody listens on: the database "is down".
    const port = await freePort();
    const url = `postgresql://hubwerk_app:x@127.0.0.1:${port}/hubwerk`;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    api = await startApiServer({
      port: 0,
      databaseUrl: url,
      platformDatabaseUrl: url,
      logger: createLogger({ level: 'info', destination }),
      mail: { smtpUrl: null, from: 'x <x@x.invalid>', devOutbox: false, noShowScanMs: 0 },
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  const signIn = () =>
    fetch(`${api.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'jemand@example.org', password: 'irgendein-passwort' }),
    });

  it('answers 503 with Retry-After, and logs the outage once instead of a stack per request', async () => {
    for (let i = 0; i < 3; i += 1) {
      const response = await signIn();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      // A key the admin app translates ("nicht erreichbar … gleich noch einmal"), not errors.internal.
      const body = (await response.json()) as { error: { data: Record<string, unknown> } };
      expect(body.error.data).toMatchObject({ code: 'SERVICE_UNAVAILABLE', messageKey: 'errors.unavailable' });
    }
    const outage = lines.filter((line) => line.event === 'db.unavailable');
    expect(outage).toHaveLength(1);
    expect(lines.filter((line) => line.level === 50 && line.event !== 'db.unavailable')).toEqual([]);
    expect(lines.filter((line) => line.msg === 'procedure failed')).toEqual([]);
    // Readiness says why.
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: 'database-unreachable' });
  });
});

describe('isDatabaseUnavailable', () => {
  it('knows connection failures and leaves bugs and constraint errors alone', () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(
      isDatabaseUnavailable({
        code: 'P1001',
        meta: { driverAdapterError: { cause: { kind: 'DatabaseNotReachable' } } },
      }),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        new Error('wrapped', {
          cause: Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });
});
