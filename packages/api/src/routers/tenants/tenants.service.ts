import { type Actor as AuthActor, type AppAbility, accessibleWhere, subject, supportChannel } from '@hubwerk/auth';
import { type Hub, runInScope, type Prisma, type PlatformTx, type Tenant } from '@hubwerk/db';
import { checkAgs, oneOf, slugify } from '@hubwerk/domain';
import type { PlanId } from '@hubwerk/billing';
import { mailSettings, type Context } from '../../context.ts';
import { DomainError, fieldError, notFound } from '../../errors.ts';
import { idempotently, isUniqueViolation } from '../../idempotency.ts';
import { findOrCreateInvitee, hasCredentials, issueInvitation, reissueInvitation } from '../../invitations.ts';
import { toApiEnum } from '../../schemas.ts';
import { canReadAudit } from '../audit/audit.service.ts';
import { currentRegister, findMunicipality } from '../../register/register.ts';
import { mayInvite, mayInviteToHub } from '../staff/staff.service.ts';
import { toHubOutput } from '../hubs/hubs.service.ts';

type Actor = { userId: string };

export interface OnboardInput {
  name: string;
  ags: string;
  bundesland: string;
  partnerId: string | null;
  hubName: string;
  adminEmail: string;
  idempotencyKey: string;
  /** The plan of the town's agreement (billing); Standard unless given. */
  plan?: PlanId;
  /** The caller confirmed a key that is not in the register in force (municipalities merge: docs/decisions/034). */
  confirmNotInRegister?: boolean;
}

interface OnboardRecord {
  tenant: { id: string; slug: string; name: string };
  invitationId: string;
}

/**
 * Onboards a town in one transaction: the town, its first hub, its first
 * admin (user + membership + invitation to set a password) and the audit
 * trail. Idempotent per key, also for concurrent identical requests.
 */
export async function onboardTown(ctx: Context & { session: Actor }, input: OnboardInput) {
  const agsProblem = checkAgs(input.ags, input.bundesland);
  if (agsProblem) throw fieldError('ags', `validation.ags.${agsProblem}`);
  const slug = slugify(input.name);
  if (!slug) throw fieldError('name', 'validation.invalid');

  try {
    return await ctx.platform.run(
      (tx) =>
        idempotently(
          tx,
          input.idempotencyKey,
          'tenant.onboard',
          async () => {
            await assertOnboardable(tx, input, slug);
            const tenant = await tx.tenant.create({
              data: {
                name: input.name,
                slug,
                ags: input.ags,
                bundesland: input.bundesland,
                managingPartnerId: input.partnerId,
              },
              select: { id: true, slug: true, name: true },
            });
            const hub = await tx.hub.create({
              data: { tenantId: tenant.id, name: input.hubName, slug: slugify(input.hubName) || 'hub' },
            });
            await ctx.billing.startTown(tx, tenant.id, input.plan ?? 'standard');
            const user = await findOrCreateInvitee(tx, input.adminEmail);
            // A pending account is the town's admin from the start and is activated only by the mailed link;
            // an account that can already sign in joins by accepting while signed in as itself (ADR 023).
            if (!hasCredentials(user))
              await tx.tenantMembership.create({ data: { tenantId: tenant.id, userId: user.id, role: 'TOWN_ADMIN' } });
            const mail = {
              adminUrl: mailSettings(ctx).adminUrl,
              email: input.adminEmail,
              targetName: tenant.name,
              role: 'TOWN_ADMIN',
            };
            const { invitationId } = await issueInvitation(
              tx,
              {
                tenantId: tenant.id,
                email: input.adminEmail,
                tenantRole: 'TOWN_ADMIN',
                createdById: ctx.session.userId,
              },
              mail,
            );
            await tx.auditEvent.createMany({
              data: [
                {
                  tenantId: tenant.id,
                  actorUserId: ctx.session.userId,
                  action: 'hub.created',
                  targetType: 'Hub',
                  targetId: hub.id,
                  requestId: ctx.requestId,
                  data: { name: hub.name },
                },
                {
                  tenantId: tenant.id,
                  actorUserId: ctx.session.userId,
                  action: 'invitation.created',
                  targetType: 'Invitation',
                  targetId: invitationId,
                  requestId: ctx.requestId,
                  data: { email: input.adminEmail, role: 'town-admin' },
                },
              ],
            });
            const record: OnboardRecord = { tenant, invitationId };
            return { result: { tenant, replay: false }, record };
          },
          async (record: OnboardRecord) => {
            // A replay mails a fresh link (the first one stops working); still nothing in the answer.
            await reissueInvitation(
              tx,
              { id: record.invitationId },
              {
                adminUrl: mailSettings(ctx).adminUrl,
                email: input.adminEmail,
                targetName: record.tenant.name,
                role: 'TOWN_ADMIN',
              },
            );
            return { tenant: record.tenant, replay: true };
          },
        ),
      (r) => ({
        action: 'tenant.onboarded',
        actorUserId: ctx.session.userId,
        tenantId: r.tenant.id,
        targetType: 'Tenant',
        targetId: r.tenant.id,
        requestId: ctx.requestId,
        data: { replay: r.replay },
      }),
    );
  } catch (error) {
    // Two different requests for the same town at the same moment: the
    // loser's insert hits the unique constraint after the pre-check passed.
    if (isUniqueViolation(error, 'ags')) throw fieldError('ags', 'errors.tenant.agsTaken');
    if (isUniqueViolation(error, 'slug')) throw fieldError('name', 'errors.tenant.slugTaken');
    throw error;
  }
}

async function assertOnboardable(tx: PlatformTx, input: OnboardInput, slug: string) {
  await assertInRegister(tx, input);
  const fieldErrors: Record<string, string[]> = {};
  const [agsTaken, slugTaken, partner] = await Promise.all([
    tx.tenant.findFirst({ where: { ags: input.ags }, select: { id: true } }),
    tx.tenant.findFirst({ where: { slug }, select: { id: true } }),
    input.partnerId ? tx.partner.findFirst({ where: { id: input.partnerId }, select: { kind: true } }) : null,
  ]);
  if (agsTaken) fieldErrors.ags = ['errors.tenant.agsTaken'];
  if (slugTaken) fieldErrors.name = ['errors.tenant.slugTaken'];
  if (input.partnerId && partner?.kind !== 'IT_PARTNER') fieldErrors.partnerId = ['errors.partner.unknown'];
  if (Object.keys(fieldErrors).length > 0) throw new DomainError('BAD_REQUEST', 'errors.invalidInput', fieldErrors);
}

/**
 * A key missing from the register in force is no proof of a typo (the
 * register may predate a merger), but it is never taken silently: the
 * caller confirms it, and the refusal names the register's date. Without
 * any register imported only the key's form can be checked (the admin page
 * says so).
 */
async function assertInRegister(tx: PlatformTx, input: OnboardInput) {
  if (input.confirmNotInRegister) return;
  const register = await currentRegister(tx);
  if (!register || (await findMunicipality(tx, input.ags))) return;
  throw new DomainError(
    'BAD_REQUEST',
    'errors.tenant.agsNotInRegister',
    { ags: ['errors.tenant.agsNotInRegister'] },
    { date: register.effectiveDate },
  );
}

/** Assigns a town to an IT partner, or unassigns it (partnerId null). */
export async function assignPartner(
  ctx: Context & { session: Actor },
  input: { tenantId: string; partnerId: string | null },
) {
  return ctx.platform.run(
    async (tx) => {
      const tenant = await tx.tenant.findFirst({ where: { id: input.tenantId }, select: { id: true } });
      if (!tenant) throw notFound();
      if (input.partnerId) {
        const partner = await tx.partner.findFirst({ where: { id: input.partnerId }, select: { kind: true } });
        if (partner?.kind !== 'IT_PARTNER') throw fieldError('partnerId', 'errors.partner.unknown');
      }
      await tx.tenant.update({ where: { id: input.tenantId }, data: { managingPartnerId: input.partnerId } });
      return { ok: true as const };
    },
    {
      action: input.partnerId ? 'tenant.partnerAssigned' : 'tenant.partnerUnassigned',
      actorUserId: ctx.session.userId,
      tenantId: input.tenantId,
      targetType: 'Tenant',
      targetId: input.tenantId,
      requestId: ctx.requestId,
      data: { partnerId: input.partnerId },
    },
  );
}

const listSelect = {
  id: true,
  slug: true,
  name: true,
  ags: true,
  bundesland: true,
  status: true,
  managingPartner: { select: { id: true, name: true } },
} satisfies Prisma.TenantSelect;

type ListedTenant = Prisma.TenantGetPayload<{ select: typeof listSelect }>;

/** What every view of a town shows about it. */
function tenantFacts(t: Pick<Tenant, 'id' | 'slug' | 'name' | 'ags' | 'bundesland' | 'status'>) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    ags: t.ags,
    bundesland: t.bundesland,
    status: toApiEnum(oneOf('TenantStatus', t.status)),
  };
}

function toListItem(t: ListedTenant, hubCount: number) {
  return { ...tenantFacts(t), partner: t.managingPartner, hubCount };
}

function page<T extends { id: string }>(rows: T[], limit: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}

/**
 * The towns a user may see. The provider's list spans all towns and so goes
 * through the audited platform client; everyone else reads through the
 * database wall, which shows them their own and their partner's towns.
 */
export async function listTenants(
  ctx: Context & { session: Actor; ability: AppAbility; actor: { platformRole: string | null } },
  input: { cursor?: string | undefined; limit: number },
) {
  const query = {
    select: listSelect,
    orderBy: [{ name: 'asc' }, { id: 'asc' }] as Prisma.TenantOrderByWithRelationInput[],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
  };
  if (ctx.actor.platformRole) {
    const rows = await ctx.platform.run(
      (tx) => tx.tenant.findMany({ ...query, select: { ...listSelect, _count: { select: { hubs: true } } } }),
      { action: 'tenants.listed', actorUserId: ctx.session.userId, requestId: ctx.requestId },
    );
    const result = page(rows, input.limit);
    return { items: result.items.map((t) => toListItem(t, t._count.hubs)), nextCursor: result.nextCursor };
  }
  const rows = await ctx.db.tenant.findMany({ ...query, where: accessibleWhere(ctx.ability, 'read', 'Tenant') });
  const result = page(rows, input.limit);
  // Hubs are visible only inside their own town's scope: count per town.
  const counts = await Promise.all(
    result.items.map((t) =>
      runInScope({ tenantId: t.id, userId: ctx.session.userId }, () => ctx.db.hub.count({ where: { tenantId: t.id } })),
    ),
  );
  return { items: result.items.map((t, i) => toListItem(t, counts[i] ?? 0)), nextCursor: result.nextCursor };
}

export async function getTenant(
  ctx: Context & { tenant: Tenant; ability: AppAbility; actor: AuthActor; supportSession: { id: string } | null },
) {
  const [hubs, partner] = await Promise.all([
    ctx.db.hub.findMany({ where: { tenantId: ctx.tenant.id }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: 200 }),
    ctx.tenant.managingPartnerId
      ? ctx.db.partner.findFirst({ where: { id: ctx.tenant.managingPartnerId }, select: { id: true, name: true } })
      : null,
  ]);
  const t = ctx.tenant;
  return {
    ...tenantFacts(t),
    timezone: t.timezone,
    partner,
    hubs: hubs.map(toHubOutput),
    can: {
      createHub: ctx.ability.can('create', subject('Hub', newHubProbe(t.id))),
      renameHub: hubs.some((h) => ctx.ability.can('update', subject('Hub', h), 'name')),
      assignPartner: ctx.ability.can('assignPartner', subject('Tenant', t)),
      readAudit: canReadAudit(ctx.ability, t.id),
      // Town-wide, or (hub managers) into their own hubs.
      inviteStaff: mayInvite(ctx.ability, t.id) || hubs.some((h) => mayInviteToHub(ctx.ability, t.id, h.id)),
      // A support session may be started (ADR 011): the provider's or the town's partner's staff, none running yet.
      startSupport: supportChannel(ctx.actor, t) !== undefined && ctx.supportSession === null,
    },
  };
}

/** A hub not yet created, to ask whether one may be created in a town. */
export function newHubProbe(tenantId: string): Hub {
  const now = new Date();
  return {
    tenantId,
    id: '',
    name: '',
    slug: '',
    street: null,
    postalCode: null,
    city: null,
    thematicFocus: null,
    description: null,
    contactEmail: null,
    contactPhone: null,
    accessibility: [],
    accessibilityNotes: null,
    isPublic: false,
    archivedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}
