import type { PipelinedQuery } from '@hubwerk/db';
import { bookingSequence, uuid7 } from '@hubwerk/domain';
import { bookingIcs } from './booking-ics.ts';
import type { OutboxWriter } from './outbox.ts';
import type { MailLocale } from './templates.ts';

/**
 * Booking mails: sent to the person a booking is for, enqueued in
 * the transaction of the change (transactional outbox, ADR 009), each with
 * the booking as an .ics attachment and a link to "Meine Buchungen".
 */
export type BookingMailKind =
  'confirmed' | 'requested' | 'approved' | 'rejected' | 'cancelled' | 'reminder' | 'changed' | 'changeRequested';

export interface BookingMailFacts {
  bookingId: string;
  tenantSlug: string;
  timezone: string;
  hubName: string;
  spaceName: string;
  deskName: string | null;
  startsAt: Date;
  endsAt: Date;
  purpose: string | null;
  /** Who made it, when not the recipient (staff booking for a member). */
  bookedBy: string | null;
  organisationName: string | null;
  recipientName: string;
  recipientEmail: string;
  adminUrl: string;
  locale?: MailLocale;
  /** Booking.revision: how often it was changed; with the kind's status it makes the .ics SEQUENCE (docs/decisions/017). */
  revision?: number;
  /** For a change made by someone else (staff): who. */
  changedBy?: string | null;
  /** For a change: where and when it was before, shown next to the new time. */
  previous?: { startsAt: Date; endsAt: Date; where: string };
  /** Why staff rejected the request, in their words. */
  reason?: string | null;
}

const SUBJECT: Record<BookingMailKind, Record<MailLocale, string>> = {
  confirmed: { de: 'Buchung bestätigt', en: 'Booking confirmed' },
  requested: { de: 'Buchungsanfrage eingegangen', en: 'Booking request received' },
  approved: { de: 'Buchung freigegeben', en: 'Booking approved' },
  rejected: { de: 'Buchung abgelehnt', en: 'Booking rejected' },
  cancelled: { de: 'Buchung storniert', en: 'Booking cancelled' },
  reminder: { de: 'Erinnerung an Ihre Buchung', en: 'Reminder of your booking' },
  changed: { de: 'Buchung geändert', en: 'Booking changed' },
  changeRequested: { de: 'Buchungsänderung angefragt', en: 'Booking change requested' },
};

const LEAD: Record<BookingMailKind, Record<MailLocale, string>> = {
  confirmed: { de: 'Ihre Buchung ist bestätigt.', en: 'your booking is confirmed.' },
  requested: {
    de: 'Ihre Buchungsanfrage ist eingegangen. Die Hub-Leitung entscheidet darüber; Sie erhalten dann eine weitere E-Mail.',
    en: 'your booking request has been received. The hub management will decide on it and you will get another email.',
  },
  approved: {
    de: 'Ihre Buchung wurde von der Hub-Leitung freigegeben.',
    en: 'your booking has been approved by the hub management.',
  },
  rejected: {
    de: 'Ihre Buchungsanfrage wurde leider abgelehnt. Der Zeitraum ist wieder frei.',
    en: 'unfortunately your booking request has been rejected. The time slot is free again.',
  },
  cancelled: { de: 'Ihre Buchung wurde storniert.', en: 'your booking has been cancelled.' },
  reminder: { de: 'Ihre Buchung beginnt bald.', en: 'your booking starts soon.' },
  changed: {
    de: 'Ihre Buchung wurde geändert. Der Termin in Ihrem Kalender wird mit dem Anhang aktualisiert.',
    en: 'your booking has been changed. The attached file updates the event in your calendar.',
  },
  changeRequested: {
    de: 'Ihre Buchung wurde geändert. Der neue Raum braucht eine Freigabe: Die Hub-Leitung entscheidet darüber; Sie erhalten dann eine weitere E-Mail.',
    en: 'your booking has been changed. The new space needs approval: the hub management will decide on it and you will get another email.',
  },
};

/** The status each mail announces, as the .ics STATUS and the base of its SEQUENCE. */
const STATUS_OF: Record<BookingMailKind, 'pending' | 'confirmed' | 'cancelled'> = {
  requested: 'pending',
  changeRequested: 'pending',
  confirmed: 'confirmed',
  approved: 'confirmed',
  reminder: 'confirmed',
  changed: 'confirmed',
  rejected: 'cancelled',
  cancelled: 'cancelled',
};

// Building an Intl formatter costs more than formatting with it: one per locale, zone and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: MailLocale, timeZone: string, style: 'day' | 'time'): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone} ${style}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      style === 'day'
        ? { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
        : { timeZone, hour: '2-digit', minute: '2-digit' };
    f = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', options);
    formatters.set(key, f);
  }
  return f;
}

/** "Montag, 1. Dezember 2026, 09:00–10:00" in the town's zone. */
export function when(facts: Pick<BookingMailFacts, 'timezone' | 'startsAt' | 'endsAt'>, locale: MailLocale): string {
  const time = formatter(locale, facts.timezone, 'time');
  return `${formatter(locale, facts.timezone, 'day').format(facts.startsAt)}, ${time.format(facts.startsAt)}–${time.format(facts.endsAt)}`;
}

export function renderBookingMail(kind: BookingMailKind, facts: BookingMailFacts) {
  const locale = facts.locale ?? 'de';
  const de = locale === 'de';
  const where = [facts.hubName, facts.spaceName, facts.deskName].filter(Boolean).join(' · ');
  const link = `${facts.adminUrl}/towns/${facts.tenantSlug}/bookings`;
  const lines = [
    de ? `Guten Tag ${facts.recipientName},` : `Hello ${facts.recipientName},`,
    '',
    de ? LEAD[kind].de : LEAD[kind].en.replace(/^./, (c) => c.toUpperCase()),
    '',
    `${de ? 'Wann' : 'When'}: ${when(facts, locale)}`,
    `${de ? 'Wo' : 'Where'}: ${where}`,
    ...(facts.purpose ? [`${de ? 'Zweck' : 'Purpose'}: ${facts.purpose}`] : []),
    ...(facts.organisationName ? [`${de ? 'Für' : 'For'}: ${facts.organisationName}`] : []),
    ...(facts.bookedBy ? [`${de ? 'Gebucht von' : 'Booked by'}: ${facts.bookedBy}`] : []),
    ...(facts.changedBy ? [`${de ? 'Geändert von' : 'Changed by'}: ${facts.changedBy}`] : []),
    ...(facts.reason
      ? [`${kind === 'rejected' ? (de ? 'Begründung' : 'Reason') : de ? 'Hinweis' : 'Note'}: ${facts.reason}`]
      : []),
    ...(facts.previous
      ? [
          `${de ? 'Bisher' : 'Before'}: ${when({ ...facts.previous, timezone: facts.timezone }, locale)}, ${facts.previous.where}`,
        ]
      : []),
    '',
    de
      ? 'Im Anhang finden Sie den Termin für Ihren Kalender. Ihre Buchungen:'
      : 'The attached file adds the booking to your calendar. Your bookings:',
    link,
    '',
    de
      ? '-- \nHubwerk – Digitale Hubs für Kommunen\nDiese E-Mail wurde automatisch versandt.'
      : '-- \nHubwerk – Digital Hubs for municipalities\nThis email was sent automatically.',
  ];
  const status = STATUS_OF[kind];
  // The same number the .ics download and the feeds show (docs/decisions/017).
  const sequence = bookingSequence(status, facts.revision ?? 0);
  return {
    subject: `${de ? SUBJECT[kind].de : SUBJECT[kind].en}: ${facts.spaceName}, ${when(facts, locale)}`,
    text: lines.join('\n'),
    ics: bookingIcs({
      bookingId: facts.bookingId,
      startsAt: facts.startsAt,
      endsAt: facts.endsAt,
      summary: `${facts.spaceName}${facts.deskName ? ` – ${facts.deskName}` : ''} (${facts.hubName})`,
      location: where,
      description: `${SUBJECT[kind][locale]}. ${link}`,
      status,
      sequence,
    }),
  };
}

const kindOf = (kind: BookingMailKind) => `booking.${kind}`;

/** Enqueues on a Prisma transaction (cancel, approve/reject) — committed with it. */
export async function enqueueBookingMail(
  tx: OutboxWriter,
  kind: BookingMailKind,
  facts: BookingMailFacts,
): Promise<void> {
  const mail = renderBookingMail(kind, facts);
  await tx.outboxEmail.createMany({
    data: [
      {
        kind: kindOf(kind),
        toAddress: facts.recipientEmail,
        subject: mail.subject,
        textBody: mail.text,
        icsAttachment: mail.ics,
      },
    ],
  });
}

/** Enqueues inside a pipelined transaction (bookings.create, ADR 006) — committed with it. */
export function queueBookingMail(
  query: PipelinedQuery,
  kind: BookingMailKind,
  facts: BookingMailFacts,
): Promise<unknown> {
  const mail = renderBookingMail(kind, facts);
  // No RETURNING: the app role may insert into the outbox but not read it.
  return query(
    `INSERT INTO "OutboxEmail" (id, kind, "toAddress", subject, "textBody", "icsAttachment") VALUES ($1::uuid, $2, $3, $4, $5, $6)`,
    [uuid7(), kindOf(kind), facts.recipientEmail, mail.subject, mail.text, mail.ics],
  );
}
