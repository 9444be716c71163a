import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeError } from './errors.ts';
import {
  hostileInput,
  instant,
  instantString,
  isoDate,
  multilineText,
  requesterName,
  secret,
  slug,
  text,
} from './schemas.ts';

const keysOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? 'ok' : result.error.issues.map((i) => i.message);
};

describe('text', () => {
  it('takes one line of ordinary text, trimmed, in any script', () => {
    expect(text(50).parse('  Digitaler Hub Einbeck  ')).toBe('Digitaler Hub Einbeck');
    expect(text(50).parse('Ärztehaus · Café 👩‍💻 מרכז مركز')).toBe('Ärztehaus · Café 👩‍💻 מרכז مركز');
  });

  it.each([
    ['a NUL byte', 'Ein\u0000beck', 'validation.input.control'],
    ['a bell', 'Ein\u0007beck', 'validation.input.control'],
    ['DEL', 'Ein\u007Fbeck', 'validation.input.control'],
    ['a C1 control', 'Ein\u0085beck', 'validation.input.control'],
    ['a bidi override', 'Rechnung\u202Efdp.exe', 'validation.input.control'],
    ['a lone high surrogate', 'Ein\uD800beck', 'validation.input.encoding'],
    ['a lone low surrogate', '\uDC00Einbeck', 'validation.input.encoding'],
    ['a line feed', 'Ein\nbeck', 'validation.input.lineBreak'],
    ['a carriage return', 'Ein\rbeck', 'validation.input.lineBreak'],
    ['a tab', 'Ein\tbeck', 'validation.input.lineBreak'],
    ['a line separator', 'Ein\u2028beck', 'validation.input.lineBreak'],
  ])('refuses %s with its own key', (_label, value, key) => {
    expect(keysOf(text(50), value)).toEqual([key]);
  });

  it('keeps its limits', () => {
    expect(keysOf(text(5, { min: 1 }), '   ')).toEqual(['validation.required']);
    expect(keysOf(text(5), 'sechss')).toEqual(['validation.tooLong']);
    expect(keysOf(text(5), 42)).toEqual(['validation.invalid']);
  });
});

describe('multilineText', () => {
  it('allows tabs and line breaks (as \\n), nothing else', () => {
    expect(multilineText(100).parse('Zeile 1\r\nZeile 2\rZeile 3\n\tEingerückt')).toBe(
      'Zeile 1\nZeile 2\nZeile 3\n\tEingerückt',
    );
    expect(keysOf(multilineText(100), 'Zeile\u0000')).toEqual(['validation.input.control']);
    expect(keysOf(multilineText(100), 'Zeile\u000B')).toEqual(['validation.input.control']);
    expect(keysOf(multilineText(100), 'Zeile\uDBFF')).toEqual(['validation.input.encoding']);
  });
});

describe('secret', () => {
  it('is never trimmed, but refuses control characters too', () => {
    expect(secret(50).parse(' mit Leerzeichen ')).toBe(' mit Leerzeichen ');
    expect(keysOf(secret(50), 'pass\u0000wort')).toEqual(['validation.input.control']);
  });
});

describe('slug', () => {
  it('takes slugs only', () => {
    expect(slug.parse('einbeck-2')).toBe('einbeck-2');
    for (const bad of ['ein\u0000beck', 'Einbeck', 'ein beck', '-einbeck', '', 'a'.repeat(81)])
      expect(slug.safeParse(bad).success).toBe(false);
  });
});

describe('requesterName', () => {
  it.each([
    'Erika Mustermann',
    'Dr. Jörg-Peter Müller',
    'J. R. R. Tolkien',
    'Ana María O\u2019Neill',
    'محمد الأحمد',
    'Lisa (Verein Jugend e.V.)',
  ])('takes %s', (value) => {
    expect(requesterName.parse(value)).toBe(value);
  });

  it.each([
    'Erika\nKlicken Sie hier',
    'Erika https://phish.example',
    'Erika hxxp://x.de',
    'www.gewinn-jetzt',
    'Gewinn auf gewinn-jetzt.de abholen',
    'Erika bit.ly/abc',
    'mail an erika@example.org',
    'Bank.Login.com',
    'xn--80ak6aa92e.xn--p1ai',
    '<a href=x>Erika</a>',
  ])('refuses %j', (value) => {
    expect(requesterName.safeParse(value).success).toBe(false);
  });
});

describe('dates', () => {
  it('isoDate takes real days in the supported years', () => {
    expect(isoDate.parse('2028-02-29')).toBe('2028-02-29');
    expect(keysOf(isoDate, '2027-02-29')).toEqual(['validation.input.impossibleDate']);
    expect(keysOf(isoDate, '2027-02-30')).toEqual(['validation.input.impossibleDate']);
    expect(keysOf(isoDate, '2027-13-01')).toEqual(['validation.input.impossibleDate']);
    expect(keysOf(isoDate, '2027-00-10')).toEqual(['validation.input.impossibleDate']);
    expect(keysOf(isoDate, '0000-01-01')).toEqual(['validation.input.impossibleDate']);
    expect(keysOf(isoDate, '1999-12-31')).toEqual(['validation.input.yearRange']);
    expect(keysOf(isoDate, '9999-12-31')).toEqual(['validation.input.yearRange']);
    expect(keysOf(isoDate, '27-02-01')).toEqual(['validation.date']);
  });

  it('instant takes real instants with an offset', () => {
    expect(instant.parse('2027-03-01T10:00:00+01:00').toISOString()).toBe('2027-03-01T09:00:00.000Z');
    expect(keysOf(instant, '2027-02-30T10:00:00+01:00')).toEqual(['validation.input.impossibleDate']);
    expect(keysOf(instant, '0000-01-01T00:00:00Z')).toEqual(['validation.input.impossibleDate']);
    expect(keysOf(instant, '9999-01-01T00:00:00Z')).toEqual(['validation.input.yearRange']);
    expect(keysOf(instant, '2027-03-01T25:00:00Z')).toEqual(['validation.datetime']);
    expect(keysOf(instant, '2027-03-01T10:00:00')).toEqual(['validation.datetime']);
    expect(keysOf(instantString, '+275760-09-13T00:00:00Z')).toEqual(['validation.datetime']);
  });
});

describe('hostileInput', () => {
  it('finds prototype keys and bad strings anywhere, by path', () => {
    const raw = JSON.parse(
      '{"tenant":"einbeck","rules":{"__proto__":{"admin":true},"a":[{"constructor":1},"x\\u0000"]},"prototype":2,"name":"\\ud800"}',
    );
    expect(hostileInput(raw)).toEqual({
      'rules.__proto__': ['validation.unknownField'],
      'rules.a.0.constructor': ['validation.unknownField'],
      'rules.a.1': ['validation.input.control'],
      prototype: ['validation.unknownField'],
      name: ['validation.input.encoding'],
    });
    expect(hostileInput({ tenant: 'einbeck', note: 'Zeile 1\nZeile 2\tTab' })).toBeNull();
    expect(hostileInput(undefined)).toBeNull();
  });

  it('refuses nesting deeper than any procedure takes', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 50; i += 1) deep = { a: deep };
    expect(Object.values(hostileInput(deep) ?? {})).toEqual([['validation.invalid']]);
  });
});

describe('the error formatter', () => {
  it('names a __proto__ key instead of crashing on it', () => {
    const schema = z.object({ tenant: z.string() }).strict();
    const result = schema.safeParse(JSON.parse('{"tenant":"einbeck","__proto__":{"x":1},"constructor":2}'));
    expect(result.success).toBe(false);
    const described = describeError(new TRPCError({ code: 'BAD_REQUEST', cause: result.error }));
    expect(described.messageKey).toBe('errors.invalidInput');
    expect(Object.keys(described.fieldErrors ?? {}).sort()).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(described.fieldErrors))).toEqual(
      JSON.parse('{"__proto__":["validation.unknownField"],"constructor":["validation.unknownField"]}'),
    );
  });
});

describe('a missing field', () => {
  it('is "required", a wrong type "invalid"', () => {
    for (const schema of [text(5), multilineText(5), secret(5), slug]) {
      expect(keysOf(z.object({ f: schema }), {})).toEqual(['validation.required']);
      expect(keysOf(z.object({ f: schema }), { f: 1 })).toEqual(['validation.invalid']);
    }
  });
});
