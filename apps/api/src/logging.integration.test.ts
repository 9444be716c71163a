/**
 * What reaches the logs: denials as structured events, and never a
 * password, token, cookie or secret (pino redaction).
 */
import { Writable } from 'node:stream';
import { useTestDatabase } from '@hubwerk/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { createLogger } from './logger.ts';
import { startApiServer, type RunningApiServer } from './server.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const logger = () => createLogger({ level: 'info', destination: sink });
let api: RunningApiServer;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: logger(),
  });
});

afterAll(async () => {
  await api?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${api.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const events = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('authorization denials', () => {
  it('are logged as structured events with user, town and procedure, without the input', async () => {
    const signIn = await post('auth.signIn', { email: DEMO_USERS.einbeckManager, password: DEMO_PASSWORD });
    const { result } = (await signIn.json()) as { result: { data: { token: string } } };
    const auth = { authorization: `Bearer ${result.data.token}` };

    expect(
      (
        await fetch(`${api.url}/trpc/audit.list?input=${encodeURIComponent(JSON.stringify({ tenant: 'einbeck' }))}`, {
          headers: auth,
        })
      ).status,
    ).toBe(403);
    expect((await post('hubs.create', { tenant: 'zeitz', name: 'Fremd' }, auth)).status).toBe(404);

    const denials = events().filter((e) => e.event === 'authz.denied');
    expect(denials).toEqual([
      expect.objectContaining({
        level: 40,
        code: 'FORBIDDEN',
        procedure: 'audit.list',
        messageKey: 'errors.forbidden',
        tenantId: expect.any(String),
        userId: expect.any(String),
        reqId: expect.any(String),
      }),
      expect.objectContaining({ code: 'NOT_FOUND', procedure: 'hubs.create', userId: expect.any(String) }),
    ]);
    expect(JSON.stringify(denials)).not.toContain(result.data.token);
    expect(JSON.stringify(denials)).not.toContain('Fremd');
  });
});

describe('redaction', () => {
  it('keeps passwords, tokens, cookies and secrets out of every log line', async () => {
    const secrets = [
      'pw-Geheim-123456',
      'tok-ABCDEFGHIJKLMNOPQRSTUV',
      'hubwerk_session=cookie-geheim',
      'proxy-secret-geheim-0123456789abcdef',
      'sso-client-secret-geheim',
      'code=sso-code-geheim&state=sso-state-geheim',
      'sso-verifier-geheim',
    ] as const;
    const log = logger();
    log.info({ input: { email: 'a@b.de', password: secrets[0], token: secrets[1] } }, 'input');
    log.info(
      {
        req: {
          headers: { authorization: `Bearer ${secrets[1]}`, cookie: secrets[2], 'x-hubwerk-proxy-secret': secrets[3] },
        },
      },
      'request',
    );
    log.info({ res: { headers: { 'set-cookie': secrets[2] } } }, 'response');
    log.info(
      {
        user: { passwordHash: `$argon2id$${secrets[0]}`, tokenHash: secrets[1] },
        session: { token: secrets[1] },
        ctx: { sessionToken: secrets[1] },
      },
      'objects',
    );
    log.info({ body: { account: { password: secrets[0] } }, options: { proxySecret: secrets[3] } }, 'nested');
    log.info(
      {
        input: { issuer: 'https://idp.example', clientSecret: secrets[4], query: secrets[5] },
        state: { codeVerifier: secrets[6], nonce: secrets[6], clientSecretEncrypted: secrets[4] },
      },
      'sso',
    );
    // A real sign-in through the server logs its request line too.
    await post('auth.signIn', { email: DEMO_USERS.platform, password: secrets[0] }, { cookie: secrets[2] });

    const all = lines.join('\n');
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
    expect(all).toContain('a@b.de');
  });
});
