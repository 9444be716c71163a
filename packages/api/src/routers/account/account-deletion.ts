/**
 * A person deletes their own account (DSGVO Art. 17; docs/decisions/027).
 * One transaction on the audited platform client, because the person's rows
 * lie in every town they ever used:
 *
 * - what the towns must keep (bookings, series, support sessions they ran)
 *   is re-pointed to the inert placeholder account "Gelöschtes Konto";
 * - invitations to the address are revoked and lose the address; mails not
 *   yet delivered to it are dropped;
 * - the audit entries stay; the database function app_redact_person_in_audit
 *   replaces the address (and, where the entry is about the account, the
 *   name) — the only change the audit log ever allows;
 * - the account row goes, and with it (foreign-key cascades) its sessions,
 *   memberships, hub assignments, member profiles, calendar feeds, second
 *   factor and the town exports it requested.
 *
 * Refused while the account is a town's last town admin, a partner's last
 * partner admin, or one of the provider's staff: someone must hold the role
 * first.
 */
import { Prisma, type PlatformTx } from '@hubwerk/db';

export const DELETED_USER_ID = '00000000-0000-4000-8000-00000000d0d0';
export const DELETED_USER_EMAIL = 'geloeschtes-konto@hubwerk.invalid';
export const DELETED_USER_NAME = 'Gelöschtes Konto';

export interface DeletionBlockers {
  platformRole: boolean;
  /** Towns in which the account is the only town admin. */
  towns: Array<{ slug: string; name: string }>;
  /** Partners in which the account is the only partner admin. */
  partners: Array<{ slug: string; name: string }>;
}

export const isBlocked = (b: DeletionBlockers) => b.platformRole || b.towns.length > 0 || b.partners.length > 0;

/**
 * What stands in the way. With `lock`, the admin memberships of the towns and
 * partners concerned are locked (FOR UPDATE) first, so two admins of one town
 * deleting themselves at once cannot both see the other as the successor.
 */
export async function deletionBlockers(tx: PlatformTx, userId: string, lock: boolean): Promise<DeletionBlockers> {
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { platformRole: true } });
  const forUpdate = lock ? Prisma.sql`FOR UPDATE` : Prisma.empty;
  const towns = await tx.$queryRaw<Array<{ tenantId: string; userId: string }>>`
    SELECT m."tenantId", m."userId" FROM "TenantMembership" m
      WHERE m.role = 'TOWN_ADMIN' AND m."tenantId" IN (SELECT "tenantId" FROM "TenantMembership" WHERE "userId" = ${userId}::uuid AND role = 'TOWN_ADMIN')
      ORDER BY m."tenantId", m.id ${forUpdate}`;
  const partners = await tx.$queryRaw<Array<{ partnerId: string; userId: string }>>`
    SELECT m."partnerId", m."userId" FROM "PartnerMembership" m
      WHERE m.role = 'PARTNER_ADMIN' AND m."partnerId" IN (SELECT "partnerId" FROM "PartnerMembership" WHERE "userId" = ${userId}::uuid AND role = 'PARTNER_ADMIN')
      ORDER BY m."partnerId", m.id ${forUpdate}`;
  const alone = <K extends string>(rows: Array<Record<K, string> & { userId: string }>, key: K) => {
    const admins = new Map<string, number>();
    for (const r of rows) admins.set(r[key], (admins.get(r[key]) ?? 0) + 1);
    return [...admins].filter(([, n]) => n === 1).map(([id]) => id);
  };
  const lastTowns = alone(towns, 'tenantId');
  const lastPartners = alone(partners, 'partnerId');
  const [townRows, partnerRows] = await Promise.all([
    lastTowns.length > 0
      ? tx.tenant.findMany({
          where: { id: { in: lastTowns } },
          select: { slug: true, name: true },
          orderBy: { name: 'asc' },
        })
      : [],
    lastPartners.length > 0
      ? tx.partner.findMany({
          where: { id: { in: lastPartners } },
          select: { slug: true, name: true },
          orderBy: { name: 'asc' },
        })
      : [],
  ]);
  return { platformRole: user.platformRole !== null, towns: townRows, partners: partnerRows };
}

export interface Anonymised {
  towns: Array<{ tenantId: string; bookings: number }>;
  bookings: number;
  series: number;
  invitations: number;
  auditEntriesRedacted: number;
}

/** Everything but the checks: runs inside the platform transaction that also writes the audit entries. */
export async function anonymiseAndDelete(
  tx: PlatformTx,
  user: { id: string; email: string },
  now: Date,
): Promise<Anonymised> {
  await tx.user.upsert({
    where: { id: DELETED_USER_ID },
    create: { id: DELETED_USER_ID, email: DELETED_USER_EMAIL, name: DELETED_USER_NAME },
    update: {},
  });

  // The towns concerned, before anything moves (each gets its own audit entry).
  const touched = await tx.$queryRaw<Array<{ tenantId: string; bookings: bigint }>>`
    SELECT t."tenantId", count(b.id) AS bookings FROM (
      SELECT "tenantId" FROM "TenantMembership" WHERE "userId" = ${user.id}::uuid
      UNION SELECT "tenantId" FROM "Booking" WHERE "userId" = ${user.id}::uuid OR "createdById" = ${user.id}::uuid
      UNION SELECT "tenantId" FROM "BookingSeries" WHERE "userId" = ${user.id}::uuid
      UNION SELECT "tenantId" FROM "SupportSession" WHERE "staffUserId" = ${user.id}::uuid
      UNION SELECT "tenantId" FROM "Invitation" WHERE lower(email) = lower(${user.email}) AND "tenantId" IS NOT NULL
    ) t LEFT JOIN "Booking" b ON b."tenantId" = t."tenantId" AND b."userId" = ${user.id}::uuid
    GROUP BY t."tenantId" ORDER BY t."tenantId"`;

  const bookings = await tx.booking.updateMany({ where: { userId: user.id }, data: { userId: DELETED_USER_ID } });
  // "Booked by staff for someone else" stays true; who it was does not.
  await tx.booking.updateMany({ where: { createdById: user.id }, data: { createdById: DELETED_USER_ID } });
  const series = await tx.bookingSeries.updateMany({ where: { userId: user.id }, data: { userId: DELETED_USER_ID } });
  await tx.supportSession.updateMany({ where: { staffUserId: user.id }, data: { staffUserId: DELETED_USER_ID } });

  await tx.invitation.updateMany({
    where: { email: { equals: user.email, mode: 'insensitive' }, acceptedAt: null, revokedAt: null },
    data: { revokedAt: now },
  });
  const invitations = await tx.invitation.updateMany({
    where: { email: { equals: user.email, mode: 'insensitive' } },
    data: { email: DELETED_USER_EMAIL },
  });
  // Mails to the address: undelivered ones are dropped, delivered ones keep no address.
  await tx.outboxEmail.updateMany({
    where: { toAddress: { equals: user.email, mode: 'insensitive' }, status: 'PENDING' },
    data: { status: 'FAILED', lastError: 'account deleted' },
  });
  await tx.outboxEmail.updateMany({
    where: { toAddress: { equals: user.email, mode: 'insensitive' } },
    data: { toAddress: DELETED_USER_EMAIL, textBody: '', icsAttachment: null },
  });

  const [redacted] = await tx.$queryRaw<
    Array<{ changed: number }>
  >`SELECT app_redact_person_in_audit(${user.id}::uuid) AS changed`;

  for (const town of touched) {
    await tx.auditEvent.create({
      data: {
        tenantId: town.tenantId,
        actorUserId: user.id,
        action: 'account.deleted',
        targetType: 'User',
        targetId: user.id,
        data: { bookingsAnonymised: Number(town.bookings) },
        supportSessionId: null,
      },
    });
  }
  // Sessions, memberships, hub assignments, member profiles, feeds, second factor, partner memberships: by cascade.
  await tx.user.delete({ where: { id: user.id } });
  return {
    towns: touched.map((t) => ({ tenantId: t.tenantId, bookings: Number(t.bookings) })),
    bookings: bookings.count,
    series: series.count,
    invitations: invitations.count,
    auditEntriesRedacted: redacted?.changed ?? 0,
  };
}
