import type { PlatformClient } from '@hubwerk/db';
import { localParts } from '@hubwerk/domain';
import { APPROVAL_DIGEST_KIND, approvalDigestMail } from '../mail/approval-mails.ts';
import { enqueueMail } from '../mail/outbox.ts';

/** The town's local hour from which its day's digest goes out. */
export const DIGEST_HOUR = 7;

interface Claimed {
  userId: string;
  email: string;
  townWide: boolean;
  hubIds: string[];
}

/**
 * The daily digest of one town (docs/decisions/037): each person who chose
 * it (and still decides requests somewhere) gets one mail listing every
 * request still pending in the hubs they decide for; nobody gets one when
 * none is pending. At most once per local day: each person's day is claimed
 * by a conditional UPDATE in the same transaction as the mails, so a second
 * run (another process, a retry, a restart) finds nobody left to mail.
 * Returns how many mails were enqueued. Runs on the audited platform client
 * like every job across towns.
 */
export async function sendApprovalDigest(
  platform: PlatformClient,
  input: { tenantId: string; adminUrl: string; now?: Date },
): Promise<number> {
  const now = input.now ?? new Date();
  return platform.run(
    async (tx) => {
      const town = await tx.tenant.findUnique({
        where: { id: input.tenantId },
        select: { slug: true, name: true, timezone: true, status: true },
      });
      if (!town || town.status !== 'ACTIVE') return 0;
      const today = localParts(now, town.timezone).date;
      const claimed = await tx.$queryRaw<Claimed[]>`
        WITH claimed AS (
          UPDATE "TenantMembership" m SET "approvalDigestSentOn" = ${today}::date
           WHERE m."tenantId" = ${input.tenantId}::uuid AND m."approvalDigest"
             AND (m."approvalDigestSentOn" IS NULL OR m."approvalDigestSentOn" < ${today}::date)
          RETURNING m.id, m."tenantId", m."userId", m.role
        )
        SELECT c."userId", u.email, c.role = 'TOWN_ADMIN' AS "townWide",
               coalesce((SELECT array_agg(a."hubId"::text) FROM "HubAssignment" a
                          WHERE a."tenantId" = c."tenantId" AND a."membershipId" = c.id
                            AND coalesce(a.role, c.role) = 'HUB_MANAGER'), '{}') AS "hubIds"
          FROM claimed c JOIN "User" u ON u.id = c."userId"`;
      const deciders = claimed.filter((c) => c.townWide || c.hubIds.length > 0);
      if (deciders.length === 0) return 0;
      const pending = await tx.booking.findMany({
        where: { tenantId: input.tenantId, status: 'PENDING' },
        include: {
          space: { select: { hubId: true, name: true, hub: { select: { name: true } } } },
          desk: { select: { name: true } },
          user: { select: { name: true } },
        },
        orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
        take: 500,
      });
      let mails = 0;
      for (const person of deciders) {
        const entries = pending
          .filter((b) => person.townWide || person.hubIds.includes(b.space.hubId))
          .map((b) => ({
            hubName: b.space.hub.name,
            spaceName: b.space.name,
            deskName: b.desk?.name ?? null,
            startsAt: b.startsAt,
            endsAt: b.endsAt,
            requesterName: b.user?.name ?? b.requesterName ?? '',
            purpose: b.purpose,
          }));
        if (entries.length === 0) continue;
        const mail = approvalDigestMail({
          tenantSlug: town.slug,
          townName: town.name,
          timezone: town.timezone,
          adminUrl: input.adminUrl,
          entries,
        });
        await enqueueMail(tx, APPROVAL_DIGEST_KIND, person.email, mail);
        mails += 1;
      }
      return mails;
    },
    (mails) =>
      mails > 0
        ? {
            action: 'approval.digestSent',
            actorUserId: null,
            tenantId: input.tenantId,
            targetType: 'Tenant',
            targetId: input.tenantId,
            data: { mails },
          }
        : null,
  );
}
