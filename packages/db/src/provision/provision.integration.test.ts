import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, type TestDatabase } from '../testing/index.ts';
import { dropDatabase, provisionDatabase } from './roles.ts';
import { buildDatabaseUrls, DEV_ROLES, serverAddress, withDatabase, type DatabaseRoles } from './urls.ts';

interface RoleRow {
  rolname: string;
  rolcanlogin: boolean;
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolreplication: boolean;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function rolesOf(url: string, names: string[]): Promise<RoleRow[]> {
  return query<RoleRow>(
    url,
    `SELECT rolname, rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication
       FROM pg_roles WHERE rolname = ANY($1::text[]) ORDER BY rolname`,
    [names],
  );
}

/** Everything a role owns: relations (tables, views, sequences, indexes), schemas, databases, functions, types. */
async function ownedBy(url: string, role: string): Promise<string[]> {
  const rows = await query<{ what: string }>(
    url,
    `SELECT 'relation ' || c.oid::regclass::text AS what FROM pg_class c WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
     UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
     UNION ALL SELECT 'database ' || datname FROM pg_database WHERE datdba = (SELECT oid FROM pg_roles WHERE rolname = $1)
     UNION ALL SELECT 'function ' || p.oid::regprocedure::text FROM pg_proc p WHERE p.proowner = (SELECT oid FROM pg_roles WHERE rolname = $1)
     UNION ALL SELECT 'type ' || t.oid::regtype::text FROM pg_type t WHERE t.typowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`,
    [role],
  );
  return rows.map((row) => row.what);
}

const expectedAttributes = {
  hubwerk_app: {
    rolcanlogin: true,
    rolsuper: false,
    rolbypassrls: false,
    rolcreatedb: false,
    rolcreaterole: false,
    rolreplication: false,
  },
  hubwerk_migrator: {
    rolcanlogin: true,
    rolsuper: false,
    rolbypassrls: false,
    rolcreatedb: true,
    rolcreaterole: false,
    rolreplication: false,
  },
  hubwerk_platform: {
    rolcanlogin: true,
    rolsuper: false,
    rolbypassrls: true,
    rolcreatedb: false,
    rolcreaterole: false,
    rolreplication: false,
  },
};

describe('provisioned roles (the contract in docs/operations.md)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await useTestDatabase();
  });

  it('creates the three roles with exactly the contract attributes', async () => {
    const rows = await rolesOf(db.superuserUrl, Object.keys(expectedAttributes));
    expect(Object.fromEntries(rows.map(({ rolname, ...attributes }) => [rolname, attributes]))).toEqual(
      expectedAttributes,
    );
  });

  it('gives hubwerk_app and hubwerk_platform nothing to own: no table, schema, database, function or type', async () => {
    // Checked in the worker database (relations, schemas, functions) and cluster-wide (databases).
    expect(await ownedBy(db.superuserUrl, 'hubwerk_app')).toEqual([]);
    expect(await ownedBy(db.superuserUrl, 'hubwerk_platform')).toEqual([]);
  });

  it('makes the migrator the owner of the database and of schema public, and no member role of it', async () => {
    const [row] = await query<{
      db_owner: string;
      schema_owner: string;
      app_member: boolean;
      platform_member: boolean;
    }>(
      db.superuserUrl,
      `SELECT pg_get_userbyid(d.datdba) AS db_owner,
              (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'public') AS schema_owner,
              pg_has_role('hubwerk_app', 'hubwerk_migrator', 'MEMBER') AS app_member,
              pg_has_role('hubwerk_platform', 'hubwerk_migrator', 'MEMBER') AS platform_member
         FROM pg_database d WHERE d.datname = current_database()`,
    );
    expect(row).toEqual({
      db_owner: 'hubwerk_migrator',
      schema_owner: 'hubwerk_migrator',
      app_member: false,
      platform_member: false,
    });
  });

  it('lets app and platform connect and use schema public but not create in it; PUBLIC cannot connect', async () => {
    const rows = await query<{ role: string; can_connect: boolean; can_use: boolean; can_create: boolean }>(
      db.superuserUrl,
      `SELECT r AS role,
              has_database_privilege(r, current_database(), 'CONNECT') AS can_connect,
              has_schema_privilege(r, 'public', 'USAGE') AS can_use,
              has_schema_privilege(r, 'public', 'CREATE') AS can_create
         FROM unnest(ARRAY['hubwerk_app', 'hubwerk_platform']) AS r ORDER BY r`,
    );
    expect(rows).toEqual([
      { role: 'hubwerk_app', can_connect: true, can_use: true, can_create: false },
      { role: 'hubwerk_platform', can_connect: true, can_use: true, can_create: false },
    ]);
    const [acl] = await query<{ public_connect: boolean }>(
      db.superuserUrl,
      `SELECT EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a
                       WHERE d.datname = current_database() AND a.grantee = 0 AND a.privilege_type = 'CONNECT') AS public_connect`,
    );
    expect(acl).toEqual({ public_connect: false });
  });

  it('lets each role log in with its URL as itself', async () => {
    for (const [url, role] of [
      [db.appUrl, 'hubwerk_app'],
      [db.migratorUrl, 'hubwerk_migrator'],
      [db.platformUrl, 'hubwerk_platform'],
    ] as const) {
      const [row] = await query<{ user: string; db: string }>(
        url,
        'SELECT current_user AS user, current_database() AS db',
      );
      expect(row).toEqual({ user: role, db: db.databaseName });
    }
  });
});

describe('provisionDatabase', () => {
  // Own role and database names: roles are cluster-wide, and the other
  // worker's tests depend on the real ones keeping their attributes.
  const suffix = randomBytes(4).toString('hex');
  const roles: DatabaseRoles = {
    migrator: { name: `prov_${suffix}_migrator`, password: 'm' },
    app: { name: `prov_${suffix}_app`, password: 'a' },
    platform: { name: `prov_${suffix}_platform`, password: 'p' },
  };
  const database = `prov_${suffix}`;
  let superuserUrl: string;

  beforeAll(async () => {
    superuserUrl = withDatabase((await useTestDatabase()).superuserUrl, 'postgres');
  });

  afterAll(async () => {
    if (superuserUrl === undefined) return;
    await dropDatabase(superuserUrl, database);
    const names = Object.values(roles).map((role) => pg.escapeIdentifier(role.name));
    await query(superuserUrl, `DROP ROLE IF EXISTS ${names.join(', ')}`);
  });

  it('is idempotent and corrects roles whose attributes drifted', async () => {
    // Pre-existing roles with the wrong attributes, and the app a member of the migrator.
    await query(superuserUrl, `CREATE ROLE ${pg.escapeIdentifier(roles.app.name)} LOGIN BYPASSRLS CREATEDB`);
    await query(superuserUrl, `CREATE ROLE ${pg.escapeIdentifier(roles.platform.name)} NOLOGIN SUPERUSER`);
    await query(superuserUrl, `CREATE ROLE ${pg.escapeIdentifier(roles.migrator.name)} NOLOGIN`);
    await query(
      superuserUrl,
      `GRANT ${pg.escapeIdentifier(roles.migrator.name)} TO ${pg.escapeIdentifier(roles.app.name)}`,
    );

    await provisionDatabase({ superuserUrl, database, roles });
    await provisionDatabase({ superuserUrl, database, roles });

    const rows = await rolesOf(
      superuserUrl,
      Object.values(roles).map((role) => role.name),
    );
    expect(Object.fromEntries(rows.map(({ rolname, ...attributes }) => [rolname, attributes]))).toEqual({
      [roles.app.name]: expectedAttributes.hubwerk_app,
      [roles.migrator.name]: expectedAttributes.hubwerk_migrator,
      [roles.platform.name]: expectedAttributes.hubwerk_platform,
    });
    const [membership] = await query<{ member: boolean }>(
      superuserUrl,
      `SELECT pg_has_role($1, $2, 'MEMBER') AS member`,
      [roles.app.name, roles.migrator.name],
    );
    expect(membership).toEqual({ member: false });

    // The passwords work, and the migrator may create tables the app may not.
    const urls = buildDatabaseUrls(serverAddress(superuserUrl), database, roles);
    await query(urls.migratorUrl, 'CREATE TABLE probe (id int)');
    await expect(query(urls.appUrl, 'CREATE TABLE intruder (id int)')).rejects.toMatchObject({ code: '42501' });
    expect(await ownedBy(withDatabase(superuserUrl, database), roles.app.name)).toEqual([]);
    expect(await ownedBy(withDatabase(superuserUrl, database), roles.migrator.name)).toEqual(
      expect.arrayContaining(['relation probe', 'schema public', `database ${database}`]),
    );
    await query(urls.migratorUrl, 'DROP TABLE probe');
  });
});

describe('DEV_ROLES', () => {
  it('use the role names as dev passwords', () => {
    for (const role of Object.values(DEV_ROLES)) expect(role.password).toBe(role.name);
  });
});
