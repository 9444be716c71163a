import { describe, expect, it } from 'vitest';
import { bookingSequence } from './booking-sequence.ts';

describe('bookingSequence', () => {
  it('grows along every life of a booking: status steps forward, a change outranks any earlier status', () => {
    const lives: Array<Array<[Parameters<typeof bookingSequence>[0], number]>> = [
      [
        ['pending', 0],
        ['confirmed', 0],
        ['pending', 1],
        ['confirmed', 1],
        ['confirmed', 2],
        ['cancelled', 2],
      ],
      [
        ['confirmed', 0],
        ['confirmed', 1],
        ['pending', 2],
        ['cancelled', 2],
      ],
      [
        ['pending', 0],
        ['cancelled', 0],
      ],
    ];
    for (const life of lives) {
      const numbers = life.map(([status, revision]) => bookingSequence(status, revision));
      for (let i = 1; i < numbers.length; i++) expect(numbers[i]!).toBeGreaterThan(numbers[i - 1]!);
    }
    expect(bookingSequence('CONFIRMED', 0)).toBe(1);
    expect(bookingSequence('pending', 1)).toBe(3);
  });
});
