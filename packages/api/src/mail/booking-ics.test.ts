import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { bookingIcs } from './booking-ics.ts';

const booking = {
  bookingId: '0190c0de-0000-7000-8000-0000000000aa',
  startsAt: new Date('2027-03-30T08:00:00Z'),
  endsAt: new Date('2027-03-30T09:00:00Z'),
  summary: 'Werkstattraum',
  location: 'Digital Hub Einbeck',
  description: 'Workshop',
  status: 'confirmed' as const,
  sequence: 4,
};

const read = (ics: string) => {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const event = calendar.getFirstSubcomponent('vevent')!;
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: event.getFirstPropertyValue('sequence'),
    status: event.getFirstPropertyValue('status'),
    summary: event.getFirstPropertyValue('summary'),
    description: event.getFirstPropertyValue('description'),
  };
};

describe('the .ics attachment of booking mails', () => {
  it('keeps the UID of the download and the feeds, the SEQUENCE, and METHOD:CANCEL for a cancellation', () => {
    expect(read(bookingIcs(booking))).toMatchObject({
      method: 'PUBLISH',
      uid: `${booking.bookingId}@hubwerk`,
      sequence: 4,
      status: 'CONFIRMED',
    });
    expect(read(bookingIcs({ ...booking, status: 'cancelled', sequence: 5 }))).toMatchObject({
      method: 'CANCEL',
      uid: `${booking.bookingId}@hubwerk`,
      sequence: 5,
      status: 'CANCELLED',
    });
  });

  it('writes no control character raw, whatever the purpose holds', () => {
    const every = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f';
    const ics = bookingIcs({ ...booking, summary: `S${every}`, description: `Zweck${every}Ende` });
    // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
    expect(/[\u0000-\u0008\u000A-\u001F\u007F]/.test(ics.replace(/\r\n/g, ''))).toBe(false);
    // Tab stays; LF, CR and CRLF are line breaks; everything else is gone.
    expect(read(ics)).toMatchObject({ summary: 'S\t\n\n', description: 'Zweck\t\n\nEnde' });
  });
});
