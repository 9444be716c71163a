/**
 * The rules a schema must follow for Citus to distribute it by "tenantId"
 * (docs/scale-out.md, docs/decisions/030), read from the live catalog of one
 * schema. Each table is either a tenant table (it has a "tenantId" column:
 * distributed, co-located by town) or a global one (no "tenantId": a
 * reference table, copied to every node).
 */
import type pg from 'pg';

export interface CitusRuleViolation {
  table: string;
  rule: CitusRule;
  detail: string;
}

export type CitusRule =
  | 'tenantId-nullable'
  | 'key-without-tenantId'
  | 'foreign-key-without-tenantId'
  | 'foreign-key-cascades-update'
  | 'foreign-key-sets-tenantId-null'
  | 'global-references-tenant-table'
  | 'policy-with-subquery'
  | 'policy-calls-function'
  | 'trigger'
  | 'enum-column';

/**
 * Functions a policy may call: they read the transaction's settings and no
 * table (a policy runs on the shards, where a query of another distributed
 * table fails).
 */
export const POLICY_FUNCTIONS = ['app_current_tenant', 'app_current_user', 'app_current_support_session'];

const RULE_QUERIES: ReadonlyArray<{ rule: CitusRule; sql: string }> = [
  {
    rule: 'tenantId-nullable',
    sql: `
      SELECT c.relname AS table, 'the distribution column must be NOT NULL' AS detail
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenantId' AND NOT a.attisdropped
      WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND NOT a.attnotnull`,
  },
  {
    // Citus: "cannot create constraint … that does not include the partition column".
    rule: 'key-without-tenantId',
    sql: `
      SELECT c.relname AS table, format('%s %s', CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique constraint' ELSE 'exclusion constraint' END, con.conname) AS detail
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenantId' AND NOT a.attisdropped
      WHERE c.relnamespace = $1::regnamespace AND con.contype IN ('p', 'u', 'x') AND NOT (a.attnum = ANY (con.conkey))
      UNION
      SELECT c.relname, format('unique index %s', i.indexrelid::regclass)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenantId' AND NOT a.attisdropped
      WHERE c.relnamespace = $1::regnamespace AND i.indisunique AND NOT (a.attnum = ANY (i.indkey::int2[]))
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
  },
  {
    // Both sides' "tenantId" at the same position: a row can only point into its own town (and its own shard).
    rule: 'foreign-key-without-tenantId',
    sql: `
      SELECT c.relname AS table, format('%s → %s', con.conname, con.confrelid::regclass) AS detail
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_attribute src ON src.attrelid = con.conrelid AND src.attname = 'tenantId' AND NOT src.attisdropped
      JOIN pg_attribute dst ON dst.attrelid = con.confrelid AND dst.attname = 'tenantId' AND NOT dst.attisdropped
      WHERE c.relnamespace = $1::regnamespace AND con.contype = 'f'
        AND NOT EXISTS (SELECT 1 FROM generate_subscripts(con.conkey, 1) k
                        WHERE con.conkey[k] = src.attnum AND con.confkey[k] = dst.attnum)`,
  },
  {
    // Citus refuses CASCADE / SET NULL / SET DEFAULT on update where the distribution column is in the key; none cascades here.
    rule: 'foreign-key-cascades-update',
    sql: `
      SELECT c.relname AS table,
             format('%s: ON UPDATE %s', con.conname, CASE con.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END) AS detail
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      WHERE c.relnamespace = $1::regnamespace AND con.contype = 'f' AND con.confupdtype IN ('c', 'n', 'd')`,
  },
  {
    rule: 'foreign-key-sets-tenantId-null',
    sql: `
      SELECT c.relname AS table, format('%s: ON DELETE SET NULL/DEFAULT with "tenantId" in the key', con.conname) AS detail
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_attribute src ON src.attrelid = con.conrelid AND src.attname = 'tenantId' AND NOT src.attisdropped
      WHERE c.relnamespace = $1::regnamespace AND con.contype = 'f' AND con.confdeltype IN ('n', 'd')
        AND src.attnum = ANY (con.conkey)
        AND (con.confdelsetcols IS NULL OR src.attnum = ANY (con.confdelsetcols))`,
  },
  {
    // Citus: foreign keys from reference (or local) tables to distributed tables are not supported.
    rule: 'global-references-tenant-table',
    sql: `
      SELECT c.relname AS table, format('%s → %s', con.conname, con.confrelid::regclass) AS detail
      FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
      WHERE c.relnamespace = $1::regnamespace AND con.contype = 'f'
        AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attname = 'tenantId' AND NOT a.attisdropped)
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attname = 'tenantId' AND NOT a.attisdropped)`,
  },
  {
    // Citus: "Subqueries are not supported in policies on distributed tables".
    rule: 'policy-with-subquery',
    sql: `
      SELECT c.relname AS table, format('policy %s', p.polname) AS detail
      FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
      WHERE c.relnamespace = $1::regnamespace
        AND (coalesce(p.polqual::text, '') LIKE '%{SUBLINK %' OR coalesce(p.polwithcheck::text, '') LIKE '%{SUBLINK %')`,
  },
  {
    rule: 'policy-calls-function',
    sql: `
      SELECT DISTINCT c.relname AS table, format('policy %s calls %s()', p.polname, f.proname) AS detail
      FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
      CROSS JOIN LATERAL regexp_matches(coalesce(p.polqual::text, '') || coalesce(p.polwithcheck::text, ''), ':funcid (\\d+)', 'g') AS m(id)
      JOIN pg_proc f ON f.oid = m.id[1]::oid
      WHERE c.relnamespace = $1::regnamespace AND f.pronamespace <> 'pg_catalog'::regnamespace
        AND NOT (f.proname = ANY ($2::text[]))`,
  },
  {
    // Citus refuses triggers on distributed tables (unless citus.enable_unsafe_triggers), and one that writes
    // another table fails on the shard: derived values are written by the code that changes their source.
    rule: 'trigger',
    sql: `
      SELECT c.relname AS table, format('trigger %s', t.tgname) AS detail
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal`,
  },
  {
    // Prisma casts enum columns in RETURNING ("col"::text), which Citus refuses there ("non-IMMUTABLE
    // functions are not allowed in the RETURNING clause"): a fixed set of values is text with a CHECK.
    rule: 'enum-column',
    sql: `
      SELECT c.relname AS table, format('column %s of enum type %s', a.attname, a.atttypid::regtype) AS detail
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_type t ON t.oid = a.atttypid
      WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
        AND t.typtype = 'e'`,
  },
];

/** Every violation of the rules in `schema`, ordered by table and rule. */
export async function citusRuleViolations(db: pg.ClientBase, schema = 'public'): Promise<CitusRuleViolation[]> {
  const found: CitusRuleViolation[] = [];
  for (const { rule, sql } of RULE_QUERIES) {
    const params = rule === 'policy-calls-function' ? [schema, POLICY_FUNCTIONS] : [schema];
    const { rows } = await db.query<{ table: string; detail: string }>(sql, params);
    found.push(...rows.map((r) => ({ table: r.table, rule, detail: r.detail })));
  }
  return found.sort((a, b) => a.table.localeCompare(b.table) || a.rule.localeCompare(b.rule));
}

/** One line per violation, naming the table and the rule (the message CI shows). */
export const describeViolations = (violations: readonly CitusRuleViolation[]) =>
  violations.map((v) => `${v.table}: ${v.rule} (${v.detail})`);
