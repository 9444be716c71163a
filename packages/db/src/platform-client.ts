import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Prisma } from './generated/client.ts';
import type { PoolStats } from './app-client.ts';
import { currentScope } from './scope.ts';

/**
 * The provider's cross-tenant client. It connects as hubwerk_platform, the
 * one role with BYPASSRLS, so it is the only code that can read or write
 * across towns. It is deliberately hard to use casually: the only entry
 * point is `run`, which commits the work together with an AuditEvent
 * naming who used it and why.
 */
export interface AuditEntry {
  action: string;
  actorUserId: string | null;
  tenantId?: string | null;
  targetType?: string;
  targetId?: string;
  reason?: string;
  data?: Prisma.InputJsonValue;
  requestId?: string | null;
  /** Defaults to the caller's support session (ADR 011), if the work runs in one. */
  supportSessionId?: string | null;
}

export type PlatformTx = Prisma.TransactionClient;

export interface PlatformClientOptions {
  url: string;
  poolSize?: number;
}

export function createPlatformClient(options: PlatformClientOptions) {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 4,
    application_name: 'hubwerk-platform',
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });

  return {
    /**
     * Runs `work` in one transaction on the platform client and records the
     * audit entry in the same transaction: no work without its entry.
     * `audit` may depend on the result (e.g. the id of a town just created).
     */
    async run<T>(
      work: (tx: PlatformTx) => Promise<T>,
      // null: the work touched nothing (a poll of an empty queue), so there is nothing to audit.
      audit: AuditEntry | ((result: T) => AuditEntry | null),
      options: { isolationLevel?: Prisma.TransactionIsolationLevel; timeout?: number } = {},
    ): Promise<T> {
      return prisma.$transaction(
        async (tx) => {
          const result = await work(tx);
          const entry = typeof audit === 'function' ? audit(result) : audit;
          if (entry) await writeAuditEntry(tx, entry);
          return result;
        },
        { maxWait: 5_000, timeout: 15_000, ...options },
      );
    },
    /** Connections of the pool and requests waiting for one: for the metrics endpoint. */
    poolStats(): PoolStats {
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: options.poolSize ?? 4 };
    },
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

export type PlatformClient = ReturnType<typeof createPlatformClient>;

/**
 * Records `entry`: in its town's log (AuditEvent, a tenant table) or, for an
 * entry of no town, in the platform's (PlatformAuditEvent, a global table;
 * docs/decisions/030).
 */
export async function writeAuditEntry(tx: PlatformTx, entry: AuditEntry): Promise<void> {
  const row = toPlatformAuditRow(entry);
  if (entry.tenantId) {
    await tx.auditEvent.create({
      data: {
        ...row,
        tenantId: entry.tenantId,
        // The platform role sets no scope in the database: carry the caller's support session over explicitly.
        supportSessionId: entry.supportSessionId ?? currentScope()?.supportSessionId ?? null,
      },
    });
  } else {
    await tx.platformAuditEvent.create({ data: row });
  }
}

function toPlatformAuditRow(entry: AuditEntry): Prisma.PlatformAuditEventUncheckedCreateInput {
  return {
    action: entry.action,
    actorUserId: entry.actorUserId,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    reason: entry.reason ?? null,
    data: entry.data,
    requestId: entry.requestId ?? null,
  };
}
