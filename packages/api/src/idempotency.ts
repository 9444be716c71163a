import { Prisma, type PlatformTx } from '@hubwerk/db';

/**
 * Claims an idempotency key inside the caller's transaction. A concurrent
 * claim of the same key waits on the primary key until the first
 * transaction ends: if that one committed, the waiter gets its stored result;
 * if it rolled back, the waiter does the work itself.
 */
export async function claimIdempotencyKey(tx: PlatformTx, key: string, operation: string): Promise<{ claimed: true } | { claimed: false; result: Prisma.JsonValue }> {
  const inserted = await tx.$executeRaw`
    INSERT INTO "IdempotencyKey" (key, operation, result) VALUES (${key}, ${operation}, '{}'::jsonb)
    ON CONFLICT (key) DO NOTHING`;
  if (inserted === 1) return { claimed: true };
  const existing = await tx.idempotencyKey.findUniqueOrThrow({ where: { key } });
  if (existing.operation !== operation) return { claimed: false, result: null };
  return { claimed: false, result: existing.result };
}

export async function storeIdempotentResult(tx: PlatformTx, key: string, result: Prisma.InputJsonValue) {
  await tx.idempotencyKey.update({ where: { key }, data: { result } });
}

/** True for a unique violation on the given column(s), e.g. ['ags']. */
export function isUniqueViolation(error: unknown, field: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  const meta = error.meta as { target?: string[] | string; driverAdapterError?: { cause?: { constraint?: { fields?: string[] } } } } | undefined;
  const fields = meta?.driverAdapterError?.cause?.constraint?.fields ?? (Array.isArray(meta?.target) ? meta.target : [meta?.target ?? '']);
  return fields.some((f) => f.replaceAll('"', '') === field);
}
