/**
 * One way of answering "list the hubs of town X (≤ 50 rows)", as a tiny HTTP
 * server, so the benchmark can load each way alike. Started as a child
 * process by tenant-scope.bench.ts: argv[2] names the variant; it prints
 * `PORT <n>` when listening.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrismaPg } from '@prisma/adapter-pg';
import type * as DbModule from '@hubwerk/db';
import { createAppClient, PrismaClient, runInScope } from '@hubwerk/db';
import pg from 'pg';

const variant = process.argv[2];
const POOL = Number(process.env.BENCH_POOL_SIZE ?? 10);
const appUrl = process.env.DATABASE_URL!;
const bypassUrl = process.env.PLATFORM_DATABASE_URL!;

type ListHubs = (tenantId: string) => Promise<unknown>;

async function variantHandler(): Promise<ListHubs> {
  switch (variant) {
    case 'pg': {
      // The data path's limit: no ORM, no RLS (bypass role).
      const pool = new pg.Pool({ connectionString: bypassUrl, max: POOL });
      return async (tenantId) =>
        (await pool.query('SELECT * FROM "Hub" WHERE "tenantId" = $1 ORDER BY name, id LIMIT 50', [tenantId])).rows;
    }
    case 'prisma-unscoped': {
      const prisma = new PrismaClient({
        adapter: new PrismaPg(new pg.Pool({ connectionString: bypassUrl, max: POOL })),
      });
      return (tenantId) =>
        prisma.hub.findMany({ where: { tenantId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: 50 });
    }
    case 'prisma-batch-tx': {
      // The pattern of Prisma's row-level-security extension example.
      const prisma = new PrismaClient({ adapter: new PrismaPg(new pg.Pool({ connectionString: appUrl, max: POOL })) });
      return async (tenantId) => {
        const [, hubs] = await prisma.$transaction([
          prisma.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, true)`,
          prisma.hub.findMany({ where: { tenantId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: 50 }),
        ]);
        return hubs;
      };
    }
    case 'hubwerk-wire':
    case 'hubwerk-public': {
      // Exactly how the API's tenant tier runs it (packages/db).
      const db = createAppClient({
        url: appUrl,
        poolSize: POOL,
        transport: variant === 'hubwerk-wire' ? 'wire' : 'public',
      });
      return (tenantId) =>
        runInScope({ tenantId, userId: null }, () =>
          db.hub.findMany({ where: { tenantId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: 50 }),
        );
    }
    case 'hubwerk-baseline': {
      // Another checkout's tenant client (--baseline), e.g. the code before a change, in the same run.
      const baseline = (await import(process.env.BENCH_BASELINE_DB!)) as Pick<
        typeof DbModule,
        'createAppClient' | 'runInScope'
      >;
      const db = baseline.createAppClient({ url: appUrl, poolSize: POOL });
      return (tenantId) =>
        baseline.runInScope({ tenantId, userId: null }, () =>
          db.hub.findMany({ where: { tenantId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: 50 }),
        );
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const listHubs = await variantHandler();
let answered = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    // CPU this process spent (µs) and hubs requests answered: the benchmark
    // divides their growth over a load run, a cost per request that other
    // processes on a shared machine distort far less than req/s.
    const cpu = process.cpuUsage();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cpuMicros: cpu.user + cpu.system, answered }));
    return;
  }
  const tenantId = new URL(req.url ?? '/', 'http://x').searchParams.get('town') ?? '';
  listHubs(tenantId).then(
    (rows) => {
      answered += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(rows));
    },
    (error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    },
  );
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
