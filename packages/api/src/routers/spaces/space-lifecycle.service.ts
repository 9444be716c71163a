import { oneOf } from '@hubwerk/domain';
import { subject } from '@hubwerk/auth';
import type { Prisma } from '@hubwerk/db';
import { DomainError, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../idempotency.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import type { SPACE_KINDS } from './spaces.schemas.ts';
import {
  audit,
  canConfigure,
  checkCapacity,
  type Ctx,
  type Db,
  findSpace,
  forbidden,
  lockSpace,
  toSpaceOutput,
} from './spaces.service.ts';

/**
 * Correcting, archiving and deleting spaces and desks (docs/decisions/035).
 * Archived rows stay with their bookings for history but are no longer
 * bookable nor shown publicly; a row without any booking is deleted instead.
 * Every change locks the space row first: booking locks it too, so no
 * booking can slip in between the count and the change.
 */

type Tx = Db;
const bad = (errors: Record<string, string[]>, key = 'errors.invalidInput', params?: Record<string, string>) =>
  new DomainError('BAD_REQUEST', key, errors, params);

/** Bookings not cancelled that have not ended yet: archiving would strand them. */
const upcoming = { status: { not: 'CANCELLED' as const }, endsAt: { gt: new Date() } };

async function configurableSpace(ctx: Ctx, tx: Tx, spaceId: string, action: 'update' | 'delete' = 'update') {
  const space = await findSpace(ctx, tx, spaceId);
  if (!canConfigure(ctx, space.hubId, action)) throw forbidden();
  await lockSpace(ctx, tx, space.id);
  return space;
}

async function configurableDesk(ctx: Ctx, tx: Tx, deskId: string, action: 'update' | 'delete' = 'update') {
  const desk = await tx.desk.findFirst({ where: { tenantId: ctx.tenant.id, id: deskId } });
  if (!desk || ctx.ability.cannot('read', subject('Desk', desk))) throw notFound();
  const space = await configurableSpace(ctx, tx, desk.spaceId, action);
  return { desk, space };
}

async function reloaded(ctx: Ctx, tx: Tx, spaceId: string) {
  return toSpaceOutput(await findSpace(ctx, tx, spaceId));
}

export interface UpdateSpaceInput {
  spaceId: string;
  kind: (typeof SPACE_KINDS)[number];
  name: string;
  capacity: number;
  amenities: string[];
  accessibilityNotes: string | null;
  /** Co-working: the number of desks in use; a higher number adds desks, a lower one is refused (remove desks singly). */
  deskCount: number;
}

export async function updateSpace(ctx: Ctx, input: UpdateSpaceInput) {
  try {
    return await ctx.db.$transaction(async (tx) => {
      const space = await configurableSpace(ctx, tx, input.spaceId);
      const inUse = space.desks.filter((d) => !d.archivedAt);
      const errors: Record<string, string[]> = {};
      if (input.kind !== 'coworking' && (input.deskCount > 0 || inUse.length > 0))
        errors.deskCount = ['validation.space.desksOnlyCoworking'];
      else if (input.deskCount < inUse.length) errors.deskCount = ['validation.space.removeDesksSingly'];
      if (Object.keys(errors).length > 0) throw bad(errors);
      checkCapacity(input.capacity, input.deskCount);
      const data = {
        kind: fromApiEnum(input.kind) as typeof space.kind,
        name: input.name,
        capacity: input.capacity,
        amenities: input.amenities,
        accessibilityNotes: input.accessibilityNotes,
      };
      await tx.space.update({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: space.id } }, data });
      const taken = new Set(space.desks.map((d) => d.name));
      const added: string[] = [];
      for (let n = 1; added.length < input.deskCount - inUse.length; n++) {
        const deskName = `Arbeitsplatz ${String(n).padStart(2, '0')}`;
        if (!taken.has(deskName)) added.push(deskName);
      }
      if (added.length > 0)
        await tx.desk.createMany({
          data: added.map((name) => ({ tenantId: ctx.tenant.id, spaceId: space.id, name, attributes: [] })),
        });
      const before = {
        kind: toApiEnum(oneOf('SpaceKind', space.kind)),
        name: space.name,
        capacity: space.capacity,
        amenities: space.amenities,
        accessibilityNotes: space.accessibilityNotes,
        deskCount: inUse.length,
      };
      const after = { ...data, kind: input.kind, deskCount: input.deskCount };
      await audit(ctx, tx, 'space.updated', 'Space', space.id, { before, after } as Prisma.InputJsonValue);
      return reloaded(ctx, tx, space.id);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'name')) throw bad({ name: ['errors.space.nameTaken'] }, 'errors.space.nameTaken');
    throw error;
  }
}

/** Archives (or brings back) a space; refused while bookings lie ahead, naming how many. */
export async function setSpaceArchived(ctx: Ctx, input: { spaceId: string; archived: boolean }) {
  return ctx.db.$transaction(async (tx) => {
    const space = await configurableSpace(ctx, tx, input.spaceId);
    if (Boolean(space.archivedAt) === input.archived) return reloaded(ctx, tx, space.id);
    if (input.archived) {
      const ahead = await tx.booking.count({ where: { tenantId: ctx.tenant.id, spaceId: space.id, ...upcoming } });
      if (ahead > 0)
        throw bad({ archived: ['errors.space.upcomingBookings'] }, 'errors.space.upcomingBookings', {
          count: String(ahead),
        });
    }
    await tx.space.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: space.id } },
      data: { archivedAt: input.archived ? new Date() : null },
    });
    await audit(ctx, tx, input.archived ? 'space.archived' : 'space.unarchived', 'Space', space.id, {
      name: space.name,
    });
    return reloaded(ctx, tx, space.id);
  });
}

/** Deletes a space that never had a booking (nor a series or a public request); otherwise it can be archived. */
export async function deleteSpace(ctx: Ctx, input: { spaceId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const space = await configurableSpace(ctx, tx, input.spaceId, 'delete');
    const used = await tx.booking.count({ where: { tenantId: ctx.tenant.id, spaceId: space.id } });
    if (used > 0)
      throw bad({ spaceId: ['errors.space.hasBookings'] }, 'errors.space.hasBookings', { count: String(used) });
    // Series and public requests hold no booking yet but would cascade away with the space.
    const [series, requests] = await Promise.all([
      tx.$queryRaw<
        Array<{ n: number }>
      >`SELECT count(*)::int AS n FROM "BookingSeries" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND "spaceId" = ${space.id}::uuid`,
      tx.$queryRaw<
        Array<{ n: number }>
      >`SELECT count(*)::int AS n FROM "PublicBookingRequest" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND "spaceId" = ${space.id}::uuid`,
    ]);
    const pending = (series[0]?.n ?? 0) + (requests[0]?.n ?? 0);
    if (pending > 0)
      throw bad({ spaceId: ['errors.space.hasBookings'] }, 'errors.space.hasBookings', { count: String(pending) });
    await tx.space.delete({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: space.id } } });
    await audit(ctx, tx, 'space.deleted', 'Space', space.id, {
      name: space.name,
      kind: toApiEnum(oneOf('SpaceKind', space.kind)),
      hubId: space.hubId,
    });
    return { ok: true as const };
  });
}

export async function updateDesk(ctx: Ctx, input: { deskId: string; name: string; attributes: string[] }) {
  try {
    return await ctx.db.$transaction(async (tx) => {
      const { desk, space } = await configurableDesk(ctx, tx, input.deskId);
      await tx.desk.update({
        where: { tenantId_id: { tenantId: ctx.tenant.id, id: desk.id } },
        data: { name: input.name, attributes: input.attributes },
      });
      await audit(ctx, tx, 'desk.updated', 'Desk', desk.id, {
        spaceId: space.id,
        before: { name: desk.name, attributes: desk.attributes },
        after: { name: input.name, attributes: input.attributes },
      });
      return reloaded(ctx, tx, space.id);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'name')) throw bad({ name: ['errors.desk.nameTaken'] }, 'errors.desk.nameTaken');
    throw error;
  }
}

export async function setDeskArchived(ctx: Ctx, input: { deskId: string; archived: boolean }) {
  return ctx.db.$transaction(async (tx) => {
    const { desk, space } = await configurableDesk(ctx, tx, input.deskId);
    if (Boolean(desk.archivedAt) === input.archived) return reloaded(ctx, tx, space.id);
    if (input.archived) {
      const ahead = await tx.booking.count({ where: { tenantId: ctx.tenant.id, deskId: desk.id, ...upcoming } });
      if (ahead > 0)
        throw bad({ archived: ['errors.desk.upcomingBookings'] }, 'errors.desk.upcomingBookings', {
          count: String(ahead),
        });
    } else {
      checkCapacity(space.capacity, space.desks.filter((d) => !d.archivedAt).length + 1);
    }
    await tx.desk.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: desk.id } },
      data: { archivedAt: input.archived ? new Date() : null },
    });
    await audit(ctx, tx, input.archived ? 'desk.archived' : 'desk.unarchived', 'Desk', desk.id, {
      name: desk.name,
      spaceId: space.id,
    });
    return reloaded(ctx, tx, space.id);
  });
}

export async function deleteDesk(ctx: Ctx, input: { deskId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const { desk, space } = await configurableDesk(ctx, tx, input.deskId, 'delete');
    const used = await tx.booking.count({ where: { tenantId: ctx.tenant.id, deskId: desk.id } });
    const [series, requests] = await Promise.all([
      tx.$queryRaw<
        Array<{ n: number }>
      >`SELECT count(*)::int AS n FROM "BookingSeries" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND "deskId" = ${desk.id}::uuid`,
      tx.$queryRaw<
        Array<{ n: number }>
      >`SELECT count(*)::int AS n FROM "PublicBookingRequest" WHERE "tenantId" = ${ctx.tenant.id}::uuid AND "deskId" = ${desk.id}::uuid`,
    ]);
    const total = used + (series[0]?.n ?? 0) + (requests[0]?.n ?? 0);
    if (total > 0)
      throw bad({ deskId: ['errors.desk.hasBookings'] }, 'errors.desk.hasBookings', { count: String(total) });
    await tx.desk.delete({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: desk.id } } });
    await audit(ctx, tx, 'desk.deleted', 'Desk', desk.id, { name: desk.name, spaceId: space.id });
    return reloaded(ctx, tx, space.id);
  });
}
