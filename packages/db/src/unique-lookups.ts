/**
 * Prisma batches concurrent `findUnique` calls into one query (its
 * dataloader), even when they come from different requests. The batch then
 * runs in the async context — and so under the tenant scope — of whichever
 * request came first, so town B could be answered with town A's rows. The
 * tenant client therefore runs every unique lookup as the equivalent
 * `findFirst`, which Prisma never batches.
 *
 * Compound unique selectors (`tenantId_slug: { tenantId, slug }`) are
 * flattened; they use Prisma's default names, which join the field names
 * with `_` (a schema convention, see prisma/schema.prisma).
 */
export function uniqueWhereToFilter(where: Record<string, unknown>): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(where)) {
    if (isCompoundSelector(key, value)) Object.assign(filter, value);
    else filter[key] = value;
  }
  return filter;
}

function isCompoundSelector(key: string, value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return false;
  const fields = Object.keys(value);
  return fields.length > 1 && fields.join('_') === key;
}
