import {
  type Actor,
  SESSION_SCOPING_SQL,
  type SessionRow,
  sessionScopingValues,
  type SessionUser,
  usableSession,
} from '@hubwerk/auth';
import type { AppClient, Tenant } from '@hubwerk/db';
import { actorColumns, actorOf, type ActorRow } from './actor.ts';

// The town's columns as ctx.tenant has them (named: the statements are prepared).
const TOWN_COLUMNS = `t.id, t.name, t.slug, t.ags, t.bundesland, t.status::text AS status, t.timezone, t."managingPartnerId", t."createdAt", t."updatedAt",
       t."paymentOverdueSince"`;
/** The town by slug, as the caller's row-level security shows it. */
export const TENANT_BY_SLUG = `SELECT ${TOWN_COLUMNS}
  FROM "Tenant" t WHERE t.slug = $1`;
// Behind the session lookup, which scoped the batch to its user (app_current_user()).
const ACTOR_SQL = `SELECT ${actorColumns('app_current_user()')}`;
// The same, with the town by slug $1 in the same row (its columns null when the user may not see it).
const ACTOR_AND_TOWN_SQL = `SELECT ${TOWN_COLUMNS}, ${actorColumns('app_current_user()')}
  FROM (SELECT) AS request LEFT JOIN "Tenant" t ON t.slug = $1`;

export interface SignedIn {
  session: SessionUser;
  actor: Actor;
  /** Asked for a town: the town by that slug as this user's row-level security shows it, or null. */
  town?: { slug: string; row: Tenant | null };
}

/**
 * Who is calling, in one round trip (ADR 022): the session behind the bearer
 * token, the user's memberships (their abilities) and, for a town procedure,
 * the town by its slug — one implicit transaction, which the session lookup
 * scopes to its user while the session is usable, so the second statement
 * reads with that user's row-level security exactly as when run alone.
 * Null when the token names no usable session.
 */
export async function authenticate(
  db: AppClient,
  token: string,
  townSlug?: string,
  now = new Date(),
): Promise<SignedIn | null> {
  const [session, actor] = await db.$batch([
    { text: SESSION_SCOPING_SQL, values: sessionScopingValues(token, now) },
    townSlug === undefined ? { text: ACTOR_SQL } : { text: ACTOR_AND_TOWN_SQL, values: [townSlug] },
  ]);
  const user = await usableSession(db, session!.rows[0] as SessionRow | undefined, now);
  if (!user) return null;
  const { partners, tenants, ...town } = actor!.rows[0] as ActorRow & Partial<Tenant>;
  return {
    session: user,
    actor: actorOf(user, { partners, tenants }),
    ...(townSlug === undefined ? {} : { town: { slug: townSlug, row: town.id ? (town as Tenant) : null } }),
  };
}
