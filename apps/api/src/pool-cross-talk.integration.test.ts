/**
 * Pool cross-talk: 10,000 requests through the real HTTP API for 50 towns,
 * 200 at a time, on a pool of 10 connections. Every answer must hold only
 * its own town's rows, and no connection may be left inside a transaction —
 * the proof that the pipelined tenant scope (ADR 005) never lends one town's
 * setting to another's query.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { hashToken, newToken } from '@hubwerk/auth';
import { FAKE_PRICE_IDS } from '@hubwerk/billing';
import { useTestDatabase } from '@hubwerk/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { startApiServer, type RunningApiServer } from './server.ts';

const TOWNS = 50;
const REQUESTS = 10_000;
const CONCURRENCY = 200;
const POOL = 10;

interface Town {
  id: string;
  slug: string;
  hubIds: Set<string>;
  token: string;
}
const towns: Town[] = [];
let api: RunningApiServer;
let superuser: pg.Client;

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  superuser = new pg.Client({ connectionString: db.superuserUrl });
  await superuser.connect();
  // Set up directly in SQL: 50 towns, two hubs and one town admin with a live session each.
  for (let i = 0; i < TOWNS; i += 1) {
    const town: Town = {
      id: randomUUID(),
      slug: `ort-${i}`,
      hubIds: new Set([randomUUID(), randomUUID()]),
      token: newToken(),
    };
    const userId = randomUUID();
    await superuser.query(
      `INSERT INTO "Tenant" (id, name, slug, ags, bundesland, status, "updatedAt") VALUES ($1, $2, $3, $4, '15', 'ACTIVE', now())`,
      [town.id, `Ort ${i}`, town.slug, `15${String(i).padStart(6, '0')}`],
    );
    for (const hubId of town.hubIds) {
      await superuser.query(
        `INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1, $2, $3, $4, now())`,
        [town.id, hubId, `Hub ${town.slug} ${hubId.slice(0, 8)}`, `hub-${hubId.slice(0, 8)}`],
      );
      await superuser.query(
        `INSERT INTO "AuditEvent" (id, "tenantId", action, "targetType", "targetId") VALUES ($1, $2, 'hub.created', 'Hub', $3)`,
        [randomUUID(), town.id, hubId],
      );
    }
    await superuser.query(`INSERT INTO "User" (id, email, name, "updatedAt") VALUES ($1, $2, $3, now())`, [
      userId,
      `admin@${town.slug}.example.org`,
      `Admin ${i}`,
    ]);
    await superuser.query(
      `INSERT INTO "TenantMembership" ("tenantId", id, "userId", role) VALUES ($1, $2, $3, 'TOWN_ADMIN')`,
      [town.id, randomUUID(), userId],
    );
    await superuser.query(
      `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt") VALUES ($1, $2, $3, now() + interval '1 day')`,
      [randomUUID(), hashToken(town.token), userId],
    );
    towns.push(town);
  }
  // This test is about isolation, not latency: on a loaded CI machine 200
  // requests queued on 10 connections may wait longer than the production
  // acquire timeout (5 s, then 503 — see pool-saturation.integration.test.ts).
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    poolSize: POOL,
    poolAcquireTimeoutMs: 120_000,
    // Reads only, no billing: a configured (never called) Stripe keeps the fake Stripe's msw out of
    // this process, which would otherwise inspect each of the 10,000 requests.
    billing: {
      stripe: { secretKey: 'sk_test_never_called', webhookSecret: 'whsec_never_called', priceIds: FAKE_PRICE_IDS },
    },
    logger: createLogger({ level: 'silent' }),
  });
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await api?.close();
  await superuser?.end();
});

type Kind = 'tenants.get' | 'hubs.list' | 'audit.list';
// Reads only: under 200-way concurrency on 10 connections the interactive
// transactions of writes wait longer than Prisma's 2 s maxWait and fail
// (500) — a capacity finding, not a leak; writes are covered by the
// property-based isolation suite.
const KINDS: Kind[] = ['tenants.get', 'hubs.list', 'audit.list'];

// node:http with one keep-alive agent: the answers come back over a few hundred reused sockets, and
// the client's share of this process's CPU (it runs the server too) stays small next to fetch's.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function request(town: Town, kind: Kind): Promise<{ status: number; body: unknown }> {
  const input = encodeURIComponent(JSON.stringify({ tenant: town.slug }));
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${api.url}/trpc/${kind}?input=${input}`,
      { agent, headers: { authorization: `Bearer ${town.token}`, 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

/** Every id- and name-bearing value in an answer that points at some town's row. */
function foreignRows(town: Town, answer: unknown): string[] {
  const found: string[] = [];
  const others = towns.filter((t) => t !== town);
  const text = JSON.stringify(answer);
  for (const other of others) {
    if (
      text.includes(other.id) ||
      text.includes(`"${other.slug}"`) ||
      text.includes(`Hub ${other.slug} `) ||
      [...other.hubIds].some((h) => text.includes(h))
    )
      found.push(other.slug);
  }
  return found;
}

describe('pool cross-talk', () => {
  it(`answers ${REQUESTS} requests of ${TOWNS} towns, ${CONCURRENCY} at a time on ${POOL} connections, each with its own town only`, async () => {
    let next = 0;
    let leaks = 0;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const worker = async () => {
      for (;;) {
        const n = next++;
        if (n >= REQUESTS) return;
        const town = towns[n % TOWNS]!;
        const kind = KINDS[(n * 7) % KINDS.length]!;
        const answer = await request(town, kind);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status !== 200)
          failures.push(`${kind} ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
        const foreign = foreignRows(town, answer.body);
        if (foreign.length > 0) {
          leaks += 1;
          failures.push(`${kind} for ${town.slug} contained ${foreign.join(',')}`);
        }
        // Own rows really are there: an empty answer would prove nothing.
        if (
          answer.status === 200 &&
          !JSON.stringify(answer.body).includes([...town.hubIds][0]!) &&
          !JSON.stringify(answer.body).includes([...town.hubIds][1]!)
        ) {
          failures.push(`${kind} for ${town.slug} lacks its own hubs`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(
      `pool cross-talk: ${next - CONCURRENCY} requests for ${TOWNS} towns answered, statuses ${JSON.stringify([...statuses])}`,
    );
    expect(leaks).toBe(0);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(statuses.get(200)).toBe(REQUESTS);

    // This database only: other test workers' databases share the server (and its pg_stat_activity).
    const stuck = await superuser.query(
      `SELECT pid, state, query FROM pg_stat_activity WHERE datname = current_database() AND usename = 'hubwerk_app' AND state LIKE 'idle in transaction%'`,
    );
    expect(stuck.rows).toEqual([]);
  }, 300_000);
});
