import { hashToken, newToken } from '@hubwerk/auth';
import { runInScope, type Desk, type Space, type Tenant } from '@hubwerk/db';
import { addDays, localParts, oneOf, zonedToUtc } from '@hubwerk/domain';
import { mailSettings, type Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { enqueueBookingMail, type BookingMailFacts, when } from '../../mail/booking-mails.ts';
import { approvalRequestParams, ENQUEUE_APPROVAL_REQUEST_SQL } from '../../mail/approval-mails.ts';
import { earlierResult, requestFingerprint, tenantIdempotently, type TenantIdempotency } from '../../idempotency.ts';
import { toApiEnum } from '../../schemas.ts';
import {
  checkOpeningHours,
  checkRules,
  freeTimeOf,
  isExclusionViolation,
  openingOf,
} from '../bookings/bookings.service.ts';
import { claimPublicRead, claimPublicRequest } from './public-throttle.ts';

/**
 * The public side of bookings: someone not signed in requests a
 * space whose rules allow the public, from the hub's public page, with name
 * and email; the booking exists only once the emailed link is opened
 * (single use, PUBLIC_REQUEST_HOURS). Unconfirmed requests do not hold the
 * slot: confirming re-checks everything and may find it taken (ADR 015).
 *
 * The town and hub are named by slug. Only the lookup of the slugs goes
 * through the audited platform client (no town scope exists yet; its ids
 * are kept for a while, see hubIds); every other query runs in that town's
 * scope under row-level security. Answers
 * never describe other bookings: a taken slot is "not available", no times,
 * no names.
 */
export const PUBLIC_REQUEST_HOURS = 2;

export interface PublicHub {
  tenant: Pick<Tenant, 'id' | 'slug' | 'name' | 'timezone'>;
  hub: { id: string; name: string; slug: string };
}

/**
 * Which hub a public page's slugs name, as ids, once found through the
 * audited platform client (no town scope exists before): ids never change,
 * so a page view after the first costs no bypass lookup and no audit entry.
 * Only ids are kept; whether the page exists is decided on every request in
 * the town's scope (resolveHub). Bounded; the oldest goes first.
 */
const HUB_IDS_TTL_MS = 10 * 60_000;
const HUB_IDS_MAX = 2_000;
const hubIds = new Map<string, { tenantId: string; hubId: string; until: number }>();

/**
 * The town and hub of a public page, by slug (also used by the public photo
 * gallery). A hub has a public page only while its town is active and its
 * profile says it is public; otherwise it is "not found", like a hub that
 * does not exist. Only an emailed confirmation link, already sent, still
 * works after the hub stops being public (`evenIfPrivate`).
 */
export async function resolveHub(
  ctx: Context,
  town: string,
  hubSlug: string,
  options: { evenIfPrivate?: boolean } = {},
): Promise<PublicHub> {
  const key = `${town}/${hubSlug}`;
  const cached = hubIds.get(key);
  for (const ids of [cached && cached.until > Date.now() ? cached : null, undefined]) {
    const { tenantId, hubId } = ids ?? (await lookUpHub(ctx, key, town, hubSlug, options));
    // What decides, read now in the town's scope: still these slugs, the town active, the hub public.
    const seen = await runInScope({ tenantId, userId: null }, () =>
      ctx.db.hub.findFirst({
        where: { tenantId, id: hubId },
        select: {
          id: true,
          name: true,
          slug: true,
          isPublic: true,
          archivedAt: true,
          tenant: { select: { id: true, slug: true, name: true, timezone: true, status: true } },
        },
      }),
    );
    if (seen && seen.slug === hubSlug && seen.tenant.slug === town) {
      // An archived hub has no public page (docs/decisions/035).
      if (seen.tenant.status !== 'ACTIVE' || seen.archivedAt || !(seen.isPublic || options.evenIfPrivate))
        throw notFound();
      const { status: _status, ...tenant } = seen.tenant;
      return { tenant, hub: { id: seen.id, name: seen.name, slug: seen.slug } };
    }
    // The kept ids name another hub now (renamed, or gone): look up afresh, once.
    hubIds.delete(key);
    if (!ids) break;
  }
  throw notFound();
}

async function lookUpHub(
  ctx: Context,
  key: string,
  town: string,
  hubSlug: string,
  options: { evenIfPrivate?: boolean },
) {
  const found = await ctx.platform.run(
    (tx) =>
      tx.hub.findFirst({
        where: {
          slug: hubSlug,
          tenant: { slug: town, status: 'ACTIVE' },
          ...(options.evenIfPrivate ? {} : { isPublic: true }),
        },
        select: { id: true, tenantId: true },
      }),
    (hub) => ({
      action: 'public.hubResolved',
      actorUserId: null,
      tenantId: hub?.tenantId ?? null,
      targetType: 'Hub',
      ...(hub ? { targetId: hub.id } : {}),
      requestId: ctx.requestId,
      data: { town, hub: hubSlug },
    }),
  );
  if (!found) throw notFound();
  if (hubIds.size >= HUB_IDS_MAX) hubIds.delete(hubIds.keys().next().value!);
  const ids = { tenantId: found.tenantId, hubId: found.id, until: Date.now() + HUB_IDS_TTL_MS };
  hubIds.set(key, ids);
  return ids;
}

/** In the town's scope, without a user: RLS shows the town's rows, the permission wall has no one to ask. */
export const inTown = <T>(t: PublicHub, fn: () => Promise<T>) =>
  runInScope({ tenantId: t.tenant.id, userId: null }, fn);
const scopeCtx = (t: PublicHub) => ({ tenant: t.tenant as Tenant });

/** What the hub's public page shows: the spaces the public may request, with their rules. */
export async function publicHub(ctx: Context, input: { town: string; hub: string }) {
  const t = await resolveHub(ctx, input.town, input.hub);
  const spaces = await inTown(t, () =>
    ctx.db.space.findMany({
      where: { tenantId: t.tenant.id, hubId: t.hub.id, publicBookable: true, archivedAt: null },
      include: { desks: { where: { archivedAt: null }, orderBy: [{ name: 'asc' }], select: { id: true, name: true } } },
      orderBy: [{ name: 'asc' }],
      take: 100,
    }),
  );
  return {
    townName: t.tenant.name,
    hubName: t.hub.name,
    timezone: t.tenant.timezone,
    spaces: spaces.map((s) => ({
      id: s.id,
      name: s.name,
      kind: toApiEnum(oneOf('SpaceKind', s.kind)),
      capacity: s.capacity,
      granularityMinutes: s.granularityMinutes,
      minDurationMinutes: s.minDurationMinutes,
      maxDurationMinutes: s.maxDurationMinutes,
      approvalRequired: s.approvalRequired,
      desks: s.desks,
    })),
  };
}

/** A public page shows at most this many spaces' free time (a hub has a handful). */
const MAX_PUBLIC_SPACES = 30;

/**
 * Free time of the hub's spaces open to the public (or of one of them) for
 * `days` local days from `date` — the availability computation every
 * booking page uses (bookings.service.ts freeTimeOf). Only for a hub marked
 * public: a hub that is not, a space closed to the public, another hub's or
 * another town's space all answer "not found". Bookings enter only as busy
 * time; the answer holds free slots and nothing else about them.
 */
export async function publicAvailability(
  ctx: Context,
  input: { town: string; hub: string; spaceId?: string | undefined; date: string; days: number },
) {
  await claimPublicRead(ctx.db, ctx.clientIp ?? null);
  const t = await resolveHub(ctx, input.town, input.hub);
  const tz = t.tenant.timezone;
  const lastDate = addDays(input.date, input.days - 1);
  const from = zonedToUtc(input.date, 0, tz).getTime();
  const to = zonedToUtc(addDays(input.date, input.days), 0, tz).getTime();
  const tenantId = t.tenant.id;
  const { spaces, opening, bookings } = await inTown(t, async () => {
    const spaces = await ctx.db.space.findMany({
      where: {
        tenantId,
        hubId: t.hub.id,
        publicBookable: true,
        archivedAt: null,
        ...(input.spaceId ? { id: input.spaceId } : {}),
      },
      include: { desks: { where: { archivedAt: null }, orderBy: [{ name: 'asc' }], select: { id: true, name: true } } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      take: MAX_PUBLIC_SPACES,
    });
    if (input.spaceId && spaces.length === 0) throw notFound();
    const maxBuffer = Math.max(0, ...spaces.map((s) => s.bufferMinutes)) * 60_000;
    const [opening, bookings] = await Promise.all([
      openingOf(scopeCtx(t), ctx.db, t.hub.id, input.date, lastDate),
      spaces.length === 0
        ? Promise.resolve([])
        : ctx.db.booking.findMany({
            where: {
              tenantId,
              spaceId: { in: spaces.map((s) => s.id) },
              status: { not: 'CANCELLED' },
              startsAt: { lt: new Date(to + maxBuffer) },
              endsAt: { gt: new Date(from - maxBuffer) },
            },
            // Busy time only: no names, purposes or ids leave this function.
            select: { spaceId: true, deskId: true, startsAt: true, endsAt: true },
            take: 20_000,
          }),
    ]);
    return { spaces, opening, bookings };
  });
  return {
    timezone: tz,
    from: input.date,
    days: input.days,
    resources: freeTimeOf(tz, input, spaces, opening, bookings),
  };
}

export interface PublicRequestInput {
  town: string;
  hub: string;
  spaceId: string;
  deskId?: string | undefined;
  startsAt: Date;
  endsAt: Date;
  name: string;
  email: string;
  purpose: string | null;
  attendees: number;
  /** The form's one key (docs/decisions/033): a retried submission gets the first answer, and no second mail. */
  idempotencyKey?: string | undefined;
}

const invalidLink = () =>
  new DomainError('BAD_REQUEST', 'errors.publicBooking.invalidLink', { token: ['errors.publicBooking.invalidLink'] });
const notAvailable = () =>
  new DomainError('CONFLICT', 'errors.publicBooking.notAvailable', { startsAt: ['errors.publicBooking.notAvailable'] });

type Db = Context['db'];
type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** The space (of this hub, open to the public) and desk, locked; the rules, opening hours and a free slot checked. */
async function checkSlot(
  tx: Tx,
  t: PublicHub,
  input: Omit<PublicRequestInput, 'town' | 'hub' | 'name' | 'email'>,
  lock: boolean,
) {
  if (input.endsAt.getTime() <= input.startsAt.getTime())
    throw new DomainError('BAD_REQUEST', 'errors.booking.endBeforeStart', {
      endsAt: ['errors.booking.endBeforeStart'],
    });
  const tenantId = t.tenant.id;
  const [space] = lock
    ? await tx.$queryRaw<
        Space[]
      >`SELECT * FROM "Space" WHERE "tenantId" = ${tenantId}::uuid AND id = ${input.spaceId}::uuid FOR UPDATE`
    : await tx.$queryRaw<
        Space[]
      >`SELECT * FROM "Space" WHERE "tenantId" = ${tenantId}::uuid AND id = ${input.spaceId}::uuid`;
  // Another hub's space, a space closed to the public, a missing one: all "not found".
  if (!space || space.hubId !== t.hub.id || !space.publicBookable || space.archivedAt) throw notFound();
  let desk: Pick<Desk, 'id' | 'name'> | null = null;
  if (input.deskId) {
    desk = await tx.desk.findFirst({
      where: { tenantId, id: input.deskId, spaceId: space.id, archivedAt: null },
      select: { id: true, name: true },
    });
    if (!desk) throw notFound();
  } else if (space.kind === 'COWORKING') {
    throw new DomainError('BAD_REQUEST', 'errors.booking.deskRequired', { deskId: ['errors.booking.deskRequired'] });
  }
  const booking = {
    spaceId: space.id,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    purpose: input.purpose,
    attendees: input.attendees,
  };
  checkRules(scopeCtx(t), space, desk, booking);
  const date = localParts(input.startsAt, t.tenant.timezone).date;
  const [week, closed] = await Promise.all([
    tx.openingHours.findMany({ where: { tenantId, hubId: space.hubId } }),
    tx.openingException.findFirst({
      where: { tenantId, hubId: space.hubId, date: new Date(`${date}T00:00:00Z`) },
      select: { id: true },
    }),
  ]);
  checkOpeningHours(scopeCtx(t), { week, closed: new Set(closed ? [date] : []) }, date, booking);
  const buffer = space.bufferMinutes * 60_000;
  const taken = await tx.booking.findFirst({
    where: {
      tenantId,
      spaceId: space.id,
      deskId: desk?.id ?? null,
      status: { not: 'CANCELLED' },
      startsAt: { lt: new Date(input.endsAt.getTime() + buffer) },
      endsAt: { gt: new Date(input.startsAt.getTime() - buffer) },
    },
    select: { id: true },
  });
  if (taken) throw notAvailable();
  return { space, desk };
}

/**
 * Stores the request and mails the confirmation link. Rate-limited per
 * client IP and per address; answers the same whether or not mail arrives.
 */
export async function requestPublicBooking(ctx: Context, input: PublicRequestInput) {
  const { idempotencyKey, ...request } = input;
  const answer = { ok: true as const, expiresInHours: PUBLIC_REQUEST_HOURS };
  const operation = 'publicBookings.request';
  const idempotency = idempotencyKey
    ? { key: idempotencyKey, operation, fingerprint: requestFingerprint(operation, null, request) }
    : null;
  // A retry is answered before the rate limit counts it: it asks for nothing new.
  if (idempotency) {
    const t = await resolveHub(ctx, input.town, input.hub);
    if (await inTown(t, () => earlierResult(ctx.db, t.tenant.id, idempotency))) return answer;
  }
  await claimPublicRequest(ctx.db, ctx.clientIp ?? null, input.email);
  const t = await resolveHub(ctx, input.town, input.hub);
  await inTown(t, () =>
    tenantIdempotently(
      { db: ctx.db, tenant: t.tenant as Tenant },
      idempotency,
      (claim) => createPublicRequest(ctx, t, request, claim),
      async () => null,
    ),
  );
  return answer;
}

async function createPublicRequest(
  ctx: Context,
  t: PublicHub,
  input: PublicRequestInput,
  idempotency: TenantIdempotency | null,
) {
  const token = newToken();
  const expiresAt = new Date(Date.now() + PUBLIC_REQUEST_HOURS * 3_600_000);
  await ctx.db.$transaction(async (tx) => {
    const { space, desk } = await checkSlot(tx, t, input, false);
    const request = await tx.publicBookingRequest.create({
      data: {
        tenantId: t.tenant.id,
        spaceId: space.id,
        deskId: desk?.id ?? null,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        name: input.name,
        email: input.email,
        purpose: input.purpose,
        attendees: input.attendees,
        tokenHash: hashToken(token),
        expiresAt,
      },
      select: { id: true },
    });
    if (idempotency)
      await tx.tenantIdempotencyKey.create({
        data: { tenantId: t.tenant.id, ...idempotency, resultId: request.id },
      });
    const link = `${mailSettings(ctx).adminUrl}/p/${t.tenant.slug}/${t.hub.slug}/bestaetigen/${token}`;
    await tx.outboxEmail.createMany({
      data: [{ kind: 'booking.publicConfirm', toAddress: input.email, ...confirmMail(t, space, desk, input, link) }],
    });
    await tx.auditEvent.create({
      data: {
        tenantId: t.tenant.id,
        actorUserId: null,
        action: 'booking.publicRequested',
        targetType: 'PublicBookingRequest',
        targetId: request.id,
        requestId: ctx.requestId,
        data: {
          spaceId: space.id,
          deskId: desk?.id ?? null,
          startsAt: input.startsAt.toISOString(),
          endsAt: input.endsAt.toISOString(),
        },
      },
    });
  });
  return null;
}

function confirmMail(
  t: PublicHub,
  space: Space,
  desk: Pick<Desk, 'name'> | null,
  input: PublicRequestInput,
  link: string,
) {
  const at = when({ timezone: t.tenant.timezone, startsAt: input.startsAt, endsAt: input.endsAt }, 'de');
  return {
    subject: `Bitte bestätigen Sie Ihre Buchungsanfrage: ${space.name}`,
    textBody: [
      // Nothing the requester typed goes into this mail: the address is not confirmed yet (docs/decisions/025).
      'Guten Tag,',
      '',
      `Sie haben im ${t.hub.name} (${t.tenant.name}) eine Buchung angefragt:`,
      `Wann: ${at}`,
      `Wo: ${[space.name, desk?.name].filter(Boolean).join(' · ')}`,
      '',
      'Bitte bestätigen Sie die Anfrage über diesen Link:',
      link,
      '',
      `Der Link ist einmal verwendbar und ${PUBLIC_REQUEST_HOURS} Stunden gültig. Bis zur Bestätigung ist der Zeitraum nicht für Sie reserviert. Wenn Sie nichts angefragt haben, ignorieren Sie diese E-Mail einfach.`,
      '',
      '-- \nHubwerk – Digitale Hubs für Kommunen\nDiese E-Mail wurde automatisch versandt.',
    ].join('\n'),
  };
}

/**
 * Opens the link: single use (claimed with a conditional update, safe when
 * the link is opened twice at once), within its lifetime; then books the
 * slot under the space's row lock with the same rules as any booking, or
 * answers "not available" if it was taken meanwhile.
 */
export async function confirmPublicBooking(ctx: Context, input: { town: string; hub: string; token: string }) {
  // A link naming a hub that does not exist (or a town that is not active)
  // is just an invalid link, like a wrong token for a private hub: no answer
  // may tell which hubs exist behind the public pages.
  const t = await resolveHub(ctx, input.town, input.hub, { evenIfPrivate: true }).catch((error: unknown) => {
    throw error instanceof DomainError && error.code === 'NOT_FOUND' ? invalidLink() : error;
  });
  const tenantId = t.tenant.id;
  try {
    return await inTown(t, () =>
      ctx.db.$transaction(async (tx) => {
        // Only a request for a space of this very hub: another hub's token answers like a wrong one.
        const request = await tx.publicBookingRequest.findFirst({
          where: { tenantId, tokenHash: hashToken(input.token), space: { hubId: t.hub.id } },
        });
        if (!request) throw invalidLink();
        if (request.confirmedAt)
          throw new DomainError('CONFLICT', 'errors.publicBooking.alreadyConfirmed', {
            token: ['errors.publicBooking.alreadyConfirmed'],
          });
        if (request.expiresAt <= new Date())
          throw new DomainError('BAD_REQUEST', 'errors.publicBooking.expired', {
            token: ['errors.publicBooking.expired'],
          });
        const { count } = await tx.publicBookingRequest.updateMany({
          where: { tenantId, id: request.id, confirmedAt: null },
          data: { confirmedAt: new Date() },
        });
        if (count !== 1)
          throw new DomainError('CONFLICT', 'errors.publicBooking.alreadyConfirmed', {
            token: ['errors.publicBooking.alreadyConfirmed'],
          });
        const { space, desk } = await checkSlot(tx, t, { ...request, deskId: request.deskId ?? undefined }, true);
        const booking = await tx.booking.create({
          data: {
            tenantId,
            spaceId: space.id,
            deskId: desk?.id ?? null,
            userId: null,
            requesterName: request.name,
            requesterEmail: request.email,
            startsAt: request.startsAt,
            endsAt: request.endsAt,
            purpose: request.purpose,
            attendees: request.attendees,
            status: space.approvalRequired ? 'PENDING' : 'CONFIRMED',
            reminderQueuedAt: request.startsAt.getTime() <= Date.now() + 24 * 3_600_000 ? new Date() : null,
          },
        });
        await tx.publicBookingRequest.update({
          where: { tenantId_id: { tenantId, id: request.id } },
          data: { bookingId: booking.id },
        });
        const facts: BookingMailFacts = {
          bookingId: booking.id,
          tenantSlug: t.tenant.slug,
          timezone: t.tenant.timezone,
          hubName: t.hub.name,
          spaceName: space.name,
          deskName: desk?.name ?? null,
          startsAt: booking.startsAt,
          endsAt: booking.endsAt,
          purpose: booking.purpose,
          bookedBy: null,
          organisationName: null,
          recipientName: request.name,
          recipientEmail: request.email,
          adminUrl: mailSettings(ctx).adminUrl,
        };
        await enqueueBookingMail(tx, booking.status === 'PENDING' ? 'requested' : 'confirmed', facts);
        if (booking.status === 'PENDING')
          await tx.$executeRawUnsafe(
            ENQUEUE_APPROVAL_REQUEST_SQL,
            ...approvalRequestParams(tenantId, null, { ...facts, hubId: t.hub.id, requesterName: request.name }),
          );
        await tx.auditEvent.create({
          data: {
            tenantId,
            actorUserId: null,
            action: 'booking.publicConfirmed',
            targetType: 'Booking',
            targetId: booking.id,
            requestId: ctx.requestId,
            data: { requestId: request.id },
          },
        });
        return {
          status: toApiEnum(oneOf('BookingStatus', booking.status)) as 'pending' | 'confirmed',
          spaceName: space.name,
          deskName: desk?.name ?? null,
          startsAt: booking.startsAt.toISOString(),
          endsAt: booking.endsAt.toISOString(),
        };
      }),
    );
  } catch (error) {
    // Taken by a booking that slipped past (the constraint has the last word): no details.
    if (isExclusionViolation(error)) throw notAvailable();
    throw error;
  }
}
