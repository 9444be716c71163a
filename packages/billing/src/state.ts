/**
 * Pure rules of the billing state: what a subscription snapshot means for a
 * town, which snapshot wins when Stripe's events arrive out of order, and
 * when a town becomes read-only. No I/O here, so it is tested exhaustively.
 */
import { oneOf, type ValueOf } from '@hubwerk/domain';
import type Stripe from 'stripe';
import { type BillingIntervalId, type PlanId, type PriceIds, PLANS, planForPrice, upgradeFor } from './plans.ts';

export type SubscriptionStatusName = ValueOf<'SubscriptionStatus'>;

export function statusFromStripe(status: Stripe.Subscription.Status): SubscriptionStatusName {
  switch (status) {
    case 'active':
      return 'ACTIVE';
    case 'trialing':
      return 'TRIALING';
    case 'past_due':
      return 'PAST_DUE';
    case 'unpaid':
    case 'paused':
      return 'UNPAID';
    case 'canceled':
    case 'incomplete_expired':
      return 'CANCELED';
    default:
      return 'INCOMPLETE';
  }
}

export interface SubscriptionFields {
  plan: 'BASIS' | 'STANDARD' | 'PLUS';
  interval: 'MONTH' | 'YEAR' | null;
  status: SubscriptionStatusName;
  stripeSubscriptionId: string;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
}

/** What a subscription snapshot says about the town's plan. */
export function subscriptionFields(
  sub: Pick<Stripe.Subscription, 'id' | 'status' | 'cancel_at_period_end' | 'items'>,
  priceIds: PriceIds,
  fallback: { plan: SubscriptionFields['plan']; interval: SubscriptionFields['interval'] },
): SubscriptionFields {
  const item = sub.items.data[0];
  const mapped = item ? planForPrice(priceIds, item.price.id) : null;
  const status = statusFromStripe(sub.status);
  // An ended subscription leaves the town on Basis; nothing of its data goes.
  const ended = status === 'CANCELED' || status === 'INCOMPLETE';
  return {
    plan: ended ? 'BASIS' : mapped ? (mapped.plan.toUpperCase() as SubscriptionFields['plan']) : fallback.plan,
    interval: ended ? null : mapped ? (mapped.interval.toUpperCase() as 'MONTH' | 'YEAR') : fallback.interval,
    status,
    stripeSubscriptionId: sub.id,
    currentPeriodEnd: item ? new Date(item.current_period_end * 1000) : null,
    cancelAtPeriodEnd: sub.cancel_at_period_end,
  };
}

/**
 * Stripe does not order webhook deliveries. Each applied state remembers the
 * `created` second of its event; an older event is ignored, a newer one
 * applied, and a tie (two events in one second) is settled by re-reading the
 * object from Stripe, which always holds the newest state.
 */
export type Freshness = 'older' | 'same-second' | 'newer';
export function freshness(eventCreated: Date, stateAt: Date | null): Freshness {
  if (stateAt === null || eventCreated.getTime() > stateAt.getTime()) return 'newer';
  return eventCreated.getTime() === stateAt.getTime() ? 'same-second' : 'older';
}

/** The current subscription of a town: one only; a different, ended one never replaces an active one. */
export function replacesCurrent(
  current: { stripeSubscriptionId: string | null; status: SubscriptionStatusName },
  incoming: SubscriptionFields,
): boolean {
  if (current.stripeSubscriptionId === null || current.stripeSubscriptionId === incoming.stripeSubscriptionId)
    return true;
  // Another subscription of the same customer: an ended one (the plan a town
  // changed away from) must not overwrite the live one.
  return incoming.status !== 'CANCELED' || current.status === 'CANCELED' || current.status === 'NONE';
}

export interface DunningState {
  pastDueSince: Date | null;
  /** A SubscriptionStatusName, as the database row holds it. */
  status: string;
}

export type ReadOnlyReason = 'payment-overdue';

/** After the grace period a town with an unpaid invoice may read but not change anything. */
export function readOnlyReason(
  state: Pick<DunningState, 'pastDueSince'> | null,
  now: Date,
  graceDays: number,
): ReadOnlyReason | null {
  if (!state?.pastDueSince) return null;
  return now.getTime() - state.pastDueSince.getTime() >= graceDays * 86_400_000 ? 'payment-overdue' : null;
}

/** A warning banner: payment failed, not yet (or already) read-only. */
export function paymentWarning(state: DunningState | null): boolean {
  return Boolean(state?.pastDueSince) || state?.status === 'PAST_DUE' || state?.status === 'UNPAID';
}

export function planIdOf(plan: string): PlanId {
  return oneOf('BillingPlan', plan).toLowerCase() as PlanId;
}
export function intervalIdOf(interval: string | null): BillingIntervalId | null {
  return interval ? (oneOf('BillingInterval', interval).toLowerCase() as BillingIntervalId) : null;
}

/** null when another hub fits the plan; else the plan and where to go. */
export function hubLimitExceeded(
  plan: PlanId,
  hubCount: number,
): { plan: PlanId; maxHubs: number; upgrade: PlanId | null } | null {
  const max = PLANS[plan].maxHubs;
  if (max === null || hubCount < max) return null;
  return { plan, maxHubs: max, upgrade: upgradeFor(plan) };
}
