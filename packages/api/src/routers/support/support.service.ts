import { type Actor, type AppAbility, supportChannel } from '@hubwerk/auth';
import type { Tenant } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import type { ActiveSupportSession } from '../../support-lookup.ts';

type TenantCtx = Context & {
  session: { userId: string };
  actor: Actor;
  tenant: Tenant;
  ability: AppAbility;
  supportSession: ActiveSupportSession | null;
};
type AuthedCtx = Context & { session: { userId: string }; actor: Actor };

export const SUPPORT_MINUTES = { min: 15, max: 240, default: 60 } as const;
export const SUPPORT_REASON_LENGTH = { min: 10, max: 500 } as const;

function sessionOutput(
  s: { id: string; reason: string; startedAt: Date; expiresAt: Date },
  tenant: { slug: string; name: string },
) {
  return {
    id: s.id,
    tenant: { slug: tenant.slug, name: tenant.name },
    reason: s.reason,
    startedAt: s.startedAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
  };
}

/**
 * Starts a support session (ADR 011): the provider's staff in any town,
 * partner staff in the towns assigned to their partner. Until it ends or
 * expires, the staff member acts in the town with the town admin's
 * abilities, and every audit entry names the session. One running session
 * per person and town.
 */
export async function startSupportSession(ctx: TenantCtx, input: { reason: string; durationMinutes: number }) {
  const channel = supportChannel(ctx.actor, ctx.tenant);
  if (channel === undefined) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  if (ctx.supportSession) throw new DomainError('CONFLICT', 'errors.support.alreadyActive');
  const expiresAt = new Date(Date.now() + input.durationMinutes * 60_000);
  const session = await ctx.db.$transaction(async (tx) => {
    const created = await tx.supportSession.create({
      data: {
        tenantId: ctx.tenant.id,
        staffUserId: ctx.session.userId,
        partnerId: channel,
        reason: input.reason,
        expiresAt,
      },
    });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'support.started',
        targetType: 'SupportSession',
        targetId: created.id,
        reason: input.reason,
        supportSessionId: created.id,
        requestId: ctx.requestId,
        data: {
          expiresAt: expiresAt.toISOString(),
          durationMinutes: input.durationMinutes,
          via: channel === null ? 'provider' : 'partner',
        },
      },
    });
    return created;
  });
  return sessionOutput(session, ctx.tenant);
}

/** Ends the caller's running support session in the town: the town admin's abilities end with it. */
export async function endSupportSession(ctx: TenantCtx) {
  if (supportChannel(ctx.actor, ctx.tenant) === undefined) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  const running = ctx.supportSession;
  if (!running) throw new DomainError('NOT_FOUND', 'errors.support.noneActive');
  const endedAt = new Date();
  await ctx.db.$transaction(async (tx) => {
    // Only a session still running is ended (a concurrent "Beenden" changes nothing twice).
    const { count } = await tx.supportSession.updateMany({
      where: { tenantId: ctx.tenant.id, id: running.id, staffUserId: ctx.session.userId, endedAt: null },
      data: { endedAt, endedById: ctx.session.userId },
    });
    if (count !== 1) throw new DomainError('NOT_FOUND', 'errors.support.noneActive');
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: 'support.ended',
        targetType: 'SupportSession',
        targetId: running.id,
        reason: running.reason,
        supportSessionId: running.id,
        requestId: ctx.requestId,
        data: { endedAt: endedAt.toISOString(), plannedUntil: running.expiresAt.toISOString() },
      },
    });
  });
  return { ok: true as const };
}

/**
 * The caller's running support sessions across towns (for the banner on
 * every page), oldest first, keyset-paginated. A session in a town the
 * caller may no longer support (partner unassigned) is left out: it grants
 * nothing either.
 */
export async function listActiveSupportSessions(ctx: AuthedCtx, input: { cursor?: string | undefined; limit: number }) {
  if (!ctx.actor.platformRole && ctx.actor.partnerRoles.length === 0) return { items: [], nextCursor: null };
  const rows = await ctx.db.supportSession.findMany({
    where: {
      staffUserId: ctx.session.userId,
      endedAt: null,
      expiresAt: { gt: new Date() },
      ...(input.cursor ? { id: { gt: input.cursor } } : {}),
    },
    orderBy: { id: 'asc' },
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const tenantIds = [...new Set(page.map((r) => r.tenantId))];
  // Row-level security shows the caller only towns they may see (their partner's, or all for the provider).
  const tenants =
    tenantIds.length > 0
      ? await ctx.db.tenant.findMany({
          where: { id: { in: tenantIds } },
          select: { id: true, slug: true, name: true, managingPartnerId: true },
        })
      : [];
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const items = page.flatMap((s) => {
    const tenant = byId.get(s.tenantId);
    if (!tenant || supportChannel(ctx.actor, tenant) === undefined) return [];
    return [sessionOutput(s, tenant)];
  });
  return { items, nextCursor: rows.length > input.limit ? (page[page.length - 1]?.id ?? null) : null };
}
