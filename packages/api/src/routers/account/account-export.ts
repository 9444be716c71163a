/**
 * Everything Hubwerk holds about one person, across every town (DSGVO
 * Art. 15 and 20; docs/decisions/027): the account, its memberships, its
 * bookings and series, its sessions and the audit entries it is actor or
 * target of. Written with the town export's archive writer (JSON + CSV per
 * table, the same formula-injection guard).
 *
 * A person's data spans towns — also towns they no longer belong to (their
 * bookings stay there) — so the rows are read through the audited platform
 * client in one REPEATABLE READ transaction, every query filtered by the
 * caller's own id or address, and every town read gets its own audit entry.
 * Secrets (password, TOTP and token hashes) are never selected.
 */
import type { PlatformTx } from '@hubwerk/db';
import { createArchiveWriter, type ExportRow } from '../../jobs/exports/export-archive.ts';

const PAGE = 500;
const lower = (value: string | null) => (value ? value.toLowerCase().replaceAll('_', '-') : null);

export interface Person {
  id: string;
  email: string;
}

type Page = Array<ExportRow & { id: string }>;

interface PersonTable {
  file: string;
  columns: readonly string[];
  page(tx: PlatformTx, person: Person, cursor: string | null): Promise<Page>;
}

const after = (cursor: string | null) => (cursor ? { id: { gt: cursor } } : {});
const paged = { orderBy: { id: 'asc' as const }, take: PAGE };
const town = { select: { slug: true, name: true } } as const;

const TABLES: readonly PersonTable[] = [
  {
    file: 'sitzungen',
    columns: ['id', 'createdAt', 'lastSeenAt', 'expiresAt', 'revokedAt', 'userAgent', 'clientIp'],
    page: (tx, p, c) =>
      tx.session.findMany({
        where: { userId: p.id, ...after(c) },
        ...paged,
        select: {
          id: true,
          createdAt: true,
          lastSeenAt: true,
          expiresAt: true,
          revokedAt: true,
          userAgent: true,
          clientIp: true,
        },
      }),
  },
  {
    file: 'passwort-ruecksetzungen',
    columns: ['id', 'createdAt', 'expiresAt', 'usedAt'],
    page: (tx, p, c) =>
      tx.passwordResetToken.findMany({
        where: { userId: p.id, ...after(c) },
        ...paged,
        select: { id: true, createdAt: true, expiresAt: true, usedAt: true },
      }),
  },
  {
    file: 'partner-mitgliedschaften',
    columns: ['id', 'partner', 'kind', 'role', 'createdAt'],
    page: async (tx, p, c) =>
      (
        await tx.partnerMembership.findMany({
          where: { userId: p.id, ...after(c) },
          ...paged,
          select: { id: true, role: true, createdAt: true, partner: { select: { name: true, kind: true } } },
        })
      ).map(({ partner, ...m }) => ({
        ...m,
        partner: partner.name,
        kind: lower(partner.kind),
        role: lower(m.role),
      })),
  },
  {
    file: 'mitgliedschaften',
    columns: ['id', 'town', 'townName', 'role', 'createdAt', 'organisationId', 'deskDaysPerMonth', 'roomHoursPerMonth'],
    page: async (tx, p, c) =>
      (
        await tx.tenantMembership.findMany({
          where: { userId: p.id, ...after(c) },
          ...paged,
          select: {
            id: true,
            role: true,
            createdAt: true,
            tenant: town,
            memberProfile: { select: { organisationId: true, deskDaysPerMonth: true, roomHoursPerMonth: true } },
          },
        })
      ).map(({ tenant, memberProfile, ...m }) => ({
        ...m,
        town: tenant.slug,
        townName: tenant.name,
        role: lower(m.role),
        ...(memberProfile ?? {}),
      })),
  },
  {
    file: 'hub-zuordnungen',
    columns: ['id', 'town', 'hubId', 'hub', 'role', 'contactRole', 'createdAt'],
    page: async (tx, p, c) =>
      (
        await tx.hubAssignment.findMany({
          where: { membership: { userId: p.id }, ...after(c) },
          ...paged,
          select: {
            id: true,
            hubId: true,
            role: true,
            contactRole: true,
            createdAt: true,
            hub: { select: { name: true, tenant: town } },
          },
        })
      ).map(({ hub, ...a }) => ({ ...a, town: hub.tenant.slug, hub: hub.name, role: lower(a.role) })),
  },
  {
    file: 'buchungen',
    columns: [
      'id',
      'town',
      'spaceId',
      'space',
      'deskId',
      'organisationId',
      'seriesId',
      'startsAt',
      'endsAt',
      'status',
      'purpose',
      'attendees',
      'checkedInAt',
      'noShowAt',
      'cancelledAt',
      'createdAt',
      'changedAt',
      'bookedByStaff',
    ],
    page: async (tx, p, c) =>
      (
        await tx.booking.findMany({
          where: { userId: p.id, ...after(c) },
          ...paged,
          select: {
            id: true,
            spaceId: true,
            deskId: true,
            organisationId: true,
            seriesId: true,
            startsAt: true,
            endsAt: true,
            status: true,
            purpose: true,
            attendees: true,
            checkedInAt: true,
            noShowAt: true,
            cancelledAt: true,
            createdAt: true,
            changedAt: true,
            createdById: true,
            space: { select: { name: true, hub: { select: { tenant: town } } } },
          },
        })
      ).map(({ space, createdById, ...b }) => ({
        ...b,
        town: space.hub.tenant.slug,
        space: space.name,
        status: lower(b.status),
        bookedByStaff: createdById !== null && createdById !== p.id,
      })),
  },
  {
    file: 'buchungsserien',
    columns: [
      'id',
      'town',
      'spaceId',
      'deskId',
      'rrule',
      'firstStartsAt',
      'durationMinutes',
      'timezone',
      'purpose',
      'attendees',
      'createdAt',
    ],
    page: async (tx, p, c) =>
      (
        await tx.bookingSeries.findMany({
          where: { userId: p.id, ...after(c) },
          ...paged,
          select: {
            id: true,
            spaceId: true,
            deskId: true,
            rrule: true,
            firstStartsAt: true,
            durationMinutes: true,
            timezone: true,
            purpose: true,
            attendees: true,
            createdAt: true,
            space: { select: { hub: { select: { tenant: town } } } },
          },
        })
      ).map(({ space, ...s }) => ({ ...s, town: space.hub.tenant.slug })),
  },
  {
    // The feeds' addresses are secrets (only their hash is stored): what they show and since when, not the link.
    file: 'kalender-abos',
    columns: ['id', 'tenantId', 'kind', 'hubId', 'spaceId', 'createdAt', 'revokedAt'],
    page: async (tx, p, c) =>
      (
        await tx.calendarFeed.findMany({
          where: { userId: p.id, ...after(c) },
          ...paged,
          select: {
            id: true,
            tenantId: true,
            kind: true,
            hubId: true,
            spaceId: true,
            createdAt: true,
            revokedAt: true,
          },
        })
      ).map((f) => ({ ...f, kind: lower(f.kind) })),
  },
  {
    file: 'einladungen',
    columns: [
      'id',
      'tenantId',
      'partnerId',
      'email',
      'role',
      'hubId',
      'expiresAt',
      'acceptedAt',
      'revokedAt',
      'createdAt',
    ],
    page: async (tx, p, c) =>
      (
        await tx.invitation.findMany({
          where: { email: { equals: p.email, mode: 'insensitive' }, ...after(c) },
          ...paged,
          select: {
            id: true,
            tenantId: true,
            partnerId: true,
            email: true,
            tenantRole: true,
            partnerRole: true,
            hubId: true,
            expiresAt: true,
            acceptedAt: true,
            revokedAt: true,
            createdAt: true,
          },
        })
      ).map(({ tenantRole, partnerRole, ...i }) => ({ ...i, role: lower(tenantRole ?? partnerRole) })),
  },
  {
    file: 'support-sitzungen',
    columns: ['id', 'tenantId', 'reason', 'startedAt', 'expiresAt', 'endedAt'],
    page: (tx, p, c) =>
      tx.supportSession.findMany({
        where: { staffUserId: p.id, ...after(c) },
        ...paged,
        select: { id: true, tenantId: true, reason: true, startedAt: true, expiresAt: true, endedAt: true },
      }),
  },
  {
    file: 'datenexporte-der-kommune',
    columns: ['id', 'tenantId', 'status', 'createdAt', 'finishedAt', 'sizeBytes'],
    page: async (tx, p, c) =>
      (
        await tx.tenantExport.findMany({
          where: { requestedById: p.id, ...after(c) },
          ...paged,
          select: { id: true, tenantId: true, status: true, createdAt: true, finishedAt: true, sizeBytes: true },
        })
      ).map((e) => ({ ...e, status: lower(e.status) })),
  },
  {
    // Entries the person made or that are about their account. What someone else recorded (who they are, their
    // notes and details) is that person's data (Art. 15(4)): of those only what happened to the account, and when.
    file: 'protokoll',
    columns: ['id', 'tenantId', 'createdAt', 'action', 'byYou', 'targetType', 'targetId', 'reason', 'data'],
    page: async (tx, p, c) => {
      // The towns' logs and the platform's (docs/decisions/030), one page in id order across both.
      const query = { where: { OR: [{ actorUserId: p.id }, { targetId: p.id }], ...after(c) }, ...paged };
      const select = {
        id: true,
        createdAt: true,
        action: true,
        actorUserId: true,
        targetType: true,
        targetId: true,
        reason: true,
        data: true,
      } as const;
      const [town, platform] = await Promise.all([
        tx.auditEvent.findMany({ ...query, select: { ...select, tenantId: true } }),
        tx.platformAuditEvent.findMany({ ...query, select }),
      ]);
      return [...town, ...platform.map((e) => ({ ...e, tenantId: null }))]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, PAGE)
        .map(({ actorUserId, ...e }) =>
          actorUserId === p.id
            ? { ...e, byYou: true, data: (e.data ?? null) as ExportRow[string] }
            : { ...e, byYou: false, reason: null, data: null },
        );
    },
  },
];

/** The towns whose rows the export reads: each gets an audit entry. */
export async function townsOf(tx: PlatformTx, person: Person): Promise<string[]> {
  const rows = await tx.$queryRaw<Array<{ tenantId: string }>>`
    SELECT "tenantId" FROM "TenantMembership" WHERE "userId" = ${person.id}::uuid
    UNION SELECT "tenantId" FROM "Booking" WHERE "userId" = ${person.id}::uuid
    UNION SELECT "tenantId" FROM "BookingSeries" WHERE "userId" = ${person.id}::uuid
    UNION SELECT "tenantId" FROM "CalendarFeed" WHERE "userId" = ${person.id}::uuid
    UNION SELECT "tenantId" FROM "SupportSession" WHERE "staffUserId" = ${person.id}::uuid
    UNION SELECT "tenantId" FROM "TenantExport" WHERE "requestedById" = ${person.id}::uuid
    UNION SELECT "tenantId" FROM "Invitation" WHERE lower(email) = lower(${person.email}) AND "tenantId" IS NOT NULL
    UNION SELECT "tenantId" FROM "AuditEvent" WHERE "actorUserId" = ${person.id}::uuid OR "targetId" = ${person.id}`;
  return rows.map((r) => r.tenantId).sort();
}

/** Writes the archive; returns its bytes and the row count per file. */
export async function writePersonArchive(
  tx: PlatformTx,
  person: Person,
  now: Date,
): Promise<{ archive: Buffer; files: Array<{ file: string; rows: number }> }> {
  const account = await tx.user.findUniqueOrThrow({
    where: { id: person.id },
    select: {
      id: true,
      email: true,
      name: true,
      platformRole: true,
      createdAt: true,
      updatedAt: true,
      totpEnabledAt: true,
    },
  });
  const zip = createArchiveWriter();
  zip.file(
    'konto.json',
    `${JSON.stringify({ ...account, platformRole: lower(account.platformRole), secondFactor: account.totpEnabledAt !== null }, null, 2)}\n`,
  );
  const files: Array<{ file: string; rows: number }> = [];
  for (const table of TABLES) {
    const sink = zip.table({ file: table.file, columns: table.columns, csv: true });
    let cursor: string | null = null;
    for (;;) {
      const rows = await table.page(tx, person, cursor);
      sink.rows(rows);
      const last = rows.at(-1);
      if (!last || rows.length < PAGE) break;
      cursor = last.id;
    }
    files.push({ file: table.file, rows: sink.end() });
  }
  zip.file(
    'manifest.json',
    `${JSON.stringify({ format: 'hubwerk-personal-export', version: 1, userId: person.id, createdAt: now.toISOString(), files: [{ file: 'konto.json', rows: 1 }, ...files.map((f) => ({ file: `${f.file}.json`, csv: `${f.file}.csv`, rows: f.rows }))] }, null, 2)}\n`,
  );
  zip.file('LIESMICH.txt', readme(now));
  return { archive: await zip.finish(), files };
}

function readme(at: Date): string {
  return [
    'Ihre Daten in Hubwerk (Auskunft nach Art. 15 und Datenübertragbarkeit nach Art. 20 DSGVO)',
    `Erstellt: ${at.toISOString()}`,
    '',
    'konto.json: Ihr Konto. Je Tabelle eine JSON- und eine CSV-Datei (Semikolon-getrennt, UTF-8), über alle Kommunen:',
    'Sitzungen, Passwort-Rücksetzungen, Partner-Mitgliedschaften, Mitgliedschaften in Kommunen mit Profil, Hub-Zuordnungen,',
    'Buchungen, Buchungsserien, Kalender-Abos, Einladungen an Ihre Adresse, Support-Sitzungen, von Ihnen angestoßene',
    'Datenexporte einer Kommune und die Protokolleinträge, die Sie ausgelöst haben oder die Ihr Konto betreffen.',
    'manifest.json nennt die Zeilenzahlen.',
    '',
    'Nicht enthalten: Passwort-, Zweitfaktor- und Token-Hashes (Geheimnisse, keine Angaben über Sie), die Adressen Ihrer',
    'Kalender-Abos (sie sind Zugangsschlüssel) und Angaben über andere Personen: bei Protokolleinträgen, die jemand anderes',
    'über Ihr Konto ausgelöst hat, stehen nur Zeit und Vorgang, nicht wer es war und was er dazu notiert hat. Die Kommune',
    'gibt Ihnen dazu auf Anfrage Auskunft.',
    '',
  ].join('\r\n');
}
