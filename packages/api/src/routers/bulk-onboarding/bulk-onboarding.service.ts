/**
 * Bulk onboarding (docs/decisions/034): the provider uploads a file of
 * towns; a job on the queue (jobs/bulk-onboarding.ts) onboards it row by
 * row after this answer, and the report page polls its progress.
 */
import { oneOf } from '@hubwerk/domain';
import type { Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { toApiEnum } from '../../schemas.ts';
import type { BulkOnboardingJob } from '../../jobs/bulk-onboarding.ts';
import { QUEUES } from '../../jobs/queue.ts';
import { currentRegister } from '../../register/register.ts';
import { parseBulkFile } from './bulk-file.ts';

/** An upload that has not moved for this long lost its job (the queue retries a dead worker's job long before); uploading the file again carries on. */
export const BULK_STALE_AFTER_MS = 10 * 60_000;

type Ctx = Context & { session: { userId: string } };

export async function startBulkOnboarding(ctx: Ctx, input: { csv: string; fileName: string }) {
  const rows = parseBulkFile(input.csv);
  const created = await ctx.platform.run(
    async (tx) => {
      // Every row would be refused: say so once, before a job is made.
      if (!(await currentRegister(tx)))
        throw new DomainError('BAD_REQUEST', 'errors.register.missing', { csv: ['errors.register.missing'] });
      const bulk = await tx.bulkOnboarding.create({
        data: { requestedById: ctx.session.userId, fileName: input.fileName, total: rows.length },
        select: { id: true },
      });
      await tx.bulkOnboardingRow.createMany({ data: rows.map((r) => ({ bulkId: bulk.id, ...r })) });
      return bulk;
    },
    (bulk) => ({
      action: 'bulkOnboarding.started',
      actorUserId: ctx.session.userId,
      targetType: 'BulkOnboarding',
      targetId: bulk.id,
      requestId: ctx.requestId,
      data: { fileName: input.fileName, rows: rows.length },
    }),
  );
  // After the rows committed: a job never points at an upload that does not exist. Should the send fail,
  // the upload reads as interrupted once stale; uploading the file again carries on.
  const job: BulkOnboardingJob = { bulkId: created.id, userId: ctx.session.userId };
  await ctx.jobs.send(QUEUES.bulkOnboarding.name, job, { singletonKey: created.id });
  return { id: created.id };
}

/** The job and its report (a read of the provider's own record: not audited, it is polled). */
export async function getBulkOnboarding(ctx: Ctx, input: { id: string }) {
  const bulk = await ctx.platform.run(
    (tx) =>
      tx.bulkOnboarding.findUnique({
        where: { id: input.id },
        include: { rows: { orderBy: { line: 'asc' } } },
      }),
    () => null,
  );
  if (!bulk) throw notFound();
  const running = bulk.status === 'QUEUED' || bulk.status === 'RUNNING';
  const stale = running && Date.now() - bulk.updatedAt.getTime() > BULK_STALE_AFTER_MS;
  return {
    id: bulk.id,
    fileName: bulk.fileName,
    status: stale ? ('interrupted' as const) : toApiEnum(oneOf('BulkOnboardingStatus', bulk.status)),
    total: bulk.total,
    processed: bulk.processed,
    createdAt: bulk.createdAt.toISOString(),
    finishedAt: bulk.finishedAt?.toISOString() ?? null,
    rows: bulk.rows.map((r) => ({
      line: r.line,
      ags: r.ags,
      hubName: r.hubName,
      adminEmail: r.adminEmail,
      outcome: toApiEnum(oneOf('BulkOnboardingOutcome', r.outcome)),
      reasonKey: r.reasonKey,
      reasonField: r.reasonField,
      reasonParams: (r.reasonParams as Record<string, string> | null) ?? null,
      tenantId: r.townId,
    })),
  };
}
