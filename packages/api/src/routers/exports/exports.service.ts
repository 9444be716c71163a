/**
 * DSGVO data export of a town (docs/decisions/016): town admins and the
 * provider's admins queue an export, watch its progress and download the ZIP
 * — only the user who asked for it, only until it expires. Works while the
 * town is read-only (tier exemption in trpc.ts): taking one's data out is a
 * right, not a change.
 */
import { oneOf } from '@hubwerk/domain';
import type { Actor, AppAbility } from '@hubwerk/auth';
import type { Tenant, TenantExport } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { toApiEnum } from '../../schemas.ts';
import { type ExportJob, STALE_AFTER_MS } from '../../jobs/exports/export-job.ts';
import { QUEUES } from '../../jobs/queue.ts';

type TenantCtx = Context & { session: { userId: string }; actor: Actor; tenant: Tenant; ability: AppAbility };

/** Bytes per download call: the admin app streams the archive to the browser chunk by chunk. */
export const DOWNLOAD_CHUNK_BYTES = 1024 * 1024;

/** The town's admins (the controller under DSGVO) and the provider's admins (its processor). */
function canExport(ctx: TenantCtx): boolean {
  return (
    ctx.actor.platformRole === 'platform-admin' ||
    ctx.actor.tenantRoles.some((r) => r.tenantId === ctx.tenant.id && r.role === 'town-admin')
  );
}

const forbidden = () => new DomainError('FORBIDDEN', 'errors.forbidden');
const listed = {
  id: true,
  status: true,
  progress: true,
  step: true,
  errorKey: true,
  createdAt: true,
  updatedAt: true,
  finishedAt: true,
  expiresAt: true,
  sizeBytes: true,
} as const;
type Listed = Pick<TenantExport, keyof typeof listed>;

function toItem(row: Listed, now: Date) {
  // A job that stopped moving died with its process: it will not finish.
  const stale =
    (row.status === 'QUEUED' || row.status === 'RUNNING') && now.getTime() - row.updatedAt.getTime() > STALE_AFTER_MS;
  return {
    id: row.id,
    status: stale ? ('failed' as const) : toApiEnum(oneOf('TenantExportStatus', row.status)),
    progress: row.progress,
    step: stale ? null : row.step,
    errorKey: stale ? 'errors.export.interrupted' : row.errorKey,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    sizeBytes: row.sizeBytes,
    downloadable: row.status === 'READY' && row.expiresAt !== null && row.expiresAt > now,
  };
}

async function audit(ctx: TenantCtx, action: string, exportId: string) {
  await ctx.db.auditEvent.create({
    data: {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.session.userId,
      action,
      targetType: 'TenantExport',
      targetId: exportId,
      requestId: ctx.requestId,
    },
  });
}

/** Queues an export (or returns the caller's export still in progress); a job runs it after this answer. */
export async function startExport(ctx: TenantCtx) {
  if (!canExport(ctx)) throw forbidden();
  const now = new Date();
  const tenantId = ctx.tenant.id;
  // Expired archives leave the database; the job rows stay as a record.
  await ctx.db.tenantExport.updateMany({
    where: { tenantId, expiresAt: { lt: now }, archive: { not: null } },
    data: { archive: null },
  });
  const running = await ctx.db.tenantExport.findFirst({
    where: {
      tenantId,
      requestedById: ctx.session.userId,
      status: { in: ['QUEUED', 'RUNNING'] },
      updatedAt: { gt: new Date(now.getTime() - STALE_AFTER_MS) },
    },
    select: { id: true },
  });
  if (running) return { id: running.id };
  const created = await ctx.db.tenantExport.create({
    data: { tenantId, requestedById: ctx.session.userId },
    select: { id: true },
  });
  await audit(ctx, 'export.started', created.id);
  const job: ExportJob = { tenantId, exportId: created.id, userId: ctx.session.userId };
  // After the row committed: a job never points at an export that does not exist. Should the send
  // fail, the row stays QUEUED and reads as interrupted once stale; asking again makes a new one.
  await ctx.jobs.send(QUEUES.exports.name, job);
  return { id: created.id };
}

/** The caller's own exports of this town, newest first (keyset by id). */
export async function listExports(ctx: TenantCtx, input: { cursor?: string | undefined; limit: number }) {
  if (!canExport(ctx)) throw forbidden();
  const rows = await ctx.db.tenantExport.findMany({
    where: { tenantId: ctx.tenant.id, requestedById: ctx.session.userId },
    orderBy: { id: 'desc' },
    // A cursor that is not a row of this town (RLS) gives an empty page, like a made-up one.
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
    take: input.limit + 1,
    select: listed,
  });
  const now = new Date();
  const items = rows.slice(0, input.limit).map((r) => toItem(r, now));
  return { items, nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null };
}

async function ownExport(ctx: TenantCtx, exportId: string) {
  if (!canExport(ctx)) throw forbidden();
  // Another user's export, another town's (RLS) or none: the same "not found".
  const row = await ctx.db.tenantExport.findFirst({
    where: { tenantId: ctx.tenant.id, id: exportId, requestedById: ctx.session.userId },
    select: listed,
  });
  if (!row) throw notFound();
  return row;
}

export async function getExport(ctx: TenantCtx, input: { exportId: string }) {
  return toItem(await ownExport(ctx, input.exportId), new Date());
}

/** One chunk of the archive (base64); the admin app streams the chunks as one file. */
export async function downloadExport(ctx: TenantCtx, input: { exportId: string; offset: number }) {
  const row = await ownExport(ctx, input.exportId);
  const item = toItem(row, new Date());
  if (!item.downloadable || row.sizeBytes === null)
    throw new DomainError('NOT_FOUND', row.status === 'READY' ? 'errors.export.expired' : 'errors.export.notReady');
  if (input.offset > row.sizeBytes)
    throw new DomainError('BAD_REQUEST', 'errors.invalidInput', { offset: ['validation.invalid'] });
  // substring on bytea: only this chunk leaves the database (1-based).
  const [chunk] = await ctx.db.$queryRaw<Array<{ bytes: Uint8Array | null }>>`
    SELECT substring(archive FROM ${input.offset + 1}::int FOR ${DOWNLOAD_CHUNK_BYTES}::int) AS bytes
    FROM "TenantExport" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND id = ${row.id}::uuid`;
  if (!chunk?.bytes) throw new DomainError('NOT_FOUND', 'errors.export.expired');
  if (input.offset === 0) await audit(ctx, 'export.downloaded', row.id);
  const bytes = Buffer.from(chunk.bytes);
  const next = input.offset + bytes.length;
  return {
    fileName: `datenexport-${ctx.tenant.slug}-${row.createdAt.toISOString().slice(0, 10)}.zip`,
    sizeBytes: row.sizeBytes,
    chunkBase64: bytes.toString('base64'),
    nextOffset: next < row.sizeBytes ? next : null,
  };
}
