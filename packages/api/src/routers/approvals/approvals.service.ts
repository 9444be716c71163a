import { oneOf } from '@hubwerk/domain';
import { subject } from '@hubwerk/auth';
import type { Booking, Space } from '@hubwerk/db';
import { DomainError, fieldError, notFound } from '../../errors.ts';
import { toApiEnum } from '../../schemas.ts';
import { notifyBooking } from '../bookings/booking-notices.ts';
import type { Ctx } from '../spaces/spaces.service.ts';

/**
 * The approval inbox (docs/decisions/037): the booking requests waiting for
 * a decision in the hubs the caller decides for (whoever may configure a
 * hub's spaces: its managers, the town's admins, the town's partner), and
 * decisions on several of them at once.
 */

const MINUTE = 60_000;

/** The town's hubs whose requests the caller decides, by name. */
export async function approvableHubs(ctx: Ctx) {
  const hubs = await ctx.db.hub.findMany({
    where: { tenantId: ctx.tenant.id },
    select: { id: true, name: true },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: 500,
  });
  return hubs.filter((h) => mayDecide(ctx, h.id));
}

const mayDecide = (ctx: Ctx, hubId: string) =>
  ctx.ability.can('update', subject('Space', { tenantId: ctx.tenant.id, hubId } as Space));

type Range = Pick<Booking, 'spaceId' | 'deskId' | 'startsAt' | 'endsAt'>;

/** Same room (or desk) and closer than the space's buffer: what bookings.create refuses. */
const collides = (a: Range, b: Range, bufferMinutes: number) =>
  a.spaceId === b.spaceId &&
  a.deskId === b.deskId &&
  a.startsAt.getTime() < b.endsAt.getTime() + bufferMinutes * MINUTE &&
  b.startsAt.getTime() < a.endsAt.getTime() + bufferMinutes * MINUTE;

const requestInclude = {
  space: { select: { hubId: true, name: true, bufferMinutes: true, hub: { select: { name: true } } } },
  desk: { select: { name: true } },
  user: { select: { name: true, email: true } },
  organisation: { select: { name: true } },
} as const;

/** Pending requests of one hub (or of every hub the caller decides for), by start, keyset-paginated, with their conflicts. */
export async function pendingRequests(
  ctx: Ctx,
  input: { hubId?: string | undefined; cursor?: string | undefined; limit: number },
) {
  const tenantId = ctx.tenant.id;
  let hubIds: string[];
  if (input.hubId) {
    const hub = await ctx.db.hub.findFirst({ where: { tenantId, id: input.hubId } });
    if (!hub || ctx.ability.cannot('read', subject('Hub', hub))) throw notFound();
    hubIds = mayDecide(ctx, hub.id) ? [hub.id] : [];
  } else {
    hubIds = (await approvableHubs(ctx)).map((h) => h.id);
  }
  const membership = await ctx.db.tenantMembership.findFirst({
    where: { tenantId, userId: ctx.session.userId },
    select: { approvalDigest: true },
  });
  const digest = membership?.approvalDigest ?? null;
  if (hubIds.length === 0) return { mayApprove: false, total: 0, items: [], nextCursor: null, digest };

  const where = { tenantId, status: 'PENDING' as const, space: { hubId: { in: hubIds } } };
  const [total, rows] = await Promise.all([
    ctx.db.booking.count({ where }),
    ctx.db.booking.findMany({
      where,
      include: requestInclude,
      orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
      take: input.limit + 1,
      ...(input.cursor ? { cursor: { tenantId_id: { tenantId, id: input.cursor } }, skip: 1 } : {}),
    }),
  ]);
  const page = rows.slice(0, input.limit);
  const others =
    page.length === 0
      ? []
      : await ctx.db.booking.findMany({
          where: {
            tenantId,
            status: { not: 'CANCELLED' },
            OR: page.map((b) => ({
              spaceId: b.spaceId,
              deskId: b.deskId,
              startsAt: { lt: new Date(b.endsAt.getTime() + b.space.bufferMinutes * MINUTE) },
              endsAt: { gt: new Date(b.startsAt.getTime() - b.space.bufferMinutes * MINUTE) },
            })),
          },
          select: {
            id: true,
            spaceId: true,
            deskId: true,
            startsAt: true,
            endsAt: true,
            status: true,
            requesterName: true,
            user: { select: { name: true } },
          },
          orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
          take: 1000,
        });
  return {
    mayApprove: true,
    total,
    digest,
    nextCursor: rows.length > input.limit ? (page[page.length - 1]?.id ?? null) : null,
    items: page.map((b) => ({
      id: b.id,
      hubId: b.space.hubId,
      hubName: b.space.hub.name,
      spaceId: b.spaceId,
      spaceName: b.space.name,
      deskName: b.desk?.name ?? null,
      startsAt: b.startsAt.toISOString(),
      endsAt: b.endsAt.toISOString(),
      forName: b.user?.name ?? b.requesterName ?? '',
      isPublic: b.userId === null,
      email: b.user?.email ?? b.requesterEmail ?? null,
      organisationName: b.organisation?.name ?? null,
      purpose: b.purpose,
      attendees: b.attendees,
      requestedAt: b.createdAt.toISOString(),
      conflicts: others
        .filter((o) => o.id !== b.id && collides(o, b, b.space.bufferMinutes))
        .map((o) => ({
          bookingId: o.id,
          forName: o.user?.name ?? o.requesterName ?? null,
          startsAt: o.startsAt.toISOString(),
          endsAt: o.endsAt.toISOString(),
          status: toApiEnum(oneOf('BookingStatus', o.status)),
        })),
    })),
  };
}

interface Failure {
  bookingId: string;
  spaceName: string;
  forName: string;
  startsAt: string;
  endsAt: string;
  messageKey: string;
  params: Record<string, string>;
}

/**
 * Approves or rejects several requests. The walls first, for all of them:
 * an id that is not the town's (or not readable) makes the whole call "not
 * found", one the caller may not decide "forbidden" — nothing is written.
 * Then each request in its own transaction, by start time: one that was
 * decided meanwhile, or whose slot a confirmed booking now holds (within
 * the space's buffer, as bookings.create checks), is reported by name and
 * does not stop the others. Each decision is audited and mailed to the
 * requester with the reason.
 */
export async function decideRequests(
  ctx: Ctx,
  input: { bookingIds: string[]; decision: 'approve' | 'reject'; reason: string | null },
) {
  if (input.decision === 'reject' && !input.reason) throw fieldError('reason', 'validation.approvals.reasonRequired');
  const tenantId = ctx.tenant.id;
  const ids = [...new Set(input.bookingIds)];
  const bookings = await ctx.db.booking.findMany({
    where: { tenantId, id: { in: ids } },
    include: requestInclude,
    orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
  });
  if (bookings.length !== ids.length || bookings.some((b) => ctx.ability.cannot('read', subject('Booking', b))))
    throw notFound();
  if (bookings.some((b) => !mayDecide(ctx, b.space.hubId))) throw new DomainError('FORBIDDEN', 'errors.forbidden');

  const approve = input.decision === 'approve';
  let decided = 0;
  const failed: Failure[] = [];
  for (const b of bookings) {
    try {
      await ctx.db.$transaction(async (tx) => {
        // Bookings of a space queue on its row (ADR 006): no new booking slips in while this one is checked.
        await tx.$queryRaw`SELECT id FROM "Space" WHERE "tenantId" = ${tenantId}::uuid AND id = ${b.spaceId}::uuid FOR UPDATE`;
        const current = await tx.booking.findFirst({ where: { tenantId, id: b.id }, select: { status: true } });
        if (current?.status !== 'PENDING')
          throw new DomainError('CONFLICT', 'errors.booking.notPending', { bookingIds: ['errors.booking.notPending'] });
        if (approve) {
          const buffer = b.space.bufferMinutes * MINUTE;
          const taken = await tx.booking.findFirst({
            where: {
              tenantId,
              id: { not: b.id },
              spaceId: b.spaceId,
              deskId: b.deskId,
              status: 'CONFIRMED',
              startsAt: { lt: new Date(b.endsAt.getTime() + buffer) },
              endsAt: { gt: new Date(b.startsAt.getTime() - buffer) },
            },
            select: { startsAt: true, endsAt: true, requesterName: true, user: { select: { name: true } } },
          });
          if (taken)
            throw new DomainError(
              'CONFLICT',
              'errors.approvals.conflict',
              { bookingIds: ['errors.approvals.conflict'] },
              {
                name: taken.user?.name ?? taken.requesterName ?? '',
                startsAt: taken.startsAt.toISOString(),
                endsAt: taken.endsAt.toISOString(),
              },
            );
        }
        await tx.booking.update({
          where: { tenantId_id: { tenantId, id: b.id } },
          data: approve ? { status: 'CONFIRMED' } : { status: 'CANCELLED', cancelledAt: new Date() },
        });
        await tx.auditEvent.create({
          data: {
            tenantId,
            actorUserId: ctx.session.userId,
            action: approve ? 'booking.approved' : 'booking.rejected',
            targetType: 'Booking',
            targetId: b.id,
            requestId: ctx.requestId,
            data: { via: 'inbox', reason: input.reason },
          },
        });
        await notifyBooking(ctx, tx, b.id, approve ? 'approved' : 'rejected', { reason: input.reason });
      });
      decided += 1;
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'CONFLICT') throw error;
      failed.push({
        bookingId: b.id,
        spaceName: [b.space.name, b.desk?.name].filter(Boolean).join(' · '),
        forName: b.user?.name ?? b.requesterName ?? '',
        startsAt: b.startsAt.toISOString(),
        endsAt: b.endsAt.toISOString(),
        messageKey: error.messageKey,
        params: error.params ?? {},
      });
    }
  }
  return { approved: approve ? decided : 0, rejected: approve ? 0 : decided, failed };
}

/** The caller's own choice in this town: a mail per request (false) or a daily digest (true). */
export async function setDigest(ctx: Ctx, input: { digest: boolean }) {
  const tenantId = ctx.tenant.id;
  const membership = await ctx.db.tenantMembership.findFirst({
    where: { tenantId, userId: ctx.session.userId },
    select: { id: true },
  });
  if (!membership || (await approvableHubs(ctx)).length === 0) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return ctx.db.$transaction(async (tx) => {
    await tx.tenantMembership.update({
      where: { tenantId_id: { tenantId, id: membership.id } },
      data: { approvalDigest: input.digest },
    });
    await tx.auditEvent.create({
      data: {
        tenantId,
        actorUserId: ctx.session.userId,
        action: 'approval.mailPreferenceChanged',
        targetType: 'TenantMembership',
        targetId: membership.id,
        requestId: ctx.requestId,
        data: { digest: input.digest },
      },
    });
    return { digest: input.digest };
  });
}
