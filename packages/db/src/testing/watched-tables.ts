import type pg from 'pg';

/**
 * Every table of the schema except those a request changes by design, for
 * the "database unchanged" checksums of the generated security suites. Read
 * from the catalog, so a table added later is watched without anyone having
 * to remember it.
 *
 * `unwatched` maps a table to the reason it may change during an attack.
 */
export async function watchedTables(client: pg.Client, unwatched: Readonly<Record<string, string>>): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`,
  );
  return rows.map((r) => r.name).filter((name) => !(name in unwatched));
}
