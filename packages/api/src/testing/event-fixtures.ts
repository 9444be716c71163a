import { hashToken, newToken } from '@hubwerk/auth';
import { localParts, nthWorkday, zonedToUtc } from '@hubwerk/domain';
import type pg from 'pg';
import type { Caller, TestApi } from '../test-support.ts';

/** Shared by the events tests: many members at once, and times inside the demo hub's opening hours (Mon–Fri 8–18). */
const TZ = 'Europe/Berlin';

/** The n-th workday from today, Berlin time. */
export const workday = (n: number) => nthWorkday(localParts(new Date(), TZ).date, n);
/** "10:30" on `date` in Berlin, as an ISO instant. */
export const at = (date: string, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return zonedToUtc(date, h * 60 + m, TZ).toISOString();
};

let batch = 0;

/**
 * `n` new members of the town, each signed in with a session of their own:
 * rows written directly (signing in 500 people through argon2 would take
 * minutes), then called through the API like anyone else.
 */
export async function newMembers(
  api: TestApi,
  superuser: pg.Client,
  tenantSlug: string,
  n: number,
): Promise<Array<{ userId: string; email: string; caller: Caller }>> {
  batch++;
  const tokens = Array.from({ length: n }, () => newToken());
  const { rows } = await superuser.query<{ id: string; email: string; i: number }>(
    `WITH u AS (
       INSERT INTO "User" (id, email, name, "updatedAt")
       SELECT gen_random_uuid(), 'event-member-' || $2 || '-' || i || '@einbeck.hubwerk.test', 'Teilnehmerin ' || $2 || '-' || i, now()
         FROM generate_series(1, $1::int) i
       RETURNING id, email, (regexp_match(email, '-(\\d+)@'))[1]::int AS i
     ), m AS (
       INSERT INTO "TenantMembership" ("tenantId", id, "userId", role)
       SELECT t.id, gen_random_uuid(), u.id, 'MEMBER' FROM u, "Tenant" t WHERE t.slug = $3
     )
     SELECT id, email, i FROM u ORDER BY i`,
    [n, `${batch}-${Date.now()}`, tenantSlug],
  );
  await superuser.query(
    `INSERT INTO "Session" (id, "tokenHash", "userId", "expiresAt")
     SELECT gen_random_uuid(), t.hash, t."userId", now() + interval '1 day' FROM unnest($1::text[], $2::uuid[]) AS t(hash, "userId")`,
    [rows.map((_, i) => hashToken(tokens[i]!)), rows.map((r) => r.id)],
  );
  return rows.map((r, i) => ({ userId: r.id, email: r.email, caller: api.caller(tokens[i]!) }));
}

/** The seat invariant of one event, read as the superuser: the counters equal the rows and stay within capacity. */
export async function seatState(superuser: pg.Client, eventId: string) {
  const { rows } = await superuser.query<{
    capacity: number;
    confirmedSeats: number;
    offeredSeats: number;
    waitlistedCount: number;
    confirmedRows: number;
    offeredRows: number;
    waitlistedRows: number;
    livePeople: number;
    distinctPeople: number;
  }>(
    `SELECT e.capacity, e."confirmedSeats", e."offeredSeats", e."waitlistedCount",
            coalesce(sum(r.seats) FILTER (WHERE r.status = 'confirmed'), 0)::int AS "confirmedRows",
            coalesce(sum(r.seats) FILTER (WHERE r.status = 'offered'), 0)::int AS "offeredRows",
            count(r.*) FILTER (WHERE r.status = 'waitlisted')::int AS "waitlistedRows",
            count(r.*) FILTER (WHERE r.status IN ('confirmed', 'waitlisted', 'offered'))::int AS "livePeople",
            count(DISTINCT r."userId") FILTER (WHERE r.status IN ('confirmed', 'waitlisted', 'offered'))::int AS "distinctPeople"
       FROM "Event" e LEFT JOIN "EventRegistration" r ON r."tenantId" = e."tenantId" AND r."eventId" = e.id
      WHERE e.id = $1 GROUP BY e."tenantId", e.id`,
    [eventId],
  );
  return rows[0]!;
}
