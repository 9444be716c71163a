import { subject } from '@hubwerk/auth';
import { localParts } from '@hubwerk/domain';
import { DomainError } from '../../errors.ts';
import type { TenantIdempotency } from '../../idempotency.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import { availability, createBooking, type CreateBookingInput } from './bookings.service.ts';

const MINUTE = 60_000;
/** How far the suggestion looks ahead: the week of the requested day. */
const SUGGESTION_DAYS = 7;

/**
 * `bookings.create` with a conflict a user can act on: the error names the
 * booking in the way when the caller may read it (its purpose, e.g.
 * "Workshop 'KI im Rathaus'"; otherwise only its time: "belegt"), and offers
 * the next free slot of the same length for the same space or desk,
 * computed from availability (opening hours, closed days, buffers, rules).
 * The booking itself is unchanged: createBooking has rolled back when this
 * runs, so the suggestion is read afterwards, outside its transaction.
 */
export async function createBookingExplained(
  ctx: Ctx,
  input: CreateBookingInput,
  idempotency: TenantIdempotency | null = null,
) {
  try {
    return await createBooking(ctx, input, idempotency);
  } catch (error) {
    throw await explainConflict(ctx, input, error);
  }
}

/** The slot a conflict was about: the space or desk and the requested time. */
export type RequestedSlot = Pick<CreateBookingInput, 'spaceId' | 'deskId' | 'startsAt' | 'endsAt'>;

/** A conflict error enriched with the colliding booking's purpose and the next free slot; any other error as it is. */
export async function explainConflict(ctx: Ctx, input: RequestedSlot, error: unknown): Promise<unknown> {
  if (!(error instanceof DomainError) || error.messageKey !== 'errors.booking.conflict' || !error.params) return error;
  const params: Record<string, string> = {
    ...error.params,
    ...(await collidingPurpose(ctx, input, error.params)),
    ...(await nextFreeSlot(ctx, input)),
  };
  return new DomainError('CONFLICT', error.messageKey, error.fieldErrors, params);
}

async function collidingPurpose(
  ctx: Ctx,
  input: RequestedSlot,
  params: Record<string, string>,
): Promise<Record<string, string>> {
  const { startsAt, endsAt } = params;
  if (!startsAt || !endsAt) return {};
  const colliding = await ctx.db.booking.findFirst({
    where: {
      tenantId: ctx.tenant.id,
      spaceId: input.spaceId,
      deskId: input.deskId ?? null,
      status: { not: 'CANCELLED' },
      startsAt: new Date(startsAt),
      endsAt: new Date(endsAt),
    },
    include: { space: { select: { hubId: true } } },
  });
  if (!colliding || !colliding.purpose || ctx.ability.cannot('read', subject('Booking', colliding))) return {};
  return { purpose: colliding.purpose };
}

async function nextFreeSlot(ctx: Ctx, input: RequestedSlot): Promise<Record<string, string>> {
  const length = input.endsAt.getTime() - input.startsAt.getTime();
  const free = await availability(ctx, {
    spaceId: input.spaceId,
    date: localParts(input.startsAt, ctx.tenant.timezone).date,
    days: SUGGESTION_DAYS,
  });
  const resource = free.resources.find((r) => r.deskId === (input.deskId ?? null));
  if (!resource || length > resource.maxDurationMinutes * MINUTE) return {};
  const requested = input.startsAt.getTime();
  for (const slot of resource.free) {
    const start = new Date(slot.startsAt).getTime();
    const end = new Date(slot.endsAt).getTime();
    // The first free start at or after the requested one that fits the length.
    const from = Math.max(
      start,
      start +
        Math.ceil(Math.max(0, requested - start) / (resource.granularityMinutes * MINUTE)) *
          resource.granularityMinutes *
          MINUTE,
    );
    if (from + length <= end)
      return {
        suggestedStartsAt: new Date(from).toISOString(),
        suggestedEndsAt: new Date(from + length).toISOString(),
      };
  }
  return {};
}
