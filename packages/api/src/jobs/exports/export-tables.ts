/**
 * What a town's data export contains, table by table. Every read runs on the
 * app client in the town's scope (RLS), keyset-paginated by id. Columns are
 * listed explicitly: secrets (password hashes, token hashes, sessions) and
 * Stripe's ids are never selected, so they cannot end up in the archive.
 */
import type { AppClient } from '@hubwerk/db';
import type { ExportRow } from './export-archive.ts';

export const PAGE_SIZE = 500;

export interface ExportTable {
  /** File name in the ZIP, without extension. */
  file: string;
  columns: readonly string[];
  count(db: AppClient, tenantId: string): Promise<number>;
  /** The next page after `cursor` (ids ascending; uuid7 = creation order). */
  page(db: AppClient, tenantId: string, cursor: string | null): Promise<Array<ExportRow & { id: string }>>;
}

const after = (cursor: string | null) => (cursor ? { id: { gt: cursor } } : {});
const page = { orderBy: { id: 'asc' as const }, take: PAGE_SIZE };
const minutes = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const lower = (value: string | null) => (value ? value.toLowerCase().replaceAll('_', '-') : null);

export const EXPORT_TABLES: readonly ExportTable[] = [
  {
    file: 'hubs',
    columns: ['id', 'name', 'slug', 'thematicFocus', 'street', 'postalCode', 'city', 'createdAt', 'updatedAt'],
    count: (db, tenantId) => db.hub.count({ where: { tenantId } }),
    page: (db, tenantId, cursor) =>
      db.hub.findMany({
        where: { tenantId, ...after(cursor) },
        ...page,
        select: {
          id: true,
          name: true,
          slug: true,
          thematicFocus: true,
          street: true,
          postalCode: true,
          city: true,
          createdAt: true,
          updatedAt: true,
        },
      }),
  },
  {
    file: 'spaces',
    columns: [
      'id',
      'hubId',
      'kind',
      'name',
      'capacity',
      'amenities',
      'accessibilityNotes',
      'granularityMinutes',
      'minDurationMinutes',
      'maxDurationMinutes',
      'leadTimeMinutes',
      'horizonDays',
      'bufferMinutes',
      'approvalRequired',
      'createdAt',
      'updatedAt',
    ],
    count: (db, tenantId) => db.space.count({ where: { tenantId } }),
    page: async (db, tenantId, cursor) =>
      (await db.space.findMany({ where: { tenantId, ...after(cursor) }, ...page, omit: { tenantId: true } })).map(
        (s) => ({ ...s, kind: lower(s.kind) }),
      ),
  },
  {
    file: 'desks',
    columns: ['id', 'spaceId', 'name', 'attributes', 'createdAt'],
    count: (db, tenantId) => db.desk.count({ where: { tenantId } }),
    page: (db, tenantId, cursor) =>
      db.desk.findMany({ where: { tenantId, ...after(cursor) }, ...page, omit: { tenantId: true } }),
  },
  {
    // Photos of spaces (docs/decisions/019): what, where and who — not the image bytes (LIESMICH.txt says so).
    file: 'space-photos',
    columns: [
      'id',
      'spaceId',
      'position',
      'altText',
      'contentType',
      'width',
      'height',
      'byteSize',
      'sha256',
      'createdAt',
      'createdById',
    ],
    count: (db, tenantId) => db.spacePhoto.count({ where: { tenantId } }),
    page: (db, tenantId, cursor) =>
      db.spacePhoto.findMany({
        where: { tenantId, ...after(cursor) },
        ...page,
        select: {
          id: true,
          spaceId: true,
          position: true,
          altText: true,
          contentType: true,
          width: true,
          height: true,
          byteSize: true,
          sha256: true,
          createdAt: true,
          createdById: true,
        },
      }),
  },
  {
    file: 'opening-hours',
    columns: ['id', 'hubId', 'weekday', 'opensAt', 'closesAt'],
    count: (db, tenantId) => db.openingHours.count({ where: { tenantId } }),
    page: async (db, tenantId, cursor) =>
      (
        await db.openingHours.findMany({ where: { tenantId, ...after(cursor) }, ...page, omit: { tenantId: true } })
      ).map((h) => ({ ...h, opensAt: minutes(h.opensAt), closesAt: minutes(h.closesAt) })),
  },
  {
    file: 'closing-days',
    columns: ['id', 'hubId', 'date', 'note'],
    count: (db, tenantId) => db.openingException.count({ where: { tenantId } }),
    page: async (db, tenantId, cursor) =>
      (
        await db.openingException.findMany({ where: { tenantId, ...after(cursor) }, ...page, omit: { tenantId: true } })
      ).map((d) => ({ ...d, date: d.date.toISOString().slice(0, 10) })),
  },
  {
    file: 'bookings',
    columns: [
      'id',
      'spaceId',
      'deskId',
      'userId',
      'userEmail',
      'requesterName',
      'requesterEmail',
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
    ],
    count: (db, tenantId) => db.booking.count({ where: { tenantId } }),
    page: async (db, tenantId, cursor) =>
      (
        await db.booking.findMany({
          where: { tenantId, ...after(cursor) },
          ...page,
          omit: { tenantId: true },
          include: { user: { select: { email: true } } },
        })
      ).map(({ user, ...b }) => ({ ...b, userEmail: user?.email ?? null, status: lower(b.status) })),
  },
  {
    // People of the town: name, address and role — never a password hash, session or platform role.
    file: 'members',
    columns: ['id', 'userId', 'name', 'email', 'role', 'createdAt'],
    count: (db, tenantId) => db.tenantMembership.count({ where: { tenantId } }),
    page: async (db, tenantId, cursor) =>
      (
        await db.tenantMembership.findMany({
          where: { tenantId, ...after(cursor) },
          ...page,
          select: {
            id: true,
            userId: true,
            role: true,
            createdAt: true,
            user: { select: { name: true, email: true } },
          },
        })
      ).map(({ user, ...m }) => ({ ...m, name: user.name, email: user.email, role: lower(m.role) })),
  },
  {
    file: 'hub-assignments',
    columns: ['id', 'hubId', 'membershipId', 'createdAt'],
    count: (db, tenantId) => db.hubAssignment.count({ where: { tenantId } }),
    page: (db, tenantId, cursor) =>
      db.hubAssignment.findMany({ where: { tenantId, ...after(cursor) }, ...page, omit: { tenantId: true } }),
  },
  {
    // Invitations without their token hash (a credential until accepted).
    file: 'invitations',
    columns: ['id', 'email', 'role', 'expiresAt', 'acceptedAt', 'revokedAt', 'createdById', 'createdAt'],
    count: (db, tenantId) => db.invitation.count({ where: { tenantId } }),
    page: async (db, tenantId, cursor) =>
      (
        await db.invitation.findMany({
          where: { tenantId, ...after(cursor) },
          ...page,
          select: {
            id: true,
            email: true,
            tenantRole: true,
            expiresAt: true,
            acceptedAt: true,
            revokedAt: true,
            createdById: true,
            createdAt: true,
          },
        })
      ).map(({ tenantRole, ...i }) => ({ ...i, role: lower(tenantRole) })),
  },
  {
    file: 'audit-log',
    columns: ['id', 'createdAt', 'action', 'actorUserId', 'targetType', 'targetId', 'reason', 'data', 'requestId'],
    count: (db, tenantId) => db.auditEvent.count({ where: { tenantId } }),
    page: async (db, tenantId, cursor) =>
      (await db.auditEvent.findMany({ where: { tenantId, ...after(cursor) }, ...page, omit: { tenantId: true } })).map(
        (e) => ({ ...e, data: (e.data ?? null) as ExportRow[string] }),
      ),
  },
];

/** The town itself and its billing record (one row each: JSON only). */
export async function townRecord(db: AppClient, tenantId: string) {
  const town = await db.tenant.findFirstOrThrow({
    where: { id: tenantId },
    select: {
      id: true,
      name: true,
      slug: true,
      ags: true,
      bundesland: true,
      status: true,
      timezone: true,
      createdAt: true,
      updatedAt: true,
      managingPartner: { select: { name: true, kind: true } },
    },
  });
  const billing = await db.tenantBilling.findFirst({
    where: { tenantId },
    // Stripe's customer and subscription ids stay out (they are the provider's handles at Stripe, not the town's data).
    select: {
      plan: true,
      interval: true,
      status: true,
      currentPeriodEnd: true,
      cancelAtPeriodEnd: true,
      pastDueSince: true,
      contactName: true,
      contactEmail: true,
      street: true,
      postalCode: true,
      city: true,
      vatId: true,
      createdAt: true,
      updatedAt: true,
    },
  });
  return {
    town: {
      ...town,
      status: lower(town.status),
      managingPartner: town.managingPartner
        ? { name: town.managingPartner.name, kind: lower(town.managingPartner.kind) }
        : null,
    },
    billing: billing
      ? { ...billing, plan: lower(billing.plan), interval: lower(billing.interval), status: lower(billing.status) }
      : null,
  };
}
