import type { RenderedMail } from './templates.ts';

/**
 * Mails to an event's participants (docs/decisions/038). Both languages,
 * German first: a member's language is not recorded per town. Enqueued in
 * the transaction that changes the registration, so a mail goes out only for
 * what committed.
 */
export const EVENT_MAIL_KINDS = [
  'confirmed',
  'waitlisted',
  'promoted',
  'offered',
  'cancelled',
  'eventCancelled',
] as const;
export type EventMailKind = (typeof EVENT_MAIL_KINDS)[number];

export interface EventMailFacts {
  title: string;
  tenantSlug: string;
  eventId: string;
  adminUrl: string;
  /** The first session's start, in the town's zone. */
  startsAt: Date | null;
  timezone: string;
  offerExpiresAt?: Date | null;
  /** A number, or a marker the statement that queues the person replaces with their place. */
  waitlistPosition?: number | string | null;
}

const SIGNATURE =
  '-- \nHubwerk – Digitale Hubs für Kommunen / Digital Hubs for municipalities\nDiese E-Mail wurde automatisch versandt. / This email was sent automatically.';

const format = (d: Date, timezone: string, locale: 'de' | 'en') =>
  new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone: timezone,
    dateStyle: 'full',
    timeStyle: 'short',
  }).format(d);

const LINES: Record<EventMailKind, (f: EventMailFacts) => { subject: [string, string]; de: string; en: string }> = {
  confirmed: () => ({
    subject: ['Anmeldung bestätigt', 'Registration confirmed'],
    de: 'Ihre Anmeldung ist bestätigt. Wir freuen uns auf Sie.',
    en: 'Your registration is confirmed. We look forward to seeing you.',
  }),
  waitlisted: (f) => ({
    subject: ['Auf der Warteliste', 'On the waiting list'],
    de: `Die Veranstaltung ist ausgebucht. Sie stehen auf Platz ${f.waitlistPosition ?? '?'} der Warteliste; wird ein Platz frei, melden wir uns.`,
    en: `The event is fully booked. You are number ${f.waitlistPosition ?? '?'} on the waiting list; we will write when a seat frees up.`,
  }),
  promoted: () => ({
    subject: ['Platz frei geworden – Sie sind dabei', 'A seat freed up – you are in'],
    de: 'Ein Platz ist frei geworden: Ihre Anmeldung von der Warteliste ist jetzt bestätigt.',
    en: 'A seat has freed up: your registration from the waiting list is now confirmed.',
  }),
  offered: (f) => ({
    subject: ['Ein Platz für Sie', 'A seat for you'],
    de: `Ein Platz ist frei geworden und für Sie reserviert bis ${f.offerExpiresAt ? format(f.offerExpiresAt, f.timezone, 'de') : '?'}. Bitte nehmen Sie ihn bis dahin an, sonst geht er an die nächste Person auf der Warteliste.`,
    en: `A seat has freed up and is held for you until ${f.offerExpiresAt ? format(f.offerExpiresAt, f.timezone, 'en') : '?'}. Please accept it by then; otherwise it passes to the next person waiting.`,
  }),
  cancelled: () => ({
    subject: ['Anmeldung storniert', 'Registration cancelled'],
    de: 'Ihre Anmeldung wurde storniert.',
    en: 'Your registration has been cancelled.',
  }),
  eventCancelled: () => ({
    subject: ['Veranstaltung abgesagt', 'Event cancelled'],
    de: 'Die Veranstaltung wurde leider abgesagt. Ihre Anmeldung ist damit hinfällig.',
    en: 'Unfortunately the event has been cancelled. Your registration no longer applies.',
  }),
};

export function eventMail(kind: EventMailKind, facts: EventMailFacts): RenderedMail {
  const lines = LINES[kind](facts);
  const link = `${facts.adminUrl}/towns/${encodeURIComponent(facts.tenantSlug)}/events/${facts.eventId}`;
  const whenDe = facts.startsAt ? format(facts.startsAt, facts.timezone, 'de') : '';
  const whenEn = facts.startsAt ? format(facts.startsAt, facts.timezone, 'en') : '';
  return {
    subject: `${lines.subject[0]} / ${lines.subject[1]}: ${facts.title}`,
    text: [
      'Guten Tag,',
      '',
      lines.de,
      '',
      `Veranstaltung: ${facts.title}`,
      ...(whenDe ? [`Beginn: ${whenDe}`] : []),
      link,
      '',
      '---',
      '',
      'Hello,',
      '',
      lines.en,
      '',
      `Event: ${facts.title}`,
      ...(whenEn ? [`Starts: ${whenEn}`] : []),
      link,
      '',
      SIGNATURE,
    ].join('\n'),
  };
}
