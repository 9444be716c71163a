import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { bookingIcs, calendarIcs, icsText, type IcsEvent } from './ics.ts';

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, '');
const base: IcsEvent = {
  uid: '0190c0de-0000-7000-8000-000000000001@hubwerk',
  startsAt: '2026-12-02T09:00:00.000Z',
  endsAt: '2026-12-02T10:30:00.000Z',
  summary: 'S',
  location: 'L',
  description: 'D',
  status: 'confirmed',
  stamp: new Date('2026-11-25T12:00:00Z'),
  sequence: 3,
};

describe('iCalendar export of a booking', () => {
  const ics = bookingIcs({
    uid: '0190c0de-0000-7000-8000-000000000001@hubwerk',
    startsAt: '2026-12-02T09:00:00.000Z',
    endsAt: '2026-12-02T10:30:00.000Z',
    summary: 'Veranstaltungsraum, Tisch 1',
    location: 'Digital Hub Einbeck',
    description: 'Workshop; Teil 1\nmit Kaffee',
    status: 'pending',
    stamp: new Date('2026-11-25T12:00:00Z'),
  });

  it('writes one VEVENT in UTC with CRLF line ends', () => {
    const lines = ics.split('\r\n');
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('DTSTART:20261202T090000Z');
    expect(lines).toContain('DTEND:20261202T103000Z');
    expect(lines).toContain('DTSTAMP:20261125T120000Z');
    expect(lines).toContain('STATUS:TENTATIVE');
    expect(lines).toContain('SUMMARY:Veranstaltungsraum\\, Tisch 1');
    expect(lines).toContain('DESCRIPTION:Workshop\\; Teil 1\\nmit Kaffee');
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('escapes backslashes and folds long lines at 75 octets without splitting characters', () => {
    const long = bookingIcs({ ...base, summary: `a\\b ${'ä'.repeat(60)}😀${'ö'.repeat(20)}` });
    const lines = long.split('\r\n');
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(long).not.toContain('\uFFFD');
    expect(unfold(long)).toContain(`SUMMARY:a\\\\b ${'ä'.repeat(60)}😀${'ö'.repeat(20)}`);
  });
});

describe('iCalendar feed of many bookings', () => {
  const event = (uid: string, status: 'pending' | 'confirmed' | 'cancelled', sequence: number) => ({
    uid,
    startsAt: new Date('2027-03-30T08:00:00Z'),
    endsAt: new Date('2027-03-30T09:00:00Z'),
    summary: 'Werkstattraum',
    location: 'Digital Hub Einbeck',
    description: null,
    status,
    stamp: new Date('2027-03-01T12:00:00Z'),
    sequence,
    lastModified: new Date('2027-02-01T10:00:00Z'),
  });
  const ics = calendarIcs(
    [event('a@hubwerk', 'confirmed', 1), event('b@hubwerk', 'cancelled', 2)],
    'Hubwerk – Einbeck',
  );

  it('writes one VEVENT per booking with UID, DTSTAMP, SEQUENCE and STATUS, and names the calendar', () => {
    const lines = ics.split('\r\n');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines).toContain('X-WR-CALNAME:Hubwerk – Einbeck');
    const second = ics
      .slice(ics.indexOf('UID:b@hubwerk'), ics.indexOf('END:VEVENT', ics.indexOf('UID:b@hubwerk')))
      .split('\r\n');
    expect(second).toEqual(
      expect.arrayContaining([
        'UID:b@hubwerk',
        'DTSTAMP:20270301T120000Z',
        'LAST-MODIFIED:20270201T100000Z',
        'SEQUENCE:2',
        'DTSTART:20270330T080000Z',
      ]),
    );
    expect(second).toContain('STATUS:CANCELLED');
    expect(lines.filter((l) => l.startsWith('DESCRIPTION'))).toEqual([]);
  });

  it('writes an empty but valid calendar when there is nothing to show', () => {
    expect(calendarIcs([])).toBe(
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hubwerk//Buchungen//DE\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n',
    );
  });
});

describe('control characters in text a person typed', () => {
  // Every C0 control and DEL: only tab may stand raw in a TEXT value (RFC 5545 §3.3.11).
  const controls = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f].map((c) => String.fromCharCode(c));
  const expected = (c: string) => (c === '\t' ? 'a\tb' : c === '\n' || c === '\r' ? 'a\nb' : 'ab');
  // eslint-disable-next-line no-control-regex -- the control characters are what is looked for
  const rawControl = /[\u0000-\u0008\u000A-\u001F\u007F]/;

  function parse(ics: string) {
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const event = calendar.getFirstSubcomponent('vevent')!;
    const text = (name: string) => event.getFirstPropertyValue(name) as string;
    return {
      name: calendar.getFirstPropertyValue('x-wr-calname') as string | null,
      summary: text('summary'),
      location: text('location'),
      description: text('description'),
      uid: text('uid'),
      sequence: event.getFirstPropertyValue('sequence'),
      method: calendar.getFirstPropertyValue('method'),
    };
  }

  it.each(controls.map((c) => [`U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`, c]))(
    '%s in every text field: parses in ical.js, none written raw',
    (_code, c) => {
      const text = `a${c}b`;
      for (const ics of [
        calendarIcs([{ ...base, summary: text, location: text, description: text }], text),
        bookingIcs({ ...base, summary: text, location: text, description: text }, 'CANCEL'),
      ]) {
        // CRLF ends lines and folds them; nothing else may be a control character.
        expect(rawControl.test(ics.replace(/\r\n/g, ''))).toBe(false);
        const parsed = parse(ics);
        expect(parsed).toMatchObject({
          summary: expected(c),
          location: expected(c),
          description: expected(c),
          uid: base.uid,
          sequence: 3,
        });
      }
      // ical.js hands X- properties back as written (no TEXT unescaping): the escaped line break.
      expect(parse(calendarIcs([{ ...base, summary: text }], text)).name).toBe(expected(c).replace('\n', '\\n'));
    },
  );

  it('keeps CRLF as one line break, drops a lone surrogate to U+FFFD and keeps escaping intact', () => {
    expect(icsText('a\r\nb\rc\nd')).toBe('a\nb\nc\nd');
    expect(icsText('x\uD800y')).toBe('x\uFFFDy');
    const parsed = parse(
      bookingIcs({ ...base, summary: 'Workshop; Teil 1, mit \\ und\r\nKaffee\u0007', description: '\u0000' }),
    );
    expect(parsed.summary).toBe('Workshop; Teil 1, mit \\ und\nKaffee');
    // A name cannot add properties to the calendar.
    const named = calendarIcs([], 'Stadt\r\nMETHOD:CANCEL;x,y\\');
    expect(named.split('\r\n')).toContain('X-WR-CALNAME:Stadt\\nMETHOD:CANCEL\\;x\\,y\\\\');
    expect(new ICAL.Component(ICAL.parse(named)).getAllProperties('method')).toHaveLength(1);
  });

  it('keeps what mail clients match on: UID, SEQUENCE and METHOD', () => {
    expect(parse(bookingIcs(base, 'CANCEL'))).toMatchObject({ uid: base.uid, sequence: 3, method: 'CANCEL' });
    expect(parse(bookingIcs(base))).toMatchObject({ uid: base.uid, sequence: 3, method: 'PUBLISH' });
  });
});
