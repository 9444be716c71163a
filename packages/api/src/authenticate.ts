import {
  type Actor,
  SESSION_BY_TOKEN_SQL,
  sessionByTokenValues,
  type SessionRow,
  type SessionUser,
  usableSession,
} from '@hubwerk/auth';
import { type AppClient, runInScope, type Tenant } from '@hubwerk/db';
import { actorColumns, actorOf, type ActorRow } from './actor.ts';

// The town's columns as ctx.tenant has them (named: the statements are prepared).
const TOWN_COLUMNS = `t.id, t.name, t.slug, t.ags, t.bundesland, t.status::text AS status, t.timezone, t."managingPartnerId", t."createdAt", t."updatedAt",
       t."paymentOverdueSince"`;
/** The town by slug, as the caller's row-level security shows it. */
export const TENANT_BY_SLUG = `SELECT ${TOWN_COLUMNS}
  FROM "Tenant" t WHERE t.slug = $1`;
// In the user's scope (app_current_user()).
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
 * Who is calling, in two round trips: the session behind the bearer token
 * (no scope: sessions and users are global), and — only if the session is
 * usable — in that user's scope, the user's memberships (their abilities)
 * and, for a town procedure, the town by its slug as the user's row-level
 * security shows it. Null when the token names no usable session.
 */
export async function authenticate(
  db: AppClient,
  token: string,
  townSlug?: string,
  now = new Date(),
): Promise<SignedIn | null> {
  const [session] = await db.$prepared<SessionRow>(SESSION_BY_TOKEN_SQL, sessionByTokenValues(token));
  const user = await usableSession(db, session, now);
  if (!user) return null;
  const [row] = await runInScope({ tenantId: null, userId: user.userId }, () =>
    townSlug === undefined
      ? db.$prepared<ActorRow>(ACTOR_SQL, [])
      : db.$prepared<ActorRow & Partial<Tenant>>(ACTOR_AND_TOWN_SQL, [townSlug]),
  );
  const { partners, tenants, ...town } = row as ActorRow & Partial<Tenant>;
  return {
    session: user,
    actor: actorOf(user, { partners, tenants }),
    ...(townSlug === undefined ? {} : { town: { slug: townSlug, row: town.id ? (town as Tenant) : null } }),
  };
}
