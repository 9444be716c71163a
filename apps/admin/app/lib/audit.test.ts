import { describe, expect, it } from 'vitest';
import { auditFiltersFrom, auditInput, auditQuery, berlinMidnight, csvCell, csvRow } from './audit.server.ts';

describe('audit filters', () => {
  it('turns Berlin calendar days into instants, across summer time', () => {
    expect(berlinMidnight('2026-01-15')).toBe('2026-01-14T23:00:00.000Z');
    expect(berlinMidnight('2026-07-15')).toBe('2026-07-14T22:00:00.000Z');
    expect(berlinMidnight('2026-03-28', 1)).toBe('2026-03-28T23:00:00.000Z');
    expect(berlinMidnight('2026-03-29', 1)).toBe('2026-03-29T22:00:00.000Z');
    expect(berlinMidnight('gestern')).toBe('gestern');
  });

  it('makes the end day inclusive', () => {
    expect(
      auditInput({
        town: '',
        action: 'hub.created',
        actor: '',
        from: '2026-05-01',
        to: '2026-05-01',
        changesOnly: false,
      }),
    ).toEqual({
      action: 'hub.created',
      from: '2026-04-30T22:00:00.000Z',
      to: '2026-05-01T22:00:00.000Z',
    });
  });

  it('shows changes only unless the sent form or the link says otherwise', () => {
    const at = (query: string) => auditFiltersFrom(new URL(`http://admin.test/audit?${query}`));
    expect(at('').changesOnly).toBe(true);
    expect(at('f=1&changes=1').changesOnly).toBe(true);
    expect(at('f=1&action=').changesOnly).toBe(false);
    expect(at('all=1').changesOnly).toBe(false);
    expect(auditQuery(at(''))).toBe('');
    expect(auditQuery(at('f=1&actor=a%40b.de'))).toBe('actor=a%40b.de&all=1');
    expect(auditInput(at(''))).toEqual({ changesOnly: true });
    expect(auditInput(at('all=1'))).toEqual({});
  });
});

describe('CSV', () => {
  it('quotes, doubles quotes and neutralises formulas', () => {
    expect(csvCell('Hub "Mitte"')).toBe('"Hub ""Mitte"""');
    expect(csvCell('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"');
    expect(csvCell('-1+2')).toBe('"\'-1+2"');
    expect(csvCell(null)).toBe('""');
    expect(csvRow(['a;b', 'c\nd'])).toBe('"a;b";"c\nd"');
  });
});
