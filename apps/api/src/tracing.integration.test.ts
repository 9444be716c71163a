import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '@hubwerk/db/testing';
import { createLogger } from './logger.ts';
import { type RunningApiServer, startApiServer } from './server.ts';
import { startTracing, type Tracing } from './tracing.ts';

// An OTLP/HTTP collector stand-in at the network edge: it keeps what it receives.
describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  const received: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  let collector: http.Server;
  let tracing: Tracing | null;
  let api: RunningApiServer;

  beforeAll(async () => {
    collector = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push(`${req.url} ${body}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    tracing = startTracing({
      endpoint: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      serviceName: 'hubwerk-api-test',
    });
    const db = await useTestDatabase();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    api = await startApiServer({
      port: 0,
      databaseUrl: db.appUrl,
      platformDatabaseUrl: db.platformUrl,
      logger: createLogger({ level: 'info', destination }),
    });
  });

  afterAll(async () => {
    await api?.close();
    await new Promise((resolve) => collector?.close(resolve));
  });

  it('continues the caller’s trace, logs its id on the request line and exports the span', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${api.url}/readyz`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(response.status).toBe(200);
    const requestLine = lines.find((line) => line.msg === 'request' && line.path === '/readyz');
    expect(requestLine?.traceId).toBe(traceId);
    expect(requestLine?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(tracing).not.toBeNull();
    await tracing!.shutdown(); // flushes the batch
    const exported = received.join('\n');
    expect(exported).toContain('/v1/traces');
    expect(exported).toContain(traceId);
    expect(exported).toContain('GET readyz');
    expect(exported).toContain('hubwerk-api-test');
  });
});
