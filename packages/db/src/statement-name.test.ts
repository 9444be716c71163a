import { describe, expect, it } from 'vitest';
import { statementName } from './scoped-pool.ts';

describe('named statements of pipelined transactions', () => {
  it('names a statement by its text: the same text, the same name; another text, another', () => {
    const a = statementName('SELECT id FROM "Hub" WHERE "tenantId" = $1::uuid');
    expect(a).toMatch(/^hw_[0-9a-f]{24}$/);
    expect(statementName('SELECT id FROM "Hub" WHERE "tenantId" = $1::uuid')).toBe(a);
    expect(statementName('SELECT name FROM "Hub" WHERE "tenantId" = $1::uuid')).not.toBe(a);
  });

  it.each([
    'SELECT * FROM "Space" WHERE id = $1',
    'SELECT s.*, d.name FROM "Space" s JOIN "Desk" d ON true WHERE s.id = $1',
    'SELECT "s".* FROM "Space" "s" WHERE id = $1',
    'INSERT INTO "Hub" (id) VALUES ($1) RETURNING *',
    'SELECT id, * FROM "Hub" WHERE id = $1',
  ])('refuses a statement whose columns could change under its prepared plan: %s', (text) => {
    expect(() => statementName(text)).toThrow(/must name its columns/);
  });

  it('accepts count(*) and multiplication', () => {
    expect(statementName('SELECT count(*) AS n, 2 * "capacity" FROM "Space" WHERE id = $1')).toMatch(/^hw_/);
  });
});
