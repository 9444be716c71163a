import { migrateDeploy, type MigrateDeployResult } from './migrate.ts';
import { provisionDatabase } from './roles.ts';
import { buildDatabaseUrls, databaseEnv, type DatabaseRoles, type DatabaseUrls, type ServerAddress } from './urls.ts';

export interface PrepareDatabaseOptions {
  readonly server: ServerAddress;
  readonly superuserUrl: string;
  readonly database: string;
  readonly roles: DatabaseRoles;
  /** Repository root (prisma.config.ts). */
  readonly cwd: string;
  readonly offline?: boolean;
  readonly baseEnv?: NodeJS.ProcessEnv;
}

export interface PreparedDatabase {
  readonly urls: DatabaseUrls;
  readonly migration: MigrateDeployResult;
}

/** Provision roles + database (superuser), then `prisma migrate deploy` (migrator). */
export async function prepareDatabase(options: PrepareDatabaseOptions): Promise<PreparedDatabase> {
  await provisionDatabase({ superuserUrl: options.superuserUrl, database: options.database, roles: options.roles });
  const urls = buildDatabaseUrls(options.server, options.database, options.roles);
  const migration = await migrateDeploy({
    cwd: options.cwd,
    migratorUrl: urls.migratorUrl,
    env: databaseEnv(urls),
    ...(options.offline === undefined ? {} : { offline: options.offline }),
    ...(options.baseEnv === undefined ? {} : { baseEnv: options.baseEnv }),
  });
  return { urls, migration };
}
