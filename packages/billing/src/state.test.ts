import { describe, expect, it } from 'vitest';
import { FAKE_PRICE_IDS, grossCents, mrrCents, priceOf, upgradeFor } from './plans.ts';
import {
  freshness,
  hubLimitExceeded,
  paymentWarning,
  readOnlyReason,
  replacesCurrent,
  subscriptionFields,
} from './state.ts';

const day = 86_400_000;

describe('plans', () => {
  it('prices net, VAT 19 % and gross in whole cents', () => {
    expect(priceOf('basis', 'month')).toEqual({ netCents: 14_900, vatCents: 2_831, grossCents: 17_731 });
    expect(grossCents(1)).toBe(1);
    expect(grossCents(3)).toBe(4); // 3.57 → 4 (kaufmännisch)
    expect(mrrCents('standard', 'year')).toBe(29_083);
    expect(mrrCents('plus', 'month')).toBe(69_900);
  });

  it('names the way up and the limit', () => {
    expect(upgradeFor('basis')).toBe('standard');
    expect(upgradeFor('plus')).toBeNull();
    expect(hubLimitExceeded('basis', 0)).toBeNull();
    expect(hubLimitExceeded('basis', 1)).toEqual({ plan: 'basis', maxHubs: 1, upgrade: 'standard' });
    expect(hubLimitExceeded('standard', 2)).toBeNull();
    expect(hubLimitExceeded('standard', 3)).toEqual({ plan: 'standard', maxHubs: 3, upgrade: 'plus' });
    expect(hubLimitExceeded('plus', 10_000)).toBeNull();
  });
});

describe('dunning', () => {
  const since = new Date('2026-01-01T00:00:00Z');
  it('is read-only from exactly the end of the grace period, not a millisecond before', () => {
    expect(readOnlyReason({ pastDueSince: since }, new Date(since.getTime() + 14 * day - 1), 14)).toBeNull();
    expect(readOnlyReason({ pastDueSince: since }, new Date(since.getTime() + 14 * day), 14)).toBe('payment-overdue');
    expect(readOnlyReason({ pastDueSince: null }, new Date(since.getTime() + 100 * day), 14)).toBeNull();
    expect(readOnlyReason(null, new Date(), 14)).toBeNull();
  });

  it('warns on a failed payment or a past-due subscription', () => {
    expect(paymentWarning({ pastDueSince: since, status: 'ACTIVE' })).toBe(true);
    expect(paymentWarning({ pastDueSince: null, status: 'UNPAID' })).toBe(true);
    expect(paymentWarning({ pastDueSince: null, status: 'ACTIVE' })).toBe(false);
  });
});

describe('ordering', () => {
  it('compares event seconds with the applied state', () => {
    const at = new Date(1_900_000_000_000);
    expect(freshness(at, null)).toBe('newer');
    expect(freshness(new Date(at.getTime() + 1000), at)).toBe('newer');
    expect(freshness(at, at)).toBe('same-second');
    expect(freshness(new Date(at.getTime() - 1000), at)).toBe('older');
  });

  it('maps a subscription to a plan; an ended one falls back to Basis; an ended other one never replaces the live one', () => {
    const sub = (id: string, status: 'active' | 'canceled', price: string) =>
      ({
        id,
        status,
        cancel_at_period_end: false,
        items: { data: [{ price: { id: price }, current_period_end: 1_900_000_000 }] },
      }) as never;
    const live = subscriptionFields(sub('sub_2', 'active', FAKE_PRICE_IDS.plus.year), FAKE_PRICE_IDS, {
      plan: 'BASIS',
      interval: null,
    });
    expect(live).toMatchObject({
      plan: 'PLUS',
      interval: 'YEAR',
      status: 'ACTIVE',
      currentPeriodEnd: new Date(1_900_000_000_000),
    });
    const ended = subscriptionFields(sub('sub_1', 'canceled', FAKE_PRICE_IDS.standard.month), FAKE_PRICE_IDS, {
      plan: 'PLUS',
      interval: 'YEAR',
    });
    expect(ended).toMatchObject({ plan: 'BASIS', interval: null, status: 'CANCELED' });
    expect(replacesCurrent({ stripeSubscriptionId: 'sub_2', status: 'ACTIVE' }, ended)).toBe(false);
    expect(replacesCurrent({ stripeSubscriptionId: 'sub_1', status: 'ACTIVE' }, ended)).toBe(true);
    expect(replacesCurrent({ stripeSubscriptionId: 'sub_1', status: 'CANCELED' }, live)).toBe(true);
  });
});
