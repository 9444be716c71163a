import { type Actor, type AppAbility, accessibleWhere, subject } from '@hubwerk/auth';
import type { AppClient, AuditEvent, PlatformTx, Prisma, Tenant } from '@hubwerk/db';
import { CHANGE_ACTIONS } from '@hubwerk/domain';
import type { Context } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { DELETED_USER_EMAIL, DELETED_USER_NAME } from '../account/account-deletion.ts';

type Ctx = Context & { tenant: Tenant; ability: AppAbility };
type AuthedCtx = Context & { session: { userId: string }; actor: Actor };

export interface AuditListInput {
  action?: string | undefined;
  /** Only entries that change something (AUDIT_ACTIONS' kind "change"): no reads, no system work. */
  changesOnly?: boolean | undefined;
  actorEmail?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * The lookups both views make, on the app client (town view, under the
 * town's row-level security) or on the platform transaction (cross-town
 * view). Both are the same generated Prisma client underneath; the app
 * client's extension only changes how unique lookups run.
 */
type Reader = Pick<PlatformTx, 'user' | 'supportSession' | 'tenant'>;
const asReader = (db: AppClient | PlatformTx): Reader => db as unknown as Reader;

function timeRange(input: AuditListInput) {
  const from = input.from ? new Date(input.from) : undefined;
  const to = input.to ? new Date(input.to) : undefined;
  // A rule between two fields names both: either may be the one to correct.
  if (from && to && from > to)
    throw new DomainError('BAD_REQUEST', 'validation.audit.rangeReversed', {
      from: ['validation.audit.rangeReversed'],
      to: ['validation.audit.rangeReversed'],
    });
  return from || to ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {};
}

/** The filters shared by the town view and the cross-town views; null: nobody by that address (an empty page). */
async function filterOf(
  db: Pick<Reader, 'user'>,
  input: AuditListInput,
): Promise<(Prisma.AuditEventWhereInput & Prisma.PlatformAuditEventWhereInput) | null> {
  const range = timeRange(input);
  let actorUserId: string | undefined;
  if (input.actorEmail) {
    const actor = await db.user.findUnique({ where: { email: input.actorEmail }, select: { id: true } });
    // Nobody by that address: an empty page, the same as someone who did nothing here.
    if (!actor) return null;
    actorUserId = actor.id;
  }
  return {
    AND: [
      input.action ? { action: input.action } : {},
      input.changesOnly ? { action: { in: [...CHANGE_ACTIONS] } } : {},
      actorUserId ? { actorUserId } : {},
      range,
    ],
  };
}

const newestFirst = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** An entry of a town's log or of the platform's (tenantId null), as both views present it. */
type AuditRow = Omit<AuditEvent, 'tenantId'> & { tenantId: string | null };

/** The entries after `at` in newest-first order: a cursor that works the same on both logs. */
const olderThan = (at: { createdAt: Date; id: string } | null) =>
  at ? { OR: [{ createdAt: { lt: at.createdAt } }, { createdAt: at.createdAt, id: { lt: at.id } }] } : {};
const newer = (a: AuditRow, b: AuditRow) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1);

/**
 * Rows as the API shows them: who acted, the town, and — for entries written
 * in a support session (ADR 011) — on whose behalf and why.
 */
async function present(db: Reader, rows: AuditRow[], input: AuditListInput, withTown: boolean) {
  const items = rows.slice(0, input.limit);
  const ids = <T>(values: Array<T | null>) => [...new Set(values.filter((v): v is T => v !== null))];
  const actorIds = ids(items.map((r) => r.actorUserId));
  const sessionIds = ids(items.map((r) => r.supportSessionId));
  const tenantIds = withTown ? ids(items.map((r) => r.tenantId)) : [];
  const [actors, sessions, tenants] = await Promise.all([
    actorIds.length > 0
      ? db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, email: true } })
      : [],
    sessionIds.length > 0
      ? db.supportSession.findMany({
          where: { id: { in: sessionIds } },
          select: {
            id: true,
            tenantId: true,
            reason: true,
            partnerId: true,
            startedAt: true,
            expiresAt: true,
            endedAt: true,
          },
        })
      : [],
    tenantIds.length > 0
      ? db.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, slug: true, name: true } })
      : [],
  ]);
  const actorById = new Map(actors.map((a) => [a.id, a]));
  const sessionById = new Map(sessions.map((s) => [`${s.tenantId}/${s.id}`, s]));
  const tenantById = new Map(tenants.map((t) => [t.id, t]));
  return {
    items: items.map((r) => {
      const session = r.supportSessionId ? sessionById.get(`${r.tenantId}/${r.supportSessionId}`) : undefined;
      const town = r.tenantId ? tenantById.get(r.tenantId) : undefined;
      return {
        id: r.id,
        createdAt: r.createdAt.toISOString(),
        action: r.action,
        // An actor whose account was deleted (docs/decisions/027) is shown as the placeholder, not as "system".
        actor: r.actorUserId
          ? (actorById.get(r.actorUserId) ?? { id: r.actorUserId, name: DELETED_USER_NAME, email: DELETED_USER_EMAIL })
          : null,
        targetType: r.targetType,
        targetId: r.targetId,
        reason: r.reason,
        data: r.data ?? null,
        requestId: r.requestId,
        supportSession: session
          ? {
              id: session.id,
              reason: session.reason,
              via: session.partnerId ? ('partner' as const) : ('provider' as const),
              startedAt: session.startedAt.toISOString(),
              expiresAt: session.expiresAt.toISOString(),
              endedAt: session.endedAt?.toISOString() ?? null,
            }
          : null,
        town: town ? { slug: town.slug, name: town.name } : null,
      };
    }),
    nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null,
  };
}

/**
 * The town's audit log. Row-level security already limits it to the town in
 * scope; the permission wall decides who of the town may read it (town
 * admins, the town's partner, the provider's staff).
 */
export async function listAuditEvents(ctx: Ctx, input: AuditListInput) {
  if (!canReadAudit(ctx.ability, ctx.tenant.id)) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const filter = await filterOf(asReader(ctx.db), input);
  if (!filter) return { items: [], nextCursor: null };
  const rows = await ctx.db.auditEvent.findMany({
    where: { AND: [accessibleWhere(ctx.ability, 'read', 'AuditEvent'), { tenantId: ctx.tenant.id }, filter] },
    orderBy: newestFirst,
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  return present(asReader(ctx.db), rows, input, false);
}

/**
 * The audit log across towns: a partner's staff see the towns assigned to
 * their partner (and only those), the provider's staff every town and the
 * platform's entries (PlatformAuditEvent), merged newest first. The towns are decided by the walls of the caller's
 * own scope (row-level security on Tenant, then CASL); only the union read
 * goes through the platform client, and every use writes its audit entry
 * (ADR 003/011).
 */
export async function listAuditAcrossTowns(ctx: AuthedCtx, input: AuditListInput & { tenant?: string | undefined }) {
  const { actor } = ctx;
  const partnerIds = actor.partnerRoles.map((p) => p.partnerId);
  const provider = actor.platformRole !== null;
  if (!provider && partnerIds.length === 0) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  timeRange(input);

  // The towns in view, as the caller's own scope sees them.
  let tenantIds: string[] | null = null;
  if (input.tenant !== undefined) {
    const town = await ctx.db.tenant.findUnique({
      where: { slug: input.tenant },
      select: { id: true, managingPartnerId: true },
    });
    if (!town || (!provider && !partnerIds.includes(town.managingPartnerId ?? ''))) throw notFound();
    tenantIds = [town.id];
  } else if (!provider) {
    tenantIds = (
      await ctx.db.tenant.findMany({ where: { managingPartnerId: { in: partnerIds } }, select: { id: true } })
    ).map((t) => t.id);
  }
  if (tenantIds !== null && tenantIds.length === 0) return { items: [], nextCursor: null };
  const scope = provider ? 'provider' : 'partner';

  return ctx.platform.run(
    async (tx) => {
      const filter = await filterOf(tx, input);
      if (!filter) return { items: [], nextCursor: null };
      const withPlatform = tenantIds === null;
      // A cursor must be an entry in view: one of another town answers like one that does not exist.
      let at: { createdAt: Date; id: string } | null = null;
      if (input.cursor) {
        const cursor = { where: { id: input.cursor }, select: { id: true, createdAt: true } };
        at =
          (await tx.auditEvent.findFirst({
            ...cursor,
            where: { id: input.cursor, ...(tenantIds ? { tenantId: { in: tenantIds } } : {}) },
          })) ?? (withPlatform ? await tx.platformAuditEvent.findFirst(cursor) : null);
        if (!at) return { items: [], nextCursor: null };
      }
      const [townRows, platformRows] = await Promise.all([
        tx.auditEvent.findMany({
          where: { AND: [tenantIds ? { tenantId: { in: tenantIds } } : {}, filter, olderThan(at)] },
          orderBy: newestFirst,
          take: input.limit + 1,
        }),
        withPlatform
          ? tx.platformAuditEvent.findMany({
              where: { AND: [filter, olderThan(at)] },
              orderBy: newestFirst,
              take: input.limit + 1,
            })
          : [],
      ]);
      const rows: AuditRow[] = [
        ...townRows,
        ...platformRows.map((r) => ({ ...r, tenantId: null, supportSessionId: null })),
      ]
        .sort(newer)
        .slice(0, input.limit + 1);
      return present(tx, rows, input, true);
    },
    // Reading many towns' logs is itself on record (it needs the bypass role).
    {
      action: 'audit.readAcrossTowns',
      actorUserId: ctx.session.userId,
      tenantId: null,
      requestId: ctx.requestId,
      data: {
        scope,
        towns: tenantIds?.length ?? 'all',
        filters: {
          action: input.action ?? null,
          changesOnly: input.changesOnly ?? false,
          actorEmail: input.actorEmail ?? null,
          from: input.from ?? null,
          to: input.to ?? null,
          tenant: input.tenant ?? null,
        },
      },
    },
  );
}

/** Whether `ability` may read the audit log of this town (asked with a town-bound probe, not the bare type). */
export function canReadAudit(ability: AppAbility, tenantId: string): boolean {
  const probe: AuditEvent = {
    id: '',
    tenantId,
    actorUserId: null,
    action: '',
    targetType: null,
    targetId: null,
    reason: null,
    data: null,
    requestId: null,
    createdAt: new Date(0),
    supportSessionId: null,
  };
  return ability.can('read', subject('AuditEvent', probe));
}
