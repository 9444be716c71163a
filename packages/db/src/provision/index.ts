/**
 * @hubwerk/db/provision — create roles and databases, start the embedded
 * PostgreSQL, apply migrations. Used by `npm run dev` / `npm run db:up`
 * (infra/dev) and the test harness (@hubwerk/db/testing). Functions take
 * explicit parameters; only entry scripts read the environment.
 */
export * from './urls.ts';
export * from './embedded.ts';
export * from './roles.ts';
export * from './migrate.ts';
export * from './prepare.ts';
