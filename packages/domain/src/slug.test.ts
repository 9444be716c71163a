import { describe, expect, it } from 'vitest';
import { slugify } from './slug.ts';
import { checkAgs } from './ags.ts';

describe('slugify', () => {
  it('transliterates umlauts and collapses separators', () => {
    expect(slugify('Zeitz 2')).toBe('zeitz-2');
    expect(slugify('  Göttingen – Süd ')).toBe('goettingen-sued');
    expect(slugify('Straße')).toBe('strasse');
  });
});

describe('checkAgs', () => {
  it('accepts the seeded towns', () => {
    expect(checkAgs('03155013', '03')).toBeNull();
    expect(checkAgs('15087370', '15')).toBeNull();
  });
  it('names what is wrong', () => {
    expect(checkAgs('3155013')).toBe('format');
    expect(checkAgs('0315501a')).toBe('format');
    expect(checkAgs('17087370')).toBe('bundesland');
    expect(checkAgs('00087370')).toBe('bundesland');
    expect(checkAgs('15087370', '03')).toBe('mismatch');
  });
});
