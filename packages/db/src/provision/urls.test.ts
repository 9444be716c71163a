import { describe, expect, it } from 'vitest';
import {
  buildDatabaseUrls,
  credentialsOf,
  databaseEnv,
  databaseName,
  DEV_ROLES,
  DEV_SERVER,
  redactUrl,
  rolesFromUrls,
  serverAddress,
  withDatabase,
} from './urls.ts';

describe('database URLs', () => {
  const urls = buildDatabaseUrls(DEV_SERVER, DEV_SERVER.database);

  it('builds the contract URLs of the embedded dev server', () => {
    expect(urls).toEqual({
      appUrl: 'postgresql://hubwerk_app:hubwerk_app@127.0.0.1:54329/hubwerk',
      migratorUrl: 'postgresql://hubwerk_migrator:hubwerk_migrator@127.0.0.1:54329/hubwerk',
      platformUrl: 'postgresql://hubwerk_platform:hubwerk_platform@127.0.0.1:54329/hubwerk',
    });
    expect(databaseEnv(urls)).toEqual({
      DATABASE_URL: urls.appUrl,
      MIGRATOR_DATABASE_URL: urls.migratorUrl,
      PLATFORM_DATABASE_URL: urls.platformUrl,
    });
  });

  it('round-trips roles, server and database, encoding special characters in passwords', () => {
    const roles = { ...DEV_ROLES, app: { name: 'app', password: 'p@ss:w/rd?#' } };
    const built = buildDatabaseUrls({ host: 'db.internal', port: 6543 }, 'hubwerk_test_1', roles);
    expect(credentialsOf(built.appUrl)).toEqual(roles.app);
    expect(rolesFromUrls(built)).toEqual(roles);
    expect(serverAddress(built.appUrl)).toEqual({ host: 'db.internal', port: 6543 });
    expect(databaseName(built.appUrl)).toBe('hubwerk_test_1');
    expect(serverAddress('postgresql://u@h/db')).toEqual({ host: 'h', port: 5432 });
  });

  it('points a URL at another database, keeping credentials and query', () => {
    expect(withDatabase('postgresql://u:p@h:1/a?sslmode=disable', 'b')).toBe('postgresql://u:p@h:1/b?sslmode=disable');
  });

  it('redacts passwords for logs', () => {
    expect(redactUrl(urls.appUrl)).toBe('postgresql://hubwerk_app:***@127.0.0.1:54329/hubwerk');
    expect(redactUrl('not a url')).toBe('<invalid database URL>');
  });

  it('rejects URLs without a database', () => {
    expect(() => databaseName('postgresql://u:p@h:1')).toThrow(/names no database/);
  });
});
