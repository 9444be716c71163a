import { describe, expect, it } from 'vitest';
import { parseTestEnv } from './env.ts';

describe('test harness environment', () => {
  it('selects the embedded server when DATABASE_URL is unset or empty', () => {
    expect(parseTestEnv({})).toEqual({});
    expect(parseTestEnv({ DATABASE_URL: '', TEST_SUPERUSER_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('accepts an external server with migrator and superuser URLs', () => {
    const env = {
      DATABASE_URL: 'postgresql://hubwerk_app:x@db:5432/hubwerk',
      MIGRATOR_DATABASE_URL: 'postgresql://hubwerk_migrator:x@db:5432/hubwerk',
      TEST_SUPERUSER_URL: 'postgres://postgres:x@db:5432/postgres',
    };
    expect(parseTestEnv(env)).toEqual(env);
  });

  it('names each missing variable when DATABASE_URL is set alone', () => {
    expect(() => parseTestEnv({ DATABASE_URL: 'postgresql://a:b@db/hubwerk' })).toThrow(
      /MIGRATOR_DATABASE_URL[\s\S]*TEST_SUPERUSER_URL/,
    );
  });

  it('rejects URLs that are not PostgreSQL URLs', () => {
    expect(() => parseTestEnv({ DATABASE_URL: 'mysql://a:b@db/hubwerk' })).toThrow(/DATABASE_URL/);
  });
});
