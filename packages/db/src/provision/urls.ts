/**
 * Connection URLs for the three database roles of the contract (see
 * docs/operations.md): the migrator (Prisma CLI), the app (API, under RLS) and
 * the platform client (BYPASSRLS, audited).
 */

export interface RoleCredentials {
  readonly name: string;
  readonly password: string;
}

export interface DatabaseRoles {
  /** LOGIN CREATEDB; owns the database and schema public. */
  readonly migrator: RoleCredentials;
  /** LOGIN, no superuser, no BYPASSRLS, no CREATEDB; owns nothing. */
  readonly app: RoleCredentials;
  /** LOGIN BYPASSRLS, no superuser; owns nothing. */
  readonly platform: RoleCredentials;
}

/** Development roles: passwords equal the role names (dev and tests only). */
export const DEV_ROLES: DatabaseRoles = {
  migrator: { name: 'hubwerk_migrator', password: 'hubwerk_migrator' },
  app: { name: 'hubwerk_app', password: 'hubwerk_app' },
  platform: { name: 'hubwerk_platform', password: 'hubwerk_platform' },
};

/** The embedded development server of the contract. */
export const DEV_SERVER = {
  host: '127.0.0.1',
  port: 54329,
  database: 'hubwerk',
  superuser: { name: 'postgres', password: 'postgres' } satisfies RoleCredentials,
} as const;

export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface DatabaseUrls {
  /** DATABASE_URL: the API's role (hubwerk_app). */
  readonly appUrl: string;
  /** MIGRATOR_DATABASE_URL: the Prisma CLI's role (hubwerk_migrator). */
  readonly migratorUrl: string;
  /** PLATFORM_DATABASE_URL: the audited platform client's role (hubwerk_platform). */
  readonly platformUrl: string;
}

export function buildUrl(server: ServerAddress, credentials: RoleCredentials, database: string): string {
  const url = new URL('postgresql://placeholder');
  url.hostname = server.host;
  url.port = String(server.port);
  url.username = credentials.name;
  url.password = credentials.password;
  url.pathname = `/${database}`;
  return url.toString();
}

export function buildDatabaseUrls(
  server: ServerAddress,
  database: string,
  roles: DatabaseRoles = DEV_ROLES,
): DatabaseUrls {
  return {
    appUrl: buildUrl(server, roles.app, database),
    migratorUrl: buildUrl(server, roles.migrator, database),
    platformUrl: buildUrl(server, roles.platform, database),
  };
}

/** The contract's environment variable names for a set of URLs. */
export function databaseEnv(urls: DatabaseUrls): Record<string, string> {
  return {
    DATABASE_URL: urls.appUrl,
    MIGRATOR_DATABASE_URL: urls.migratorUrl,
    PLATFORM_DATABASE_URL: urls.platformUrl,
  };
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (name === '') throw new Error(`Database URL ${redactUrl(url)} names no database`);
  return name;
}

export function serverAddress(url: string): ServerAddress {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: parsed.port === '' ? 5432 : Number(parsed.port) };
}

export function credentialsOf(url: string): RoleCredentials {
  const parsed = new URL(url);
  if (parsed.username === '') throw new Error(`Database URL ${redactUrl(url)} names no user`);
  return {
    name: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** Roles as named by three URLs (for servers not provisioned with DEV_ROLES). */
export function rolesFromUrls(urls: DatabaseUrls): DatabaseRoles {
  return {
    migrator: credentialsOf(urls.migratorUrl),
    app: credentialsOf(urls.appUrl),
    platform: credentialsOf(urls.platformUrl),
  };
}

/** For logs and error messages: the URL without its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid database URL>';
  }
}
