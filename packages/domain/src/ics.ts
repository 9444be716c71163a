/**
 * Bookings as iCalendar (RFC 5545), so Outlook, Thunderbird and Nextcloud can
 * add one booking (a file) or subscribe to many (a feed). Times are written
 * in UTC ("Z"): every client shows them in its own zone, and no VTIMEZONE
 * block is needed. Shared by the admin app (.ics per booking) and the API
 * (feeds, docs/decisions/013).
 */
export interface IcsEvent {
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

const STATUS = { pending: 'TENTATIVE', confirmed: 'CONFIRMED', cancelled: 'CANCELLED' } as const;

const utc = (value: string | Date) => new Date(value).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

/** TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11). */
export const escapeText = (value: string) => value.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

const encoder = new TextEncoder();

/** Lines longer than 75 octets are folded: CRLF and one space (§3.1), never inside a UTF-8 character. */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function eventLines(event: IcsEvent): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `DTSTAMP:${utc(event.stamp)}`,
    ...(event.lastModified ? [`LAST-MODIFIED:${utc(event.lastModified)}`] : []),
    `SEQUENCE:${event.sequence ?? 0}`,
    `DTSTART:${utc(event.startsAt)}`,
    `DTEND:${utc(event.endsAt)}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `LOCATION:${escapeText(event.location)}`,
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    `STATUS:${STATUS[event.status]}`,
    'END:VEVENT',
  ];
}

/** A VCALENDAR with any number of events; `name` becomes the calendar's display name in clients. */
export function calendarIcs(events: IcsEvent[], name?: string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Hubwerk//Buchungen//DE',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...(name ? [`X-WR-CALNAME:${escapeText(name)}`] : []),
    ...events.flatMap(eventLines),
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}

/** One booking as a file. */
export function bookingIcs(event: IcsEvent): string {
  return calendarIcs([event]);
}
