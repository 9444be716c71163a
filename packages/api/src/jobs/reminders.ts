import type { PlatformClient } from '@hubwerk/db';
import { type BookingMailFacts, renderBookingMail } from '../mail/booking-mails.ts';

/** How long before its start a booking's reminder goes out. */
export const REMINDER_LEAD_HOURS = 24;

interface DueReminder {
  bookingId: string;
  revision: number;
  slug: string;
  timezone: string;
  hubName: string;
  spaceName: string;
  deskName: string | null;
  startsAt: Date;
  endsAt: Date;
  purpose: string | null;
  organisationName: string | null;
  recipientName: string;
  recipientEmail: string;
}

/**
 * Enqueues the reminder of every confirmed booking of one town that starts
 * within the next 24 hours and has none yet — exactly once: the claim is a
 * conditional UPDATE of `reminderQueuedAt` (a concurrent run waits for the
 * row and then no longer matches it), and the outbox rows are inserted in
 * the same transaction, so a failure enqueues nothing and claims nothing. A
 * booking made less than 24 hours ahead is marked at creation (its
 * confirmation is the reminder). One job per town (ADR 032): every statement
 * names the town, so on Citus it runs on that town's shard, and no row lock
 * spans towns.
 */
export async function enqueueDueReminders(
  platform: PlatformClient,
  tenantId: string,
  adminUrl: string,
  batchSize = 200,
): Promise<number> {
  return platform
    .run(
      async (tx) => {
        const due = await tx.$queryRaw<DueReminder[]>`
        WITH claimed AS (
          UPDATE "Booking" b SET "reminderQueuedAt" = now()
           WHERE b."tenantId" = ${tenantId}::uuid AND b.id IN (
             SELECT id FROM "Booking"
              WHERE "tenantId" = ${tenantId}::uuid AND status = 'CONFIRMED' AND "reminderQueuedAt" IS NULL
                AND "startsAt" > now() AND "startsAt" <= now() + make_interval(hours => ${REMINDER_LEAD_HOURS})
              ORDER BY "startsAt" LIMIT ${batchSize})
             AND b."reminderQueuedAt" IS NULL
           RETURNING b.*
        )
        SELECT c.id AS "bookingId", c.revision, t.slug, t.timezone, h.name AS "hubName", s.name AS "spaceName", d.name AS "deskName",
               c."startsAt", c."endsAt", c.purpose, o.name AS "organisationName", coalesce(u.name, c."requesterName") AS "recipientName", coalesce(u.email, c."requesterEmail") AS "recipientEmail"
          FROM claimed c
          JOIN "Tenant" t ON t.id = c."tenantId"
          JOIN "Space" s ON s."tenantId" = c."tenantId" AND s.id = c."spaceId"
          JOIN "Hub" h ON h."tenantId" = s."tenantId" AND h.id = s."hubId"
          LEFT JOIN "User" u ON u.id = c."userId"
          LEFT JOIN "Desk" d ON d."tenantId" = c."tenantId" AND d.id = c."deskId"
          LEFT JOIN "Organisation" o ON o."tenantId" = c."tenantId" AND o.id = c."organisationId"`;
        if (due.length > 0) {
          await tx.outboxEmail.createMany({
            data: due.map((r) => {
              const facts: BookingMailFacts = { ...r, tenantSlug: r.slug, bookedBy: null, adminUrl };
              const mail = renderBookingMail('reminder', facts);
              return {
                kind: 'booking.reminder',
                toAddress: r.recipientEmail,
                subject: mail.subject,
                textBody: mail.text,
                icsAttachment: mail.ics,
              };
            }),
          });
        }
        return due.map((r) => r.bookingId);
      },
      (ids) =>
        ids.length > 0
          ? { action: 'booking.remindersQueued', actorUserId: null, tenantId, targetType: 'Booking', data: { ids } }
          : null,
    )
    .then((ids) => ids.length);
}
