import type { MessageKey } from '~/i18n/index.ts';

/**
 * The town page's "Heute" and first steps, as plain functions over what the
 * API answered (kept apart from the loader so they are tested without one).
 */
export interface TodayBooking {
  id: string;
  hubId: string;
  spaceName: string;
  deskName: string | null;
  startsAt: string;
  endsAt: string;
  status: 'pending' | 'confirmed' | 'cancelled';
  forName: string | null;
}
export interface Arrival {
  bookingId: string;
  checkedInAt: string | null;
  noShowAt: string | null;
}

/** Bookings touching the local day `date` (YYYY-MM-DD in the town's zone, given as its UTC bounds), earliest first. */
export function bookingsOfDay<B extends TodayBooking>(items: readonly B[], from: Date, to: Date): B[] {
  return items
    .filter((b) => b.status !== 'cancelled' && new Date(b.startsAt) < to && new Date(b.endsAt) > from)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
}

/** Arrived, recorded as not arrived, and still expected — of today's confirmed bookings. */
export function arrivalCounts(arrivals: readonly Arrival[]): { arrived: number; noShows: number; expected: number } {
  let arrived = 0;
  let noShows = 0;
  for (const a of arrivals) {
    if (a.checkedInAt) arrived += 1;
    else if (a.noShowAt) noShows += 1;
  }
  return { arrived, noShows, expected: arrivals.length - arrived - noShows };
}

export type StepId = 'hub' | 'profile' | 'space' | 'hours' | 'staff' | 'billing';
export interface Step {
  id: StepId;
  done: boolean;
  label: MessageKey;
  to: string;
}
export interface TownSetup {
  slug: string;
  firstHubId: string | null;
  /** The first hub's public profile says what it is and how to reach it. */
  profileComplete: boolean;
  hasSpace: boolean;
  hasOpeningHours: boolean;
  /** Someone besides the admin: a second member or an open or accepted invitation. */
  hasStaff: boolean;
  /** Null when this user may not see billing (the step is not theirs). */
  hasBillingContact: boolean | null;
}

/** A new town's first steps, each ticked from the town's real data, in the order they make sense. */
export function firstSteps(town: TownSetup): Step[] {
  const base = `/towns/${encodeURIComponent(town.slug)}`;
  const hub = town.firstHubId ? `${base}/hubs/${encodeURIComponent(town.firstHubId)}` : null;
  const steps: Step[] = [
    { id: 'hub', done: town.firstHubId !== null, label: 'checklist.hub', to: `${base}#create-hub-title` },
    {
      id: 'profile',
      done: town.profileComplete,
      label: 'checklist.profile',
      to: hub ? `${hub}/settings` : `${base}#create-hub-title`,
    },
    { id: 'space', done: town.hasSpace, label: 'checklist.space', to: hub ? `${hub}/spaces/new` : base },
    {
      id: 'hours',
      done: town.hasOpeningHours,
      label: 'checklist.hours',
      to: hub ? `${hub}/settings#hours-title` : base,
    },
    { id: 'staff', done: town.hasStaff, label: 'checklist.staff', to: `${base}/staff` },
  ];
  if (town.hasBillingContact !== null)
    steps.push({ id: 'billing', done: town.hasBillingContact, label: 'checklist.billing', to: `${base}/billing` });
  return steps;
}
