import type { PlatformTx } from '@hubwerk/db';
import { enqueueMail } from './outbox.ts';
import { absoluteLink, paymentFailedMail } from './templates.ts';

/**
 * The dunning mail, for billing's onPaymentFailed hook: every admin of the
 * town is told, in the webhook's transaction, when the town becomes
 * read-only — when the grace period starts, and again if a failure Stripe
 * delivered late moves that date forward (docs/decisions/026).
 */
export function createDunningNotifier(adminUrl: () => string) {
  return async (tx: PlatformTx, event: { tenantId: string; readOnlyFrom: Date }) => {
    const tenant = await tx.tenant.findUniqueOrThrow({
      where: { id: event.tenantId },
      select: { name: true, slug: true },
    });
    const admins = await tx.tenantMembership.findMany({
      where: { tenantId: event.tenantId, role: 'TOWN_ADMIN' },
      select: { user: { select: { email: true } } },
      orderBy: { createdAt: 'asc' },
      take: 50,
    });
    const link = absoluteLink(adminUrl(), `/towns/${encodeURIComponent(tenant.slug)}/billing`);
    for (const { user } of admins) {
      await enqueueMail(
        tx,
        'dunning',
        user.email,
        paymentFailedMail({ locale: 'de', townName: tenant.name, readOnlyFrom: event.readOnlyFrom, link }),
      );
    }
  };
}
