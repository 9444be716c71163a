/**
 * One booking as an iCalendar object (RFC 5545) for mail attachments. Times
 * in UTC ("Z"), so no VTIMEZONE is needed; the UID is the one the admin
 * app's .ics download uses (`<booking id>@hubwerk`), so a calendar updates
 * the same event on a change or cancellation instead of adding a second.
 */
export interface BookingIcsEvent {
  bookingId: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  location: string;
  description: string;
  status: 'pending' | 'confirmed' | 'cancelled';
  /** Grows with every mail about the booking, so clients apply the newest. */
  sequence: number;
}

const STATUS = { pending: 'TENTATIVE', confirmed: 'CONFIRMED', cancelled: 'CANCELLED' } as const;
const utc = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const text = (v: string) => v.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** Lines over 75 octets are folded (CRLF + space), never inside a UTF-8 character. */
function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
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

export function bookingIcs(e: BookingIcsEvent, now = new Date()): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Hubwerk//Buchungen//DE',
    'CALSCALE:GREGORIAN',
    `METHOD:${e.status === 'cancelled' ? 'CANCEL' : 'PUBLISH'}`,
    'BEGIN:VEVENT',
    `UID:${e.bookingId}@hubwerk`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utc(now)}`,
    `DTSTART:${utc(e.startsAt)}`,
    `DTEND:${utc(e.endsAt)}`,
    `SUMMARY:${text(e.summary)}`,
    `LOCATION:${text(e.location)}`,
    `DESCRIPTION:${text(e.description)}`,
    `STATUS:${STATUS[e.status]}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
