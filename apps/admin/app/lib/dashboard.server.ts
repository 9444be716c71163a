import { createCookie } from '@remix-run/node';
import { addDays, localParts, zonedToUtc } from '@hubwerk/domain';
import { env } from '../env.server.ts';
import { DISPLAY_TIME_ZONE } from '../i18n/index.ts';
import { load, type ApiClient } from './api.server.ts';
import { arrivalCounts, bookingsOfDay, type TownSetup } from './dashboard.ts';

interface Town {
  slug: string;
  timezone: string;
  hubs: ReadonlyArray<{ id: string; name: string }>;
}
/** A dashboard for a town with more hubs than this shows the first ones (the hub pages show every one). */
const MAX_HUBS = 8;
/** Arrivals are read per booking: a day with more shows the counts of the first ones. */
const MAX_ARRIVALS = 40;

/**
 * Today in the hubs this user looks after (every hub for a town admin, their
 * own for hub staff): bookings, requests waiting for them, arrivals so far.
 * Two round trips: the hubs' days (one batch), then the arrivals (one batch).
 */
export async function loadToday(request: Request, api: ApiClient, town: Town) {
  const tz = town.timezone || DISPLAY_TIME_ZONE;
  const date = localParts(new Date(), tz).date;
  const from = zonedToUtc(date, 0, tz);
  const to = zonedToUtc(addDays(date, 1), 0, tz);
  const hubs = town.hubs.slice(0, MAX_HUBS);
  const [perHub, approvals] = await Promise.all([
    Promise.all(
      hubs.map(async (hub) => {
        const [spaces, week] = await Promise.all([
          load(request, () => api.spaces.list.query({ tenant: town.slug, hubId: hub.id })),
          load(request, () => api.hubCalendar.week.query({ tenant: town.slug, hubId: hub.id, date })),
        ]);
        return { hub, mine: spaces.canConfigure, bookings: bookingsOfDay(week.items, from, to) };
      }),
    ),
    load(request, () => api.approvals.pending.query({ tenant: town.slug, limit: 1 })),
  ]);
  const mine = perHub.filter((h) => h.mine);
  const confirmed = mine.flatMap((h) => h.bookings.filter((b) => b.status === 'confirmed')).slice(0, MAX_ARRIVALS);
  const arrivals = await Promise.all(
    confirmed.map((b) => load(request, () => api.checkIn.state.query({ tenant: town.slug, bookingId: b.id }))),
  );
  const byBooking = new Map(arrivals.map((a) => [a.bookingId, a]));
  return {
    date,
    pendingApprovals: approvals.mayApprove ? approvals.total : null,
    arrivals: arrivalCounts(arrivals),
    hubs: mine.map(({ hub, bookings }) => ({
      id: hub.id,
      name: hub.name,
      bookings: bookings.map((b) => {
        const arrival = byBooking.get(b.id);
        return {
          id: b.id,
          place: b.deskName ? `${b.spaceName}, ${b.deskName}` : b.spaceName,
          startsAt: b.startsAt,
          endsAt: b.endsAt,
          forName: b.forName,
          state:
            b.status === 'pending'
              ? ('pending' as const)
              : arrival?.checkedInAt
                ? ('arrived' as const)
                : arrival?.noShowAt
                  ? ('noShow' as const)
                  : ('expected' as const),
        };
      }),
    })),
  };
}

/** What a new town has set up so far, for its admin's first steps (one batch). */
export async function loadSetup(
  request: Request,
  api: ApiClient,
  town: Town,
  mayReadBilling: boolean,
): Promise<TownSetup> {
  const first = town.hubs[0] ?? null;
  const hubs = town.hubs.slice(0, MAX_HUBS);
  const [profile, spaces, hours, members, invitations, billing] = await Promise.all([
    first ? load(request, () => api.hubs.profile.query({ tenant: town.slug, hubId: first.id })) : null,
    Promise.all(hubs.map((h) => load(request, () => api.spaces.list.query({ tenant: town.slug, hubId: h.id })))),
    Promise.all(
      hubs.map((h) => load(request, () => api.spaces.openingHours.query({ tenant: town.slug, hubId: h.id }))),
    ),
    load(request, () => api.staff.members.query({ tenant: town.slug, limit: 2 })),
    load(request, () => api.staff.invitations.query({ tenant: town.slug })),
    mayReadBilling ? load(request, () => api.billing.get.query({ tenant: town.slug })) : null,
  ]);
  return {
    slug: town.slug,
    firstHubId: first?.id ?? null,
    profileComplete: Boolean(profile?.description && (profile.contactEmail || profile.contactPhone)),
    hasSpace: spaces.some((s) => s.items.length > 0),
    hasOpeningHours: hours.some((h) => h.week.length > 0),
    hasStaff: members.items.length > 1 || invitations.items.some((i) => i.status === 'open' || i.status === 'accepted'),
    hasBillingContact: billing ? Boolean(billing.contact.contactEmail) : null,
  };
}

// Which first-steps lists were put away, per account and town, in this browser: a preference, not data.
const dismissedCookie = createCookie('hubwerk_steps', {
  path: '/',
  sameSite: 'lax',
  httpOnly: true,
  secure: env.isProduction,
  maxAge: 60 * 60 * 24 * 365,
});
const key = (userId: string, slug: string) => `${userId}:${slug}`;

async function dismissed(request: Request): Promise<string[]> {
  const value: unknown = await dismissedCookie.parse(request.headers.get('Cookie'));
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export async function checklistDismissed(request: Request, userId: string, slug: string): Promise<boolean> {
  return (await dismissed(request)).includes(key(userId, slug));
}

/** The Set-Cookie value that puts this town's first steps away for this account (the last 20 kept). */
export async function dismissChecklist(request: Request, userId: string, slug: string): Promise<string> {
  const list = [...(await dismissed(request)).filter((k) => k !== key(userId, slug)), key(userId, slug)].slice(-20);
  return dismissedCookie.serialize(list);
}
