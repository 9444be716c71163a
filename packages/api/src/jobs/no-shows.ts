import type { PlatformClient } from '@hubwerk/db';

/** Bookings that started longer ago than this are history: no-shows are no longer recorded for them. */
export const NO_SHOW_LOOKBACK_DAYS = 30;

interface RecordedNoShow {
  tenantId: string;
  hubId: string;
  bookingId: string;
}

/**
 * Records the no-shows of one town (docs/decisions/020): each confirmed
 * booking whose start + its space's grace period has passed without a
 * check-in gets `noShowAt` — exactly once. The claim is a conditional UPDATE
 * (a concurrent run waits for the rows this one holds and, once it
 * committed, no longer matches them), as in reminders.ts. One job per town
 * (ADR 032): every statement names the town, so on Citus it runs on that
 * town's shard. On the audited platform client: one platform entry for the
 * use of the bypass client, plus one entry per hub in the town's audit log
 * (the same action staff's "Nicht erschienene erfassen" writes,
 * `by: 'worker'`), all in the same transaction as the marks. Only bookings
 * that started within the last 30 days, like the staff action.
 */
export async function recordDueNoShows(platform: PlatformClient, tenantId: string, batchSize = 500): Promise<number> {
  return platform
    .run(
      async (tx) => {
        const recorded = await tx.$queryRaw<RecordedNoShow[]>`
        UPDATE "Booking" b SET "noShowAt" = now()
          FROM "Space" s
         WHERE b."tenantId" = ${tenantId}::uuid AND s."tenantId" = b."tenantId" AND s.id = b."spaceId"
           AND b.id IN (
             SELECT bk.id FROM "Booking" bk
               JOIN "Space" sp ON sp."tenantId" = bk."tenantId" AND sp.id = bk."spaceId"
              WHERE bk."tenantId" = ${tenantId}::uuid AND bk.status = 'CONFIRMED' AND bk."checkedInAt" IS NULL AND bk."noShowAt" IS NULL
                AND bk."startsAt" <= now() AND bk."startsAt" > now() - make_interval(days => ${NO_SHOW_LOOKBACK_DAYS}::int)
                AND bk."startsAt" + make_interval(mins => sp."checkInGraceMinutes") <= now()
              ORDER BY bk."startsAt" LIMIT ${batchSize})
           -- Checked again on the locked row: an arrival or another run may have committed meanwhile.
           AND b.status = 'CONFIRMED' AND b."checkedInAt" IS NULL AND b."noShowAt" IS NULL
         RETURNING b."tenantId", s."hubId", b.id AS "bookingId"`;
        const byHub = new Map<string, { tenantId: string; hubId: string; bookingIds: string[] }>();
        for (const r of recorded) {
          const key = `${r.tenantId}/${r.hubId}`;
          const entry = byHub.get(key) ?? { tenantId: r.tenantId, hubId: r.hubId, bookingIds: [] };
          entry.bookingIds.push(r.bookingId);
          byHub.set(key, entry);
        }
        if (byHub.size > 0) {
          // Each town sees in its own audit log what was recorded in its hubs, like the staff action's entry.
          await tx.auditEvent.createMany({
            data: [...byHub.values()].map((h) => ({
              tenantId: h.tenantId,
              actorUserId: null,
              action: 'booking.noShowsRecorded',
              targetType: 'Hub',
              targetId: h.hubId,
              data: { recorded: h.bookingIds.length, bookingIds: h.bookingIds.sort().slice(0, 200), by: 'worker' },
            })),
          });
        }
        return recorded;
      },
      (rows) =>
        rows.length > 0
          ? {
              action: 'booking.noShowsScanned',
              actorUserId: null,
              tenantId,
              targetType: 'Booking',
              data: {
                recorded: rows.length,
                ids: rows.map((r) => r.bookingId),
              },
            }
          : null,
    )
    .then((rows) => rows.length);
}
