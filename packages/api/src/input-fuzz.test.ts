import { describe, expect, it } from 'vitest';
import { judge } from './input-fuzz';

const accepted = { code: 'OK' };
const refusal = (fieldErrors: Record<string, string[]>) => ({
  code: 'BAD_REQUEST',
  messageKey: 'errors.invalidInput',
  fieldErrors,
});

describe('the fuzz judge', () => {
  it('accepts a refusal naming the broken field, a field inside it, or another field of the same entry', () => {
    expect(judge(refusal({ 'week.2.weekday': ['validation.invalid'] }), 'week.2.weekday', accepted)).toBeNull();
    expect(
      judge(
        refusal({
          'week.2.opensAt': ['validation.openingHours.overlap'],
          'week.4.opensAt': ['validation.openingHours.overlap'],
        }),
        'week.2.weekday',
        accepted,
      ),
    ).toBeNull();
    expect(judge(refusal({ 'address.city': ['validation.required'] }), 'address', accepted)).toBeNull();
  });

  it('refuses a 500, a refusal without a field, and one naming an unrelated field', () => {
    expect(judge({ code: 'INTERNAL_SERVER_ERROR' }, 'name', accepted)).toMatch(/500/);
    expect(judge({ code: 'BAD_REQUEST', messageKey: 'errors.invalidInput' }, 'name', accepted)).toMatch(
      /names no field/,
    );
    expect(
      judge(refusal({ 'week.4.opensAt': ['validation.openingHours.overlap'] }), 'week.2.weekday', accepted),
    ).toMatch(/not the broken week\.2\.weekday/);
    expect(judge(refusal({ slug: ['validation.invalid'] }), 'name', accepted)).toMatch(/not the broken name/);
  });
});
