/**
 * The provider's price list, as data. Amounts are integer euro cents, net;
 * gross adds German VAT (19 %), as municipal finance departments book net
 * and gross separately. Stripe price ids differ per environment (test/live),
 * so they come from configuration, never from code.
 */
export const PLAN_IDS = ['basis', 'standard', 'plus'] as const;
export type PlanId = (typeof PLAN_IDS)[number];
export const INTERVALS = ['month', 'year'] as const;
export type BillingIntervalId = (typeof INTERVALS)[number];

export const VAT_RATE_PERCENT = 19;

export interface Plan {
  id: PlanId;
  /** null = unlimited. */
  maxHubs: number | null;
  sso: boolean;
  netCents: Record<BillingIntervalId, number>;
}

export const PLANS: Record<PlanId, Plan> = {
  basis: { id: 'basis', maxHubs: 1, sso: false, netCents: { month: 14_900, year: 149_000 } },
  standard: { id: 'standard', maxHubs: 3, sso: false, netCents: { month: 34_900, year: 349_000 } },
  plus: { id: 'plus', maxHubs: null, sso: true, netCents: { month: 69_900, year: 699_000 } },
};

/** Gross from net, rounded to the cent (kaufmännisch). */
export function grossCents(netCents: number): number {
  return Math.round((netCents * (100 + VAT_RATE_PERCENT)) / 100);
}

export function priceOf(plan: PlanId, interval: BillingIntervalId) {
  const net = PLANS[plan].netCents[interval];
  const gross = grossCents(net);
  return { netCents: net, vatCents: gross - net, grossCents: gross };
}

/** Monthly recurring revenue of one subscription, net cents (yearly spread over 12 months). */
export function mrrCents(plan: PlanId, interval: BillingIntervalId): number {
  const net = PLANS[plan].netCents[interval];
  return interval === 'month' ? net : Math.round(net / 12);
}

/** The next plan with room for more hubs: the upgrade path named in errors. */
export function upgradeFor(plan: PlanId): PlanId | null {
  if (plan === 'basis') return 'standard';
  if (plan === 'standard') return 'plus';
  return null;
}

export type PriceIds = Record<PlanId, Record<BillingIntervalId, string>>;

/** Price ids of the fake Stripe (no keys configured). */
export const FAKE_PRICE_IDS: PriceIds = {
  basis: { month: 'price_fake_basis_month', year: 'price_fake_basis_year' },
  standard: { month: 'price_fake_standard_month', year: 'price_fake_standard_year' },
  plus: { month: 'price_fake_plus_month', year: 'price_fake_plus_year' },
};

export function planForPrice(
  priceIds: PriceIds,
  priceId: string,
): { plan: PlanId; interval: BillingIntervalId } | null {
  for (const plan of PLAN_IDS) {
    for (const interval of INTERVALS) {
      if (priceIds[plan][interval] === priceId) return { plan, interval };
    }
  }
  return null;
}
