import Stripe from 'stripe';

/**
 * The official SDK, configured once. With no key the fake Stripe (msw,
 * `./fake-stripe.ts`) answers the same requests; the SDK does not notice.
 */
export function createStripeClient(options: {
  secretKey: string | undefined;
  timeoutMs?: number;
  maxNetworkRetries?: number;
}): Stripe {
  return new Stripe(options.secretKey ?? 'sk_test_fake_hubwerk_offline', {
    // Retries reuse the Idempotency-Key, so a retried create is still one create.
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 10_000,
    appInfo: { name: 'Hubwerk' },
  });
}
