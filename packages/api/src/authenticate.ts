import { type Actor, SESSION_SCOPING_SQL, type SessionRow, sessionScopingValues, type SessionUser, usableSession } from '@hubwerk/auth';
import type { AppClient, Tenant } from '@hubwerk/db';
import { ACTOR_OF_SCOPED_USER_SQL, actorOf } from './actor.ts';

// Every town procedure starts here: prepared (planned once per connection), columns named.
export const TENANT_BY_SLUG = `SELECT t.id, t.name, t.slug, t.ags, t.bundesland, t.status::text AS status, t.timezone, t."managingPartnerId", t."createdAt", t."updatedAt",
       t."paymentOverdueSince"
  FROM "Tenant" t WHERE t.slug = $1`;

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
 * scopes to its user while the session is usable, so the other two read
 * with that user's row-level security exactly as when run one by one.
 * Null when the token names no usable session.
 */
export async function authenticate(db: AppClient, token: string, townSlug?: string, now = new Date()): Promise<SignedIn | null> {
  const [session, actor, town] = await db.$batch([
    { text: SESSION_SCOPING_SQL, values: sessionScopingValues(token, now) },
    { text: ACTOR_OF_SCOPED_USER_SQL },
    ...(townSlug === undefined ? [] : [{ text: TENANT_BY_SLUG, values: [townSlug] }]),
  ]);
  const user = await usableSession(db, session!.rows[0] as SessionRow | undefined, now);
  if (!user) return null;
  return {
    session: user,
    actor: actorOf(user, actor!.rows[0]),
    ...(townSlug === undefined ? {} : { town: { slug: townSlug, row: (town!.rows[0] as Tenant | undefined) ?? null } }),
  };
}
