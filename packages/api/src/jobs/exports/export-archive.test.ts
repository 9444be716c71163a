import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createArchiveWriter, csvLine } from './export-archive.ts';

describe('csvLine', () => {
  it('separates by semicolons and quotes only where needed', () => {
    expect(csvLine(['a', 1, true, null, undefined, 'x;y', 'Sag "Hallo"', 'zwei\nZeilen'])).toBe(
      'a;1;true;;;"x;y";"Sag ""Hallo""";"zwei\nZeilen"',
    );
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvLine(['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'])).toBe(`"'=HYPERLINK(""x"")";'+1;'-2;'@SUM(A1)`);
  });

  it('writes dates as ISO instants, lists comma-separated, objects as JSON', () => {
    expect(csvLine([new Date('2026-11-29T12:00:00Z'), ['WLAN', 'Beamer'], { a: 1 }])).toBe(
      '2026-11-29T12:00:00.000Z;WLAN, Beamer;"{""a"":1}"',
    );
  });
});

describe('createArchiveWriter', () => {
  it('writes tables page by page as JSON and CSV into one ZIP', async () => {
    const zip = createArchiveWriter();
    const hubs = zip.table({ file: 'hubs', columns: ['id', 'name'], csv: true });
    const empty = zip.table({ file: 'desks', columns: ['id'], csv: true });
    hubs.rows([{ id: '1', name: 'Hub Ä' }]);
    hubs.rows([{ id: '2', name: 'Hub; B', ignored: 'x' }]);
    expect(hubs.end()).toBe(2);
    expect(empty.end()).toBe(0);
    zip.file('town.json', '{}');
    const files = unzipSync(new Uint8Array(await zip.finish()));
    expect(Object.keys(files).sort()).toEqual(['desks.csv', 'desks.json', 'hubs.csv', 'hubs.json', 'town.json']);
    expect(JSON.parse(strFromU8(files['hubs.json']!))).toEqual([
      { id: '1', name: 'Hub Ä' },
      { id: '2', name: 'Hub; B' },
    ]);
    expect(JSON.parse(strFromU8(files['desks.json']!))).toEqual([]);
    expect(strFromU8(files['hubs.csv']!)).toBe('id;name\r\n1;Hub Ä\r\n2;"Hub; B"\r\n');
  });
});
