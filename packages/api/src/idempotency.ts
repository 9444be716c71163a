import { Prisma, type PlatformTx } from '@hubwerk/db';
import { DomainError } from './errors.ts';

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
    if (!record || Object.keys(record).length === 0) throw new DomainError('CONFLICT', 'errors.idempotencyKeyReused');
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
