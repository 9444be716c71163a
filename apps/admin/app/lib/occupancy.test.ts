import { describe, expect, it } from 'vitest';
import { csvCell, toCsv, utilisation } from './occupancy.ts';

describe('occupancy figures', () => {
  it('rounds utilisation and leaves closed days empty', () => {
    expect(utilisation({ bookableMinutes: 600, bookedMinutes: 200 })).toBe(33);
    expect(utilisation({ bookableMinutes: 0, bookedMinutes: 0 })).toBeNull();
  });

  it('writes CSV for German and English spreadsheets and defuses formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(toCsv([['Raum', 1.5]], 'de')).toBe('\uFEFF"Raum";"1,5"\r\n');
    expect(toCsv([['Room', 1.5]], 'en')).toBe('\uFEFF"Room","1.5"\r\n');
  });
});
