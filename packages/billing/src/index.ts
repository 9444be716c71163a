export {
  BillingInputError,
  createBilling,
  invoiceAmounts,
  type Billing,
  type BillingConfig,
  type BillingContact,
  type Db,
  type Tx,
  type WebhookResult,
  WEBHOOK_TOLERANCE_SECONDS,
} from './service.ts';
export { createStripeClient } from './stripe-client.ts';
export * from './plans.ts';
export { readOnlyReason, paymentWarning, hubLimitExceeded, type ReadOnlyReason } from './state.ts';
