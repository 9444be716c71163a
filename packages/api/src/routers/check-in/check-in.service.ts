import { oneOf } from '@hubwerk/domain';
import { subject } from '@hubwerk/auth';
import type { Booking, Desk, Space } from '@hubwerk/db';
import { DomainError, notFound } from '../../errors.ts';
import { NO_SHOW_LOOKBACK_DAYS } from '../../jobs/no-shows.ts';
import { toApiEnum } from '../../schemas.ts';
import type { Ctx } from '../spaces/spaces.service.ts';

const MINUTE = 60_000;
/** Check-in opens this long before the start (people arrive early); it closes when the booking ends. */
export const CHECK_IN_OPENS_BEFORE_MINUTES = 30;

type Row = Booking & { space: Pick<Space, 'hubId' | 'name' | 'checkInGraceMinutes'>; desk: Pick<Desk, 'name'> | null };
const include = {
  space: { select: { hubId: true, name: true, checkInGraceMinutes: true } },
  desk: { select: { name: true } },
} as const;

function toState(ctx: Ctx, b: Row) {
  return {
    bookingId: b.id,
    spaceName: b.space.name,
    deskName: b.desk?.name ?? null,
    hubId: b.space.hubId,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    status: toApiEnum(oneOf('BookingStatus', b.status)),
    mine: b.userId === ctx.session.userId,
    checkedInAt: b.checkedInAt?.toISOString() ?? null,
    noShowAt: b.noShowAt?.toISOString() ?? null,
    opensAt: new Date(b.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MINUTES * MINUTE).toISOString(),
    closesAt: b.endsAt.toISOString(),
    graceEndsAt: new Date(b.startsAt.getTime() + b.space.checkInGraceMinutes * MINUTE).toISOString(),
  };
}

async function readable(ctx: Ctx, db: Pick<Ctx['db'], 'booking'>, bookingId: string) {
  const booking = await db.booking.findFirst({ where: { tenantId: ctx.tenant.id, id: bookingId }, include });
  if (!booking || ctx.ability.cannot('read', subject('Booking', booking))) throw notFound();
  return booking;
}

/** A booking's check-in state: its owner and the staff of its hub. */
export async function checkInState(ctx: Ctx, input: { bookingId: string }) {
  return toState(ctx, await readable(ctx, ctx.db, input.bookingId));
}

/**
 * Marks arrival. The owner checks in through the booking's QR link, hub
 * staff for anyone; both only while the booking runs (from 30 minutes
 * before its start). Late arrival after a recorded no-show clears it.
 * Checking in twice keeps the first time.
 */
export async function arrive(ctx: Ctx, input: { bookingId: string }) {
  return ctx.db.$transaction(async (tx) => {
    const booking = await readable(ctx, tx, input.bookingId);
    if (ctx.ability.cannot('update', subject('Booking', booking)))
      throw new DomainError('FORBIDDEN', 'errors.forbidden');
    if (booking.status !== 'CONFIRMED')
      throw new DomainError('CONFLICT', 'errors.checkIn.notConfirmed', { _form: ['errors.checkIn.notConfirmed'] });
    if (booking.checkedInAt) return toState(ctx, booking);
    const now = Date.now();
    if (now < booking.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MINUTES * MINUTE) {
      throw new DomainError(
        'BAD_REQUEST',
        'errors.checkIn.tooEarly',
        { _form: ['errors.checkIn.tooEarly'] },
        { opensAt: new Date(booking.startsAt.getTime() - CHECK_IN_OPENS_BEFORE_MINUTES * MINUTE).toISOString() },
      );
    }
    if (now >= booking.endsAt.getTime())
      throw new DomainError('BAD_REQUEST', 'errors.checkIn.over', { _form: ['errors.checkIn.over'] });
    const updated = await tx.booking.update({
      where: { tenantId_id: { tenantId: ctx.tenant.id, id: booking.id } },
      data: { checkedInAt: new Date(now), noShowAt: null },
      include,
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'booking.checkedIn',
        targetType: 'Booking',
        targetId: booking.id,
        requestId: ctx.requestId,
        data: { by: booking.userId === ctx.session.userId ? 'self' : 'staff', wasNoShow: booking.noShowAt !== null },
      },
    });
    return toState(ctx, updated);
  });
}

/**
 * Records no-shows of one hub: confirmed bookings not checked in by start +
 * the space's grace period (started within the last 30 days). Run by hub
 * staff from the check-in page; idempotent (a recorded no-show is not
 * recorded again). Hub staff, hub managers and town admins of the hub.
 */
export async function recordNoShows(ctx: Ctx, input: { hubId: string }) {
  const tenantId = ctx.tenant.id;
  return ctx.db.$transaction(async (tx) => {
    const hub = await tx.hub.findFirst({ where: { tenantId, id: input.hubId } });
    if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
    // Someone else's booking of this hub: may the caller change it?
    const probe = {
      tenantId,
      userId: '00000000-0000-0000-0000-000000000000',
      space: { hubId: hub.id },
    } as unknown as Booking;
    if (ctx.ability.cannot('update', subject('Booking', probe))) throw new DomainError('FORBIDDEN', 'errors.forbidden');
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      UPDATE "Booking" b SET "noShowAt" = now()
        FROM "Space" s
       WHERE s."tenantId" = b."tenantId" AND s.id = b."spaceId" AND s."hubId" = ${hub.id}::uuid
         AND b."tenantId" = ${tenantId}::uuid AND b.status = 'CONFIRMED'
         AND b."checkedInAt" IS NULL AND b."noShowAt" IS NULL
         AND b."startsAt" + make_interval(mins => s."checkInGraceMinutes") <= now()
         AND b."startsAt" > now() - make_interval(days => ${NO_SHOW_LOOKBACK_DAYS}::int)
      RETURNING b.id`;
    const bookingIds = rows.map((r) => r.id).sort();
    await tx.auditEvent.create({
      data: {
        tenantId,
        actorUserId: ctx.session.userId,
        action: 'booking.noShowsRecorded',
        targetType: 'Hub',
        targetId: hub.id,
        requestId: ctx.requestId,
        data: { recorded: bookingIds.length, bookingIds: bookingIds.slice(0, 200) },
      },
    });
    return { recorded: bookingIds.length, bookingIds };
  });
}
