import { describe, expect, it } from 'vitest';
import { bookingIcs, calendarIcs, escapeText, fold } from './ics.ts';

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
    expect(escapeText('a\\b')).toBe('a\\\\b');
    const long = `SUMMARY:${'ä'.repeat(60)}`;
    const folded = fold(long).split('\r\n');
    expect(folded.length).toBeGreaterThan(1);
    for (const line of folded) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(long);
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
  const ics = calendarIcs([event('a@hubwerk', 'confirmed', 1), event('b@hubwerk', 'cancelled', 2)], 'Hubwerk – Einbeck');

  it('writes one VEVENT per booking with UID, DTSTAMP, SEQUENCE and STATUS, and names the calendar', () => {
    const lines = ics.split('\r\n');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines).toContain('X-WR-CALNAME:Hubwerk – Einbeck');
    const second = ics.slice(ics.indexOf('UID:b@hubwerk')).split('\r\n');
    expect(second.slice(0, 5)).toEqual(['UID:b@hubwerk', 'DTSTAMP:20270301T120000Z', 'LAST-MODIFIED:20270201T100000Z', 'SEQUENCE:2', 'DTSTART:20270330T080000Z']);
    expect(second).toContain('STATUS:CANCELLED');
    expect(lines.filter((l) => l.startsWith('DESCRIPTION'))).toEqual([]);
  });

  it('writes an empty but valid calendar when there is nothing to show', () => {
    expect(calendarIcs([])).toBe('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Hubwerk//Buchungen//DE\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n');
  });
});
