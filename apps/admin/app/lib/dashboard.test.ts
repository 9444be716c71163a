import { describe, expect, it } from 'vitest';
import { arrivalCounts, bookingsOfDay, firstSteps, type TodayBooking, type TownSetup } from './dashboard.ts';

const booking = (id: string, startsAt: string, endsAt: string, status: TodayBooking['status'] = 'confirmed') => ({
  id,
  hubId: 'h1',
  spaceName: 'Co-Working',
  deskName: null,
  startsAt,
  endsAt,
  status,
  forName: null,
});

describe('today’s bookings', () => {
  // 2026-12-08 in Berlin (UTC+1): 2026-12-07T23:00Z – 2026-12-08T23:00Z.
  const from = new Date('2026-12-07T23:00:00Z');
  const to = new Date('2026-12-08T23:00:00Z');

  it('keeps what touches the local day, earliest first, without cancelled ones', () => {
    const items = [
      booking('late', '2026-12-08T15:00:00Z', '2026-12-08T16:00:00Z'),
      booking('early', '2026-12-07T23:00:00Z', '2026-12-08T08:00:00Z'),
      booking('yesterday', '2026-12-07T20:00:00Z', '2026-12-07T23:00:00Z'),
      booking('tomorrow', '2026-12-08T23:00:00Z', '2026-12-09T01:00:00Z'),
      booking('cancelled', '2026-12-08T10:00:00Z', '2026-12-08T11:00:00Z', 'cancelled'),
      booking('overnight', '2026-12-08T22:00:00Z', '2026-12-09T02:00:00Z', 'pending'),
    ];
    expect(bookingsOfDay(items, from, to).map((b) => b.id)).toEqual(['early', 'late', 'overnight']);
  });

  it('counts arrivals, no-shows and who is still expected', () => {
    expect(
      arrivalCounts([
        { bookingId: 'a', checkedInAt: '2026-12-08T08:01:00Z', noShowAt: null },
        { bookingId: 'b', checkedInAt: null, noShowAt: '2026-12-08T09:00:00Z' },
        { bookingId: 'c', checkedInAt: null, noShowAt: null },
        { bookingId: 'd', checkedInAt: null, noShowAt: null },
      ]),
    ).toEqual({ arrived: 1, noShows: 1, expected: 2 });
  });
});

describe('first steps', () => {
  const fresh: TownSetup = {
    slug: 'bad-harzburg',
    firstHubId: 'h1',
    profileComplete: false,
    hasSpace: false,
    hasOpeningHours: false,
    hasStaff: false,
    hasBillingContact: false,
  };

  it('ticks each step from the town’s data and leads to where it is done', () => {
    const steps = firstSteps({ ...fresh, hasSpace: true, hasBillingContact: true });
    expect(steps.map((s) => [s.id, s.done])).toEqual([
      ['hub', true],
      ['profile', false],
      ['space', true],
      ['hours', false],
      ['staff', false],
      ['billing', true],
    ]);
    expect(steps.find((s) => s.id === 'hours')?.to).toBe('/towns/bad-harzburg/hubs/h1/settings#hours-title');
    expect(steps.find((s) => s.id === 'space')?.to).toBe('/towns/bad-harzburg/hubs/h1/spaces/new');
  });

  it('without a hub, leads every hub step to creating one; billing only for who may see it', () => {
    const steps = firstSteps({ ...fresh, firstHubId: null, hasBillingContact: null });
    expect(steps.map((s) => s.id)).not.toContain('billing');
    expect(steps.find((s) => s.id === 'hub')).toMatchObject({
      done: false,
      to: '/towns/bad-harzburg#create-hub-title',
    });
    expect(steps.find((s) => s.id === 'profile')?.to).toBe('/towns/bad-harzburg#create-hub-title');
  });
});
