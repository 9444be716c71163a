import { mailSettings } from '../../context.ts';
import { type BookingMailKind, enqueueBookingMail } from '../../mail/booking-mails.ts';
import type { Ctx } from '../spaces/spaces.service.ts';

type Tx = Pick<Ctx['db'], 'booking' | 'outboxEmail'>;

/**
 * Mails the person a booking is for about a change of it (cancelled,
 * approved, rejected), inside the change's transaction (ADR 009): the mail
 * is sent only if the change commits.
 */
export async function notifyBooking(
  ctx: Ctx,
  tx: Tx,
  bookingId: string,
  kind: BookingMailKind,
  extra: { reason?: string | null } = {},
): Promise<void> {
  const b = await tx.booking.findFirst({
    where: { tenantId: ctx.tenant.id, id: bookingId },
    include: {
      space: { select: { name: true, hub: { select: { name: true } } } },
      desk: { select: { name: true } },
      user: { select: { name: true, email: true } },
      createdBy: { select: { name: true } },
      organisation: { select: { name: true } },
    },
  });
  if (!b) return;
  // A public requester has no account: the booking names them.
  const recipient =
    b.user ?? (b.requesterEmail ? { name: b.requesterName ?? b.requesterEmail, email: b.requesterEmail } : null);
  if (!recipient) return;
  await enqueueBookingMail(tx, kind, {
    bookingId: b.id,
    tenantSlug: ctx.tenant.slug,
    timezone: ctx.tenant.timezone,
    hubName: b.space.hub.name,
    spaceName: b.space.name,
    deskName: b.desk?.name ?? null,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    purpose: b.purpose,
    bookedBy: b.createdBy?.name ?? null,
    organisationName: b.organisation?.name ?? null,
    recipientName: recipient.name,
    recipientEmail: recipient.email,
    adminUrl: mailSettings(ctx).adminUrl,
    revision: b.revision,
    reason: extra.reason ?? null,
  });
}
