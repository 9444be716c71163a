import { type AppAbility, subject } from '@hubwerk/auth';
import type { Booking, Desk, Hub, Prisma, Space, Tenant } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../idempotency.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import { hhmmToMinutes, minutesToHhmm, oneOf } from '@hubwerk/domain';
import { type BookingRules, DEFAULT_RULES, type SPACE_KINDS } from './spaces.schemas.ts';

export type Ctx = Context & { session: { userId: string }; tenant: Tenant; ability: AppAbility };
/**
 * What both the client and an interactive transaction of it offer.
 * Lookups by key use findFirst, not findUnique: the app client rewrites
 * findUnique onto its base client (ADR 005), which would run the lookup on
 * another pooled connection, outside the transaction — and, with every
 * connection held by a waiting transaction, never.
 */
export type Db = Pick<
  Ctx['db'],
  'hub' | 'space' | 'desk' | 'openingHours' | 'openingException' | 'booking' | 'auditEvent' | '$queryRaw'
>;
type Tx = Db;

export const forbidden = () => new DomainError('FORBIDDEN', 'errors.forbidden');

export const rulesOf = (s: Space): BookingRules => ({
  granularityMinutes: s.granularityMinutes,
  minDurationMinutes: s.minDurationMinutes,
  maxDurationMinutes: s.maxDurationMinutes,
  leadTimeMinutes: s.leadTimeMinutes,
  horizonDays: s.horizonDays,
  bufferMinutes: s.bufferMinutes,
  approvalRequired: s.approvalRequired,
  checkInGraceMinutes: s.checkInGraceMinutes,
  memberDaysPerWeek: s.memberDaysPerWeek,
  publicBookable: s.publicBookable,
});

export const toSpaceOutput = (s: Space & { desks: Desk[] }) => ({
  id: s.id,
  hubId: s.hubId,
  kind: toApiEnum(oneOf('SpaceKind', s.kind)),
  name: s.name,
  capacity: s.capacity,
  amenities: s.amenities,
  accessibilityNotes: s.accessibilityNotes,
  rules: rulesOf(s),
  archived: s.archivedAt !== null,
  desks: s.desks.filter((d) => !d.archivedAt).map(toDeskOutput),
  /** Kept for the history of their bookings; not bookable (docs/decisions/035). */
  archivedDesks: s.desks.filter((d) => d.archivedAt).map(toDeskOutput),
});
const toDeskOutput = (d: Desk) => ({ id: d.id, name: d.name, attributes: d.attributes });

/**
 * Rules that zod cannot see one field at a time. A rule between two fields
 * names both: which one is wrong is the user's call.
 */
function checkRules(rules: BookingRules) {
  const errors: Record<string, string[]> = {};
  const add = (field: string, key: string) => (errors[`rules.${field}`] ??= []).push(key);
  if (rules.minDurationMinutes > rules.maxDurationMinutes) {
    add('minDurationMinutes', 'validation.rules.minAboveMax');
    add('maxDurationMinutes', 'validation.rules.minAboveMax');
  }
  for (const field of ['minDurationMinutes', 'maxDurationMinutes'] as const) {
    if (rules[field] % rules.granularityMinutes !== 0) {
      add(field, 'validation.rules.granularity');
      if (!errors['rules.granularityMinutes']) add('granularityMinutes', 'validation.rules.granularity');
    }
  }
  if (Object.keys(errors).length > 0) throw new DomainError('BAD_REQUEST', 'errors.invalidInput', errors);
}

/** Capacity against desks: a co-working area seats at least one person per desk. Names both fields. */
export function checkCapacity(capacity: number, deskCount: number) {
  if (deskCount > capacity)
    throw new DomainError('BAD_REQUEST', 'errors.invalidInput', {
      capacity: ['validation.space.capacityBelowDesks'],
      deskCount: ['validation.space.capacityBelowDesks'],
    });
}

async function findHub(ctx: Ctx, tx: Db, hubId: string): Promise<Hub> {
  const hub = await tx.hub.findFirst({ where: { tenantId: ctx.tenant.id, id: hubId } });
  if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
  return hub;
}

export async function findSpace(ctx: Ctx, tx: Db, spaceId: string) {
  const space = await tx.space.findFirst({
    where: { tenantId: ctx.tenant.id, id: spaceId },
    include: { desks: { orderBy: [{ name: 'asc' }] } },
  });
  if (!space || ctx.ability.cannot('read', subject('Space', space))) throw notFound();
  return space;
}

/**
 * Locks the space row until the transaction ends and reads its capacity under the lock: bookings and
 * every change of the space or its desks take this lock too, so counts made after it stay true.
 */
export async function lockSpace(ctx: Ctx, tx: Db, spaceId: string): Promise<{ capacity: number }> {
  const [row] = await tx.$queryRaw<Array<{ capacity: number }>>`
    SELECT capacity FROM "Space" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND id = ${spaceId}::uuid FOR UPDATE`;
  if (!row) throw notFound();
  return row;
}

/** May the actor configure `hubId`? A probe row carries what the rules match on. */
export function canConfigure(ctx: Ctx, hubId: string, action: 'create' | 'update' | 'delete' = 'update') {
  const probe = { tenantId: ctx.tenant.id, hubId } as Space;
  return ctx.ability.can(action, subject('Space', probe));
}

export async function audit(
  ctx: Ctx,
  tx: Tx,
  action: string,
  targetType: string,
  targetId: string,
  data: Prisma.InputJsonValue,
) {
  await tx.auditEvent.create({
    data: {
      tenantId: ctx.tenant.id,
      actorUserId: ctx.session.userId,
      action,
      targetType,
      targetId,
      requestId: ctx.requestId,
      data,
    },
  });
}

export async function listSpaces(ctx: Ctx, input: { hubId: string }) {
  const hub = await findHub(ctx, ctx.db, input.hubId);
  // A hub has a handful of spaces; bounded by the unique (hub, name) and the UI.
  const spaces = await ctx.db.space.findMany({
    where: { tenantId: ctx.tenant.id, hubId: hub.id },
    include: { desks: { orderBy: [{ name: 'asc' }] } },
    orderBy: [{ name: 'asc' }],
    take: 200,
  });
  const configurer = canConfigure(ctx, hub.id);
  return {
    hub: { id: hub.id, slug: hub.slug, name: hub.name, archived: hub.archivedAt !== null },
    canConfigure: configurer,
    items: spaces.filter((s) => !s.archivedAt).map(toSpaceOutput),
    // Listed apart, and only to those who may bring them back.
    archived: configurer ? spaces.filter((s) => s.archivedAt).map(toSpaceOutput) : [],
  };
}

export async function getSpace(ctx: Ctx, input: { spaceId: string }) {
  const space = await findSpace(ctx, ctx.db, input.spaceId);
  return {
    ...toSpaceOutput(space),
    canConfigure: canConfigure(ctx, space.hubId),
    canBookForOthers: canBookForOthers(ctx, space.hubId),
  };
}

/** Staff who may book this hub's spaces for someone else (a member, an organisation): the booking form offers "for whom". */
function canBookForOthers(ctx: Ctx, hubId: string) {
  const someoneElse = {
    tenantId: ctx.tenant.id,
    userId: '00000000-0000-0000-0000-000000000000',
    space: { hubId },
  } as unknown as Booking;
  return ctx.ability.can('create', subject('Booking', someoneElse));
}

export interface CreateSpaceInput {
  hubId: string;
  kind: (typeof SPACE_KINDS)[number];
  name: string;
  capacity: number;
  amenities: string[];
  accessibilityNotes: string | null;
  deskCount: number;
  rules?: BookingRules | undefined;
}

export async function createSpace(ctx: Ctx, input: CreateSpaceInput) {
  const rules = input.rules ?? DEFAULT_RULES;
  checkRules(rules);
  if (input.deskCount > 0 && input.kind !== 'coworking')
    throw new DomainError('BAD_REQUEST', 'errors.invalidInput', { deskCount: ['validation.space.desksOnlyCoworking'] });
  checkCapacity(input.capacity, input.deskCount);
  try {
    return await ctx.db.$transaction(async (tx) => {
      const hub = await findHub(ctx, tx, input.hubId);
      if (!canConfigure(ctx, hub.id, 'create')) throw forbidden();
      const space = await tx.space.create({
        data: {
          tenantId: ctx.tenant.id,
          hubId: hub.id,
          kind: fromApiEnum(input.kind),
          name: input.name,
          capacity: input.capacity,
          amenities: input.amenities,
          accessibilityNotes: input.accessibilityNotes,
          ...rules,
        },
      });
      if (input.deskCount > 0) {
        await tx.desk.createMany({
          data: Array.from({ length: input.deskCount }, (_, i) => ({
            tenantId: ctx.tenant.id,
            spaceId: space.id,
            name: `Arbeitsplatz ${String(i + 1).padStart(2, '0')}`,
            attributes: [],
          })),
        });
      }
      await audit(ctx, tx, 'space.created', 'Space', space.id, {
        name: space.name,
        kind: input.kind,
        desks: input.deskCount,
      });
      return toSpaceOutput({
        ...space,
        desks: await tx.desk.findMany({
          where: { tenantId: ctx.tenant.id, spaceId: space.id },
          orderBy: [{ name: 'asc' }],
        }),
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, 'name'))
      throw new DomainError('BAD_REQUEST', 'errors.space.nameTaken', { name: ['errors.space.nameTaken'] });
    throw error;
  }
}

export async function updateRules(ctx: Ctx, input: { spaceId: string; rules: BookingRules }) {
  checkRules(input.rules);
  return ctx.db.$transaction(async (tx) => {
    const space = await findSpace(ctx, tx, input.spaceId);
    if (!canConfigure(ctx, space.hubId)) throw forbidden();
    const updated = await tx.space.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: space.id } },
      data: input.rules,
      include: { desks: { orderBy: [{ name: 'asc' }] } },
    });
    await audit(ctx, tx, 'space.rulesChanged', 'Space', space.id, {
      before: rulesOf(space),
      after: input.rules,
    } as unknown as Prisma.InputJsonValue);
    return toSpaceOutput(updated);
  });
}

export async function addDesk(ctx: Ctx, input: { spaceId: string; name: string; attributes: string[] }) {
  try {
    return await ctx.db.$transaction(async (tx) => {
      const space = await findSpace(ctx, tx, input.spaceId);
      if (!canConfigure(ctx, space.hubId, 'create')) throw forbidden();
      if (space.kind !== 'COWORKING')
        throw new DomainError('BAD_REQUEST', 'validation.space.desksOnlyCoworking', {
          name: ['validation.space.desksOnlyCoworking'],
        });
      // A co-working area seats at least one person per desk (as when it is created or edited).
      const { capacity } = await lockSpace(ctx, tx, space.id);
      const inUse = await tx.desk.count({ where: { tenantId: ctx.tenant.id, spaceId: space.id, archivedAt: null } });
      if (inUse >= capacity)
        throw new DomainError(
          'BAD_REQUEST',
          'errors.desk.overCapacity',
          { name: ['errors.desk.overCapacity'] },
          { capacity: String(capacity) },
        );
      const desk = await tx.desk.create({
        data: { tenantId: ctx.tenant.id, spaceId: space.id, name: input.name, attributes: input.attributes },
      });
      await audit(ctx, tx, 'desk.created', 'Desk', desk.id, { name: desk.name, spaceId: space.id });
      return { id: desk.id, name: desk.name, attributes: desk.attributes };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'name'))
      throw new DomainError('BAD_REQUEST', 'errors.desk.nameTaken', { name: ['errors.desk.nameTaken'] });
    throw error;
  }
}

export async function getOpeningHours(ctx: Ctx, input: { hubId: string }) {
  const hub = await findHub(ctx, ctx.db, input.hubId);
  return openingHoursOf(ctx, ctx.db, hub.id);
}

async function openingHoursOf(ctx: Ctx, db: Db, hubId: string) {
  const [week, closed] = await Promise.all([
    db.openingHours.findMany({
      where: { tenantId: ctx.tenant.id, hubId },
      orderBy: [{ weekday: 'asc' }, { opensAt: 'asc' }],
    }),
    // Past closed days do not matter for booking; the list stays short.
    db.openingException.findMany({
      where: { tenantId: ctx.tenant.id, hubId, date: { gte: new Date(Date.now() - 86_400_000) } },
      orderBy: [{ date: 'asc' }],
      take: 366,
    }),
  ]);
  return {
    hubId,
    timezone: ctx.tenant.timezone,
    week: week.map((w) => ({
      weekday: w.weekday,
      opensAt: minutesToHhmm(w.opensAt),
      closesAt: minutesToHhmm(w.closesAt),
    })),
    closedDays: closed
      .filter((c) => c.opensAt === null || c.closesAt === null)
      .map((c) => ({ date: c.date.toISOString().slice(0, 10), note: c.note, holiday: c.holiday })),
    specialDays: closed.flatMap((c) =>
      c.opensAt === null || c.closesAt === null
        ? []
        : [
            {
              date: c.date.toISOString().slice(0, 10),
              note: c.note,
              opensAt: minutesToHhmm(c.opensAt),
              closesAt: minutesToHhmm(c.closesAt),
            },
          ],
    ),
  };
}

export async function setOpeningHours(
  ctx: Ctx,
  input: { hubId: string; week: Array<{ weekday: number; opensAt: string; closesAt: string }> },
) {
  const week = input.week.map((w) => ({
    weekday: w.weekday,
    opensAt: hhmmToMinutes(w.opensAt),
    closesAt: hhmmToMinutes(w.closesAt),
  }));
  const errors: Record<string, string[]> = {};
  week.forEach((w, i) => {
    if (w.closesAt <= w.opensAt) errors[`week.${i}.closesAt`] = ['validation.openingHours.closesBeforeOpens'];
    const overlaps = week.some(
      (o, j) => j !== i && o.weekday === w.weekday && o.opensAt < w.closesAt && w.opensAt < o.closesAt,
    );
    if (overlaps) errors[`week.${i}.opensAt`] = ['validation.openingHours.overlap'];
  });
  if (Object.keys(errors).length > 0) throw new DomainError('BAD_REQUEST', 'errors.invalidInput', errors);
  return ctx.db.$transaction(async (tx) => {
    const hub = await findHub(ctx, tx, input.hubId);
    if (ctx.ability.cannot('update', subject('OpeningHours', { tenantId: ctx.tenant.id, hubId: hub.id } as never)))
      throw forbidden();
    await tx.openingHours.deleteMany({ where: { tenantId: ctx.tenant.id, hubId: hub.id } });
    await tx.openingHours.createMany({ data: week.map((w) => ({ tenantId: ctx.tenant.id, hubId: hub.id, ...w })) });
    await audit(ctx, tx, 'hub.openingHoursChanged', 'Hub', hub.id, { week: input.week });
    return openingHoursOf(ctx, tx, hub.id);
  });
}

export async function addClosedDay(ctx: Ctx, input: { hubId: string; date: string; note: string | null }) {
  return ctx.db.$transaction(async (tx) => {
    const hub = await findHub(ctx, tx, input.hubId);
    if (ctx.ability.cannot('create', subject('OpeningException', { tenantId: ctx.tenant.id, hubId: hub.id } as never)))
      throw forbidden();
    const date = new Date(`${input.date}T00:00:00Z`);
    // Idempotent: marking a closed day twice keeps one row (and the new note).
    await tx.openingException.upsert({
      where: { tenantId_hubId_date: { tenantId: ctx.tenant.id, hubId: hub.id, date } },
      create: { tenantId: ctx.tenant.id, hubId: hub.id, date, note: input.note },
      // Closed all day: special hours that date had end here.
      update: { note: input.note, opensAt: null, closesAt: null },
    });
    await audit(ctx, tx, 'hub.closedDayAdded', 'Hub', hub.id, { date: input.date, note: input.note });
    return openingHoursOf(ctx, tx, hub.id);
  });
}

export async function removeClosedDay(ctx: Ctx, input: { hubId: string; date: string }) {
  return ctx.db.$transaction(async (tx) => {
    const hub = await findHub(ctx, tx, input.hubId);
    if (ctx.ability.cannot('delete', subject('OpeningException', { tenantId: ctx.tenant.id, hubId: hub.id } as never)))
      throw forbidden();
    await tx.openingException.deleteMany({
      where: { tenantId: ctx.tenant.id, hubId: hub.id, date: new Date(`${input.date}T00:00:00Z`) },
    });
    await audit(ctx, tx, 'hub.closedDayRemoved', 'Hub', hub.id, { date: input.date });
    return openingHoursOf(ctx, tx, hub.id);
  });
}
