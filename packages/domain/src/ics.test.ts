import { describe, expect, it } from 'vitest';
import { bookingIcs, escapeText, fold } from './ics.ts';

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
