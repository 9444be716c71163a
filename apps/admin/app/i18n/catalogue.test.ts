import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_ACTIONS } from '@hubwerk/domain';
import { describe, expect, it } from 'vitest';
import { de } from './de.ts';
import { en } from './en.ts';
import { createTranslator } from './index.ts';
import { fromAcceptLanguage } from './negotiate.ts';

function leaves(node: unknown, prefix = ''): string[] {
  if (typeof node === 'string') return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
    leaves(value, prefix ? `${prefix}.${key}` : key),
  );
}

const API_SRC = fileURLToPath(new URL('../../../../packages/api/src', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Keys the API builds from a value; each expansion must be in the catalogue. */
const TEMPLATE_KEYS: Record<string, string[]> = {
  'validation.ags.': ['format', 'bundesland', 'mismatch'],
  'errors.invitation.': ['expired', 'accepted', 'revoked'],
};

describe('message catalogues', () => {
  it('have the same keys in German and English', () => {
    expect(leaves(en).sort()).toEqual(leaves(de).sort());
  });

  it('translate every error key the API sends', () => {
    const sources = sourceFiles(API_SRC).map((file) => readFileSync(file, 'utf8'));
    const keys = new Set<string>();
    for (const source of sources) {
      for (const match of source.matchAll(/['"]((?:errors|validation)\.[A-Za-z0-9_.]+)['"]/g)) keys.add(match[1] ?? '');
      for (const match of source.matchAll(/`((?:errors|validation)\.[A-Za-z0-9_.]*\.)\$\{/g)) {
        const prefix = match[1] ?? '';
        const values = TEMPLATE_KEYS[prefix];
        expect(
          values,
          `unknown template key ${prefix}\${…} in the API; list its values in TEMPLATE_KEYS`,
        ).toBeDefined();
        for (const value of values ?? []) keys.add(prefix + value);
      }
    }
    expect(keys.size).toBeGreaterThan(10);
    const known = new Set(leaves(de));
    expect([...keys].filter((key) => !known.has(key)).sort()).toEqual([]);
  });

  it('name every audit action in words, in both languages', () => {
    const known = new Set(leaves(de));
    const missing = Object.keys(AUDIT_ACTIONS).filter((action) => !known.has(`auditActions.${action}`));
    expect(missing).toEqual([]);
    const unused = leaves(de)
      .filter((key) => key.startsWith('auditActions.'))
      .map((key) => key.slice('auditActions.'.length))
      .filter((action) => !Object.hasOwn(AUDIT_ACTIONS, action));
    expect(unused).toEqual([]);
  });

  it('falls back to a generic message for keys it does not know', () => {
    const tr = createTranslator('en');
    expect(tr.tKey('errors.tenant.agsTaken')).toBe('A town with this AGS already exists.');
    expect(tr.tKey('errors.somethingNew')).toBe('That did not work. Please try again.');
    expect(tr.tKey('errors')).toBe('That did not work. Please try again.');
    expect(tr.tKey('toString')).toBe('That did not work. Please try again.');
  });

  it('interpolates placeholders', () => {
    expect(createTranslator('de').t('onboard.successTitle', { name: 'Zeitz 2' })).toBe(
      'Kommune „Zeitz 2“ wurde angelegt',
    );
  });

  it('formats dates in Europe/Berlin', () => {
    // 23:30 UTC on 31 March is already 1 April in Germany (summer time).
    expect(createTranslator('de').formatDate('2026-03-31T23:30:00Z')).toBe('1. April 2026');
    expect(createTranslator('en').formatDate('2026-03-31T23:30:00Z', 'dateTime')).toContain('01:30');
  });
});

describe('language negotiation', () => {
  it('picks the best supported language by quality, else German', () => {
    expect(fromAcceptLanguage(null)).toBe('de');
    expect(fromAcceptLanguage('en-US,en;q=0.9')).toBe('en');
    expect(fromAcceptLanguage('fr-FR, en;q=0.5, de;q=0.8')).toBe('de');
    expect(fromAcceptLanguage('fr, it')).toBe('de');
    expect(fromAcceptLanguage('en;q=0, de;q=0.1')).toBe('de');
  });
});
