/**
 * Bookings as iCalendar (RFC 5545), so Outlook, Thunderbird and Nextcloud can
 * add one booking (a file or a mail attachment) or subscribe to many (a
 * feed). The one generator of the product: the admin app's .ics download,
 * the API's feeds (docs/decisions/013) and the booking mails
 * (docs/decisions/015) all write through it, built on `ical-generator`
 * (docs/decisions/026). Times are written in UTC ("Z"): every client shows
 * them in its own zone, and no VTIMEZONE block is needed.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

export interface IcsEvent {
  /** Stable per booking (`<booking id>@hubwerk`): clients update the event with this UID instead of adding a second. */
  uid: string;
  startsAt: string | Date;
  endsAt: string | Date;
  summary: string;
  location: string;
  description: string | null;
  status: 'pending' | 'confirmed' | 'cancelled';
  /** When the file is made (DTSTAMP). */
  stamp: Date;
  /** Revision (SEQUENCE): clients replace an event only by a higher one. */
  sequence?: number;
  /** Last change (LAST-MODIFIED), if known. */
  lastModified?: Date;
}

const STATUS = {
  pending: ICalEventStatus.TENTATIVE,
  confirmed: ICalEventStatus.CONFIRMED,
  cancelled: ICalEventStatus.CANCELLED,
} as const;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// RFC 5545 §3.3.11: a TEXT value may hold no CONTROL character but tab; a
// line break is written escaped ("\n"). The library escapes line breaks but
// passes BEL, VT, DEL, NUL … through raw, and some clients stop reading the
// whole calendar at one of them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Text a person typed, made safe for a TEXT value: every line break (CRLF,
 * a lone CR, LF) becomes one line break, other control characters are
 * dropped, a lone UTF-16 surrogate becomes U+FFFD. Escaping (\, ; , and the
 * line breaks) is the generator's job.
 */
export function icsText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** TEXT escaping (RFC 5545 §3.3.11), for the one value the library leaves as it is. */
const escapeText = (value: string) => value.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');

/**
 * A VCALENDAR with any number of events; `name` becomes the calendar's
 * display name in clients. METHOD:CANCEL tells a mail client to remove the
 * event (a cancellation mail), PUBLISH to add or update it.
 */
export function calendarIcs(events: IcsEvent[], name?: string, method: 'PUBLISH' | 'CANCEL' = 'PUBLISH'): string {
  const calendar = ical({
    prodId: { company: 'Hubwerk', product: 'Buchungen', language: 'DE' },
    scale: 'GREGORIAN',
    method: method === 'CANCEL' ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
    // The library writes the calendar's name (NAME, X-WR-CALNAME) unescaped: a
    // line break in a town's name would start a property of its own.
    ...(name ? { name: escapeText(icsText(name)) } : {}),
  });
  for (const event of events) {
    calendar.createEvent({
      id: icsText(event.uid),
      stamp: event.stamp,
      ...(event.lastModified ? { lastModified: event.lastModified } : {}),
      sequence: event.sequence ?? 0,
      start: new Date(event.startsAt),
      end: new Date(event.endsAt),
      summary: icsText(event.summary),
      location: icsText(event.location),
      ...(event.description ? { description: icsText(event.description) } : {}),
      status: STATUS[event.status],
    });
  }
  // Every content line ends with CRLF, the last one too (RFC 5545 §3.1, §3.4).
  return `${calendar.toString()}\r\n`;
}

/** One booking as a file. */
export function bookingIcs(event: IcsEvent, method: 'PUBLISH' | 'CANCEL' = 'PUBLISH'): string {
  return calendarIcs([event], undefined, method);
}
