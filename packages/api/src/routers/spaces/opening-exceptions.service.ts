import { subject } from '@hubwerk/auth';
import { hhmmToMinutes } from '@hubwerk/domain';
import { DomainError, notFound } from '../../errors.ts';
import { getOpeningHours, type Ctx, type Db } from './spaces.service.ts';
import { publicHolidays } from './public-holidays.ts';

const forbidden = () => new DomainError('FORBIDDEN', 'errors.forbidden');

async function configurableHub(ctx: Ctx, tx: Db, hubId: string, action: 'create' | 'update') {
  const hub = await tx.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  if (ctx.ability.cannot(action, subject('OpeningException', { tenantId: ctx.tenant.id, hubId: hub.id } as never)))
    throw forbidden();
  return hub;
}

/**
 * "Feiertage {year} übernehmen": a closed day for every public holiday of the
 * town's Bundesland in `year`. Idempotent: a date that already has an entry
 * (an earlier import, a closing day, special hours set by hand) is left as
 * it is, so importing twice creates nothing the second time.
 */
export async function importHolidays(ctx: Ctx, input: { hubId: string; year: number }) {
  const holidays = publicHolidays(ctx.tenant.bundesland, input.year);
  const created = await ctx.db.$transaction(async (tx) => {
    const hub = await configurableHub(ctx, tx, input.hubId, 'create');
    const { count } = await tx.openingException.createMany({
      data: holidays.map((h) => ({
        tenantId: ctx.tenant.id,
        hubId: hub.id,
        date: new Date(`${h.date}T00:00:00Z`),
        note: h.name,
        holiday: true,
      })),
      skipDuplicates: true,
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'hub.holidaysImported',
        targetType: 'Hub',
        targetId: hub.id,
        requestId: ctx.requestId,
        data: { year: input.year, bundesland: ctx.tenant.bundesland, holidays: holidays.length, created: count },
      },
    });
    return count;
  });
  return {
    year: input.year,
    holidays: holidays.length,
    created,
    hours: await getOpeningHours(ctx, { hubId: input.hubId }),
  };
}

/** Special (e.g. shortened) hours for one date; they replace the weekly hours of that date. */
export async function setSpecialHours(
  ctx: Ctx,
  input: { hubId: string; date: string; opensAt: string; closesAt: string; note: string | null },
) {
  const opensAt = hhmmToMinutes(input.opensAt);
  const closesAt = hhmmToMinutes(input.closesAt);
  // A rule between the two fields names both (either may be the wrong one).
  if (opensAt >= closesAt)
    throw new DomainError('BAD_REQUEST', 'errors.invalidInput', {
      opensAt: ['validation.openingHours.closesBeforeOpens'],
      closesAt: ['validation.openingHours.closesBeforeOpens'],
    });
  await ctx.db.$transaction(async (tx) => {
    const hub = await configurableHub(ctx, tx, input.hubId, 'update');
    const date = new Date(`${input.date}T00:00:00Z`);
    await tx.openingException.upsert({
      where: { tenantId_hubId_date: { tenantId: ctx.tenant.id, hubId: hub.id, date } },
      create: { tenantId: ctx.tenant.id, hubId: hub.id, date, note: input.note, opensAt, closesAt },
      update: { note: input.note, opensAt, closesAt, holiday: false },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'hub.specialHoursSet',
        targetType: 'Hub',
        targetId: hub.id,
        requestId: ctx.requestId,
        data: { date: input.date, opensAt: input.opensAt, closesAt: input.closesAt, note: input.note },
      },
    });
  });
  return getOpeningHours(ctx, { hubId: input.hubId });
}
