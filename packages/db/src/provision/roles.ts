/**
 * Idempotent provisioning of the three roles of the contract, the database
 * and its ownership/grants, run with a superuser connection. Safe to run on
 * every start: it creates what is missing and corrects attributes that drifted.
 *
 * Table-level GRANTs and default privileges are not set here: they belong to
 * the migrations (prisma/migrations), so that every environment gets them.
 */
import pg from 'pg';
import type { DatabaseRoles, RoleCredentials } from './urls.ts';
import { withDatabase } from './urls.ts';

type Queryable = Pick<pg.Client, 'query'>;

const ident = (name: string) => pg.escapeIdentifier(name);
const literal = (value: string) => pg.escapeLiteral(value);

/** Role attributes, as the contract fixes them. */
function roleAttributes(kind: keyof DatabaseRoles): string {
  switch (kind) {
    case 'migrator':
      return 'LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOREPLICATION INHERIT';
    case 'app':
      return 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT';
    case 'platform':
      return 'LOGIN BYPASSRLS NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION INHERIT';
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureRole(client: Queryable, kind: keyof DatabaseRoles, role: RoleCredentials): Promise<void> {
  const attributes = `${roleAttributes(kind)} PASSWORD ${literal(role.password)}`;
  const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
  if (exists.rowCount === 0) {
    try {
      await client.query(`CREATE ROLE ${ident(role.name)} ${attributes}`);
      return;
    } catch (error) {
      // Created concurrently by another provisioning run: fall through to ALTER.
      if ((error as { code?: string }).code !== '42710') throw error;
    }
  }
  await client.query(`ALTER ROLE ${ident(role.name)} ${attributes}`);
}

/** Create or correct the three roles (cluster-wide). */
export async function ensureRoles(client: Queryable, roles: DatabaseRoles): Promise<void> {
  await ensureRole(client, 'migrator', roles.migrator);
  await ensureRole(client, 'app', roles.app);
  await ensureRole(client, 'platform', roles.platform);
  // Membership in the migrator would let the app act as the owner of every
  // table (and so skip row-level security); make sure neither has it.
  for (const member of [roles.app, roles.platform]) {
    const granted = await client.query(
      `SELECT 1 FROM pg_auth_members m
         JOIN pg_roles r ON r.oid = m.roleid
         JOIN pg_roles u ON u.oid = m.member
        WHERE r.rolname = $1 AND u.rolname = $2`,
      [roles.migrator.name, member.name],
    );
    if ((granted.rowCount ?? 0) > 0) {
      await client.query(`REVOKE ${ident(roles.migrator.name)} FROM ${ident(member.name)}`);
    }
  }
}

export interface CreateDatabaseOptions {
  /** Clone this database (CREATE DATABASE … TEMPLATE); default template0. */
  readonly template?: string;
}

/** Create the database owned by the migrator, or hand an existing one to it. */
export async function ensureDatabase(
  client: Queryable,
  database: string,
  roles: DatabaseRoles,
  options: CreateDatabaseOptions = {},
): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (exists.rowCount === 0) {
    const template = options.template ?? 'template0';
    const encoding = options.template === undefined ? " ENCODING 'UTF8'" : '';
    try {
      await client.query(
        `CREATE DATABASE ${ident(database)} OWNER ${ident(roles.migrator.name)} TEMPLATE ${ident(template)}${encoding}`,
      );
    } catch (error) {
      if ((error as { code?: string }).code !== '42P04') throw error; // created concurrently
    }
  }
  await client.query(`ALTER DATABASE ${ident(database)} OWNER TO ${ident(roles.migrator.name)}`);
}

/**
 * Database-level privileges. These live in pg_database, so a copy made with
 * CREATE DATABASE … TEMPLATE does not inherit them: call this for every copy.
 */
export async function grantDatabaseAccess(client: Queryable, database: string, roles: DatabaseRoles): Promise<void> {
  const db = ident(database);
  // Least privilege: only our roles (and superusers) may connect.
  await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${db} FROM PUBLIC`);
  await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${ident(roles.app.name)}, ${ident(roles.platform.name)}`);
}

/**
 * Schema-level ownership and usage, run inside the target database. Since
 * PostgreSQL 15 schema public belongs to pg_database_owner (whoever owns the
 * database); we make the migrator its owner by name so that it does not
 * change with the database owner, and strip CREATE from PUBLIC (the default
 * since 15, not before).
 */
export async function provisionSchema(client: Queryable, roles: DatabaseRoles): Promise<void> {
  const migrator = ident(roles.migrator.name);
  await client.query(`CREATE SCHEMA IF NOT EXISTS public AUTHORIZATION ${migrator}`);
  await client.query(`ALTER SCHEMA public OWNER TO ${migrator}`);
  await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
  await client.query(`GRANT USAGE ON SCHEMA public TO ${ident(roles.app.name)}, ${ident(roles.platform.name)}`);
}

export interface ProvisionOptions {
  /** A superuser connection URL (any database on the server; `postgres` is used). */
  readonly superuserUrl: string;
  /** The database to create/own, e.g. `hubwerk`. */
  readonly database: string;
  readonly roles: DatabaseRoles;
  /** Create the database as a copy of this one (see CreateDatabaseOptions). */
  readonly template?: string;
}

/** Roles, database, ownership and grants: everything `prisma migrate deploy` needs before it runs. */
export async function provisionDatabase(options: ProvisionOptions): Promise<void> {
  const { database, roles } = options;
  await withClient(withDatabase(options.superuserUrl, 'postgres'), async (client) => {
    await ensureRoles(client, roles);
    await ensureDatabase(client, database, roles, options.template === undefined ? {} : { template: options.template });
    await grantDatabaseAccess(client, database, roles);
  });
  await withClient(withDatabase(options.superuserUrl, database), (client) => provisionSchema(client, roles));
}

/** Drop a database, ending its sessions first (PostgreSQL 13+). */
export async function dropDatabase(superuserUrl: string, database: string): Promise<void> {
  await withClient(withDatabase(superuserUrl, 'postgres'), async (client) => {
    await client.query(`ALTER DATABASE ${ident(database)} IS_TEMPLATE false`).catch((error: { code?: string }) => {
      if (error.code !== '3D000') throw error; // does not exist: fine
    });
    await client.query(`DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`);
  });
}
