/**
 * The bulk onboarding job (docs/decisions/034): onboards the pending rows of
 * one upload, one after the other, each through the same service as the
 * single onboarding form (one transaction per row: a town with its hub, its
 * first admin's invitation mail and its audit entries, or nothing). A plain
 * function of the job's id, so any scheduler can run it; running it again
 * continues with the rows still pending, and a row whose AGS is already a
 * town reports "already onboarded" instead of onboarding it twice.
 */
import { randomUUID } from 'node:crypto';
import { checkAgs } from '@hubwerk/domain';
import type { PlatformTx } from '@hubwerk/db';
import type { Logger } from 'pino';
import { createContext, type ApiDependencies, type Context } from '../context.ts';
import { DomainError } from '../errors.ts';
import { email as emailSchema, id as idSchema, name as nameSchema } from '../schemas.ts';
import { currentRegister, findMunicipality, townName } from '../register/register.ts';

/**
 * Onboarding one town, as the single onboarding form does it (tenants.service's
 * onboardTown): handed in by the scheduler, since jobs sit below the routers.
 */
export type OnboardTown = (
  ctx: Context & { session: { userId: string } },
  input: {
    name: string;
    ags: string;
    bundesland: string;
    partnerId: string | null;
    hubName: string;
    adminEmail: string;
    idempotencyKey: string;
  },
) => Promise<{ tenant: { id: string } }>;

export interface BulkOnboardingJob {
  bulkId: string;
  /** The provider's admin who uploaded the file: the actor of every town's audit trail. */
  userId: string;
}

type Outcome =
  | { outcome: 'CREATED' | 'EXISTS'; tenantId: string }
  | { outcome: 'REFUSED'; reasonKey: string; reasonField: string | null; reasonParams?: Record<string, string> };

const refused = (reasonField: string | null, reasonKey: string, reasonParams?: Record<string, string>): Outcome => ({
  outcome: 'REFUSED',
  reasonKey,
  reasonField,
  ...(reasonParams ? { reasonParams } : {}),
});

const untouched = () => null;

/** The job could not finish (its retries ran out, or it failed outright): the report says so; the rows done stay done. */
export async function markBulkOnboardingFailed(
  deps: Pick<ApiDependencies, 'platform'> & { logger: Logger },
  job: BulkOnboardingJob,
  error: unknown,
): Promise<void> {
  deps.logger.error({ err: error, bulkId: job.bulkId }, 'bulk onboarding failed');
  await deps.platform.run(
    (tx) => tx.bulkOnboarding.update({ where: { id: job.bulkId }, data: { status: 'FAILED' } }),
    untouched,
  );
}

export async function runBulkOnboarding(
  deps: ApiDependencies,
  job: BulkOnboardingJob,
  onboardTown: OnboardTown,
): Promise<void> {
  const { platform } = deps;
  const rows = await platform.run(async (tx) => {
    await tx.bulkOnboarding.update({ where: { id: job.bulkId }, data: { status: 'RUNNING' } });
    return tx.bulkOnboardingRow.findMany({
      where: { bulkId: job.bulkId, outcome: 'PENDING' },
      orderBy: { line: 'asc' },
    });
  }, untouched);

  for (const row of rows) {
    const requestId = `bulk-${job.bulkId}-${row.line}`;
    let result: Outcome;
    try {
      result = await onboardRow(deps, job, row, requestId, onboardTown);
    } catch (error) {
      // A fault of this row alone (not a refusal we can name): report it, log it, carry on with the next.
      deps.logger.error({ err: error, bulkId: job.bulkId, line: row.line }, 'bulk onboarding row failed');
      result = refused(null, 'errors.bulk.rowFailed');
    }
    await platform.run(async (tx) => {
      await tx.bulkOnboardingRow.update({
        where: { bulkId_line: { bulkId: job.bulkId, line: row.line } },
        data:
          result.outcome === 'REFUSED'
            ? {
                outcome: 'REFUSED',
                reasonKey: result.reasonKey,
                reasonField: result.reasonField,
                ...(result.reasonParams ? { reasonParams: result.reasonParams } : {}),
              }
            : { outcome: result.outcome, townId: result.tenantId },
      });
      await tx.bulkOnboarding.update({ where: { id: job.bulkId }, data: { processed: { increment: 1 } } });
    }, untouched);
  }

  await platform.run(
    (tx) => tx.bulkOnboarding.update({ where: { id: job.bulkId }, data: { status: 'DONE', finishedAt: new Date() } }),
    () => ({
      action: 'bulkOnboarding.finished',
      actorUserId: job.userId,
      targetType: 'BulkOnboarding',
      targetId: job.bulkId,
    }),
  );
}

interface PendingRow {
  ags: string;
  name: string;
  hubName: string;
  adminEmail: string;
  partner: string;
}

async function onboardRow(
  deps: ApiDependencies,
  job: BulkOnboardingJob,
  row: PendingRow,
  requestId: string,
  onboardTown: OnboardTown,
): Promise<Outcome> {
  const agsProblem = checkAgs(row.ags);
  if (agsProblem) return refused('ags', `validation.ags.${agsProblem}`);
  const looked = await deps.platform.run(async (tx) => {
    const [register, municipality, existing, partner] = await Promise.all([
      currentRegister(tx),
      findMunicipality(tx, row.ags),
      tx.tenant.findFirst({ where: { ags: row.ags }, select: { id: true } }),
      findPartner(tx, row.partner),
    ]);
    return { register, municipality, existing, partner };
  }, untouched);
  if (looked.existing) return { outcome: 'EXISTS', tenantId: looked.existing.id };
  if (!looked.register) return refused('ags', 'errors.register.missing');
  if (!looked.municipality)
    return refused('ags', 'errors.tenant.agsNotInRegister', { date: looked.register.effectiveDate });

  const name = nameSchema.safeParse(row.name === '' ? townName(looked.municipality.name) : row.name);
  if (!name.success) return refused('name', name.error.issues[0]?.message ?? 'validation.invalid');
  const hubName = nameSchema.safeParse(row.hubName);
  if (!hubName.success) return refused('hubName', hubName.error.issues[0]?.message ?? 'validation.invalid');
  const adminEmail = emailSchema.safeParse(row.adminEmail);
  if (!adminEmail.success) return refused('adminEmail', adminEmail.error.issues[0]?.message ?? 'validation.email');
  if (looked.partner === undefined) return refused('partner', 'errors.partner.unknown');

  const ctx = {
    ...createContext(deps, { requestId, sessionToken: null, userAgent: null, log: {} }),
    session: { userId: job.userId },
  };
  try {
    const { tenant } = await onboardTown(ctx, {
      name: name.data,
      ags: row.ags,
      bundesland: looked.municipality.land,
      partnerId: looked.partner,
      hubName: hubName.data,
      adminEmail: adminEmail.data,
      idempotencyKey: randomUUID(),
    });
    return { outcome: 'CREATED', tenantId: tenant.id };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const [field, keys] = Object.entries(error.fieldErrors ?? {})[0] ?? [null, []];
    // Onboarded by someone else between our look and our insert (another upload of the same file).
    if (keys[0] === 'errors.tenant.agsTaken') {
      const town = await deps.platform.run(
        (tx) => tx.tenant.findFirst({ where: { ags: row.ags }, select: { id: true } }),
        untouched,
      );
      if (town) return { outcome: 'EXISTS', tenantId: town.id };
    }
    return refused(field, keys[0] ?? error.messageKey, error.params);
  }
}

/** An IT partner by id or by exact name (any letter case); null for none, undefined when there is no such partner. */
async function findPartner(tx: PlatformTx, reference: string): Promise<string | null | undefined> {
  if (reference === '') return null;
  const where = idSchema.safeParse(reference).success
    ? { id: reference }
    : { name: { equals: reference, mode: 'insensitive' as const } };
  const partners = await tx.partner.findMany({
    where: { ...where, kind: 'IT_PARTNER' },
    select: { id: true },
    take: 2,
  });
  // Two partners of the same name: the file must name one by its id.
  return partners.length === 1 ? partners[0]!.id : undefined;
}
