import { createHash } from 'node:crypto';
import { Prisma, type PlatformTx } from '@hubwerk/db';
import { DomainError } from './errors.ts';
import type { Ctx } from './routers/spaces/spaces.service.ts';

/*
 * Idempotency keys (docs/decisions/033): a create a client may retry carries
 * a key (a UUID the client makes once per attempt to do one thing, e.g. per
 * rendered form). The first request records the key with what it made, in its
 * own transaction; a later request with the key gets that back instead of
 * doing the work again. Platform creates (onboarding a town, registering a
 * partner) record in the global "IdempotencyKey" table through the platform
 * client (`idempotently`); a town's creates (bookings, series, public
 * requests) in its own "TenantIdempotencyKey" rows under the town's scope
 * (`tenantIdempotency`). Either way the same key with other input is refused
 * with `errors.idempotencyKeyReused` on the field `idempotencyKey`.
 */

/** The translated refusal of a key that was already used for something else. */
export const idempotencyKeyReused = () =>
  new DomainError('BAD_REQUEST', 'errors.idempotencyKeyReused', {
    idempotencyKey: ['errors.idempotencyKeyReused'],
  });

/**
 * Claims an idempotency key inside the caller's transaction. A concurrent
 * claim of the same key waits on the primary key until the first
 * transaction ends: if that one committed, the waiter gets its stored result;
 * if it rolled back, the waiter does the work itself.
 */
export async function claimIdempotencyKey(
  tx: PlatformTx,
  key: string,
  operation: string,
): Promise<{ claimed: true } | { claimed: false; result: Prisma.JsonValue }> {
  const inserted = await tx.$executeRaw`
    INSERT INTO "IdempotencyKey" (key, operation, result) VALUES (${key}, ${operation}, '{}'::jsonb)
    ON CONFLICT (key) DO NOTHING`;
  if (inserted === 1) return { claimed: true };
  const existing = await tx.idempotencyKey.findUniqueOrThrow({ where: { key } });
  if (existing.operation !== operation) return { claimed: false, result: null };
  return { claimed: false, result: existing.result };
}

/**
 * Runs `work` once per key: a repeated (or concurrent) request with the same
 * key gets `replay` of the record the first one stored. The record must not
 * hold secrets — it lives in the database.
 */
export async function idempotently<R extends object, T>(
  tx: PlatformTx,
  key: string,
  operation: string,
  work: () => Promise<{ result: T; record: R }>,
  replay: (record: R) => Promise<T>,
): Promise<T> {
  const claim = await claimIdempotencyKey(tx, key, operation);
  if (!claim.claimed) {
    const record = claim.result as R | null;
    if (!record || Object.keys(record).length === 0) throw idempotencyKeyReused();
    return replay(record);
  }
  const { result, record } = await work();
  await storeIdempotentResult(tx, key, record as unknown as Prisma.InputJsonValue);
  return result;
}

async function storeIdempotentResult(tx: PlatformTx, key: string, result: Prisma.InputJsonValue) {
  await tx.idempotencyKey.update({ where: { key }, data: { result } });
}

/** True for a unique violation involving `field` (by constraint fields or Prisma's index name `<Model>_…_<field>_key`). */
export function isUniqueViolation(error: unknown, field: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  const meta = error.meta as
    | { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } } }
    | undefined;
  const constraint = meta?.driverAdapterError?.cause?.constraint;
  const fields = constraint?.fields ?? (Array.isArray(meta?.target) ? (meta.target as string[]) : []);
  if (fields.some((f) => f.replaceAll('"', '') === field)) return true;
  return constraint?.index?.endsWith(`_${field}_key`) ?? false;
}

/** sha256 over who asks and what (stable key order; Dates as ISO strings): the same request gives the same print. */
export function requestFingerprint(operation: string, callerId: string | null, input: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([operation, callerId, canonical(input)]))
    .digest('hex');
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

export interface TenantIdempotency {
  key: string;
  operation: string;
  fingerprint: string;
}

/** The statement a town's create adds to its own transaction: the key, recorded with the id of what it makes. */
export const RECORD_TENANT_KEY_SQL = `
  INSERT INTO "TenantIdempotencyKey" ("tenantId", key, operation, fingerprint, "resultId") VALUES ($1, $2, $3, $4, $5)`;

export function recordTenantKeyValues(tenantId: string, idempotency: TenantIdempotency, resultId: string): unknown[] {
  return [tenantId, idempotency.key, idempotency.operation, idempotency.fingerprint, resultId];
}

/** The id an earlier request with this key made, or null; a key used for other input is refused. */
export async function earlierResult(
  db: Pick<Ctx['db'], 'tenantIdempotencyKey'>,
  tenantId: string,
  idempotency: TenantIdempotency,
): Promise<string | null> {
  const earlier = await db.tenantIdempotencyKey.findFirst({ where: { tenantId, key: idempotency.key } });
  if (!earlier) return null;
  if (earlier.operation !== idempotency.operation || earlier.fingerprint !== idempotency.fingerprint)
    throw idempotencyKeyReused();
  return earlier.resultId;
}

/**
 * A town's create, once per key. `create` must record the key with the id of
 * what it makes (RECORD_TENANT_KEY_SQL, or `tenantIdempotencyKey.create`) in
 * its own transaction; `replay` answers with that id. Without a key, `create`
 * just runs. A retry after a committed first attempt finds the key before
 * doing anything; a concurrent twin fails on the key (or on the slot the first
 * took) and then finds it too.
 */
export async function tenantIdempotently<T>(
  ctx: Pick<Ctx, 'db' | 'tenant'>,
  idempotency: TenantIdempotency | null,
  create: (idempotency: TenantIdempotency | null) => Promise<T>,
  replay: (resultId: string) => Promise<T>,
): Promise<T> {
  if (!idempotency) return create(null);
  const before = await earlierResult(ctx.db, ctx.tenant.id, idempotency);
  if (before) return replay(before);
  try {
    return await create(idempotency);
  } catch (error) {
    const after = await earlierResult(ctx.db, ctx.tenant.id, idempotency);
    if (after) return replay(after);
    throw error;
  }
}
