import { oneOf } from '@hubwerk/domain';
import { subject } from '@hubwerk/auth';
import type { MemberProfile, Organisation, Prisma, TenantMembership, User } from '@hubwerk/db';
import { DomainError, notFound } from '../../errors.ts';
import { isUniqueViolation } from '../../idempotency.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import type { Ctx } from '../spaces/spaces.service.ts';
import type { ORGANISATION_KINDS, Plan } from './organisations.schemas.ts';

type KindName = (typeof ORGANISATION_KINDS)[number];
const MEMBERS_OF_ONE_ORGANISATION = 500;

const forbidden = () => new DomainError('FORBIDDEN', 'errors.forbidden');
const nameTaken = () =>
  new DomainError('CONFLICT', 'errors.organisation.nameTaken', { name: ['errors.organisation.nameTaken'] });

const probe = (ctx: Ctx) => ({ tenantId: ctx.tenant.id }) as Organisation;
const mayManage = (ctx: Ctx) => ctx.ability.can('update', subject('Organisation', probe(ctx)));

function assertMayRead(ctx: Ctx) {
  // Members do not see the town's organisations: the same answer as a missing one.
  if (ctx.ability.cannot('read', subject('Organisation', probe(ctx)))) throw forbidden();
}

const planOf = (p: Pick<Organisation, 'deskDaysPerMonth' | 'roomHoursPerMonth'> | null): Plan => ({
  deskDaysPerMonth: p?.deskDaysPerMonth ?? null,
  roomHoursPerMonth: p?.roomHoursPerMonth ?? null,
});

const toOutput = (o: Organisation & { _count: { members: number } }) => ({
  id: o.id,
  name: o.name,
  kind: toApiEnum(oneOf('OrganisationKind', o.kind)) as KindName,
  plan: planOf(o),
  memberCount: o._count.members,
});

type MembershipRow = TenantMembership & {
  user: Pick<User, 'name' | 'email'>;
  memberProfile: (MemberProfile & { organisation: Pick<Organisation, 'name'> | null }) | null;
};

const toMemberOutput = (m: MembershipRow) => ({
  membershipId: m.id,
  userId: m.userId,
  name: m.user.name,
  email: m.user.email,
  role: toApiEnum(oneOf('TenantRole', m.role)),
  organisationId: m.memberProfile?.organisationId ?? null,
  organisationName: m.memberProfile?.organisation?.name ?? null,
  plan: planOf(m.memberProfile),
});

const memberInclude = {
  user: { select: { name: true, email: true } },
  memberProfile: { include: { organisation: { select: { name: true } } } },
} as const;
const countMembers = { _count: { select: { members: true } } } as const;

export async function listOrganisations(ctx: Ctx, input: { cursor?: string | undefined; limit: number }) {
  assertMayRead(ctx);
  const rows = await ctx.db.organisation.findMany({
    where: { tenantId: ctx.tenant.id },
    include: countMembers,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return {
    items: items.map(toOutput),
    nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null,
    canManage: mayManage(ctx),
  };
}

export async function getOrganisation(ctx: Ctx, input: { organisationId: string }) {
  assertMayRead(ctx);
  const org = await ctx.db.organisation.findFirst({
    where: { tenantId: ctx.tenant.id, id: input.organisationId },
    include: countMembers,
  });
  if (!org) throw notFound();
  const members = await ctx.db.tenantMembership.findMany({
    where: { tenantId: ctx.tenant.id, memberProfile: { is: { organisationId: org.id } } },
    include: memberInclude,
    orderBy: [{ id: 'asc' }],
    take: MEMBERS_OF_ONE_ORGANISATION,
  });
  return { ...toOutput(org), members: members.map(toMemberOutput), canManage: mayManage(ctx) };
}

export async function createOrganisation(ctx: Ctx, input: { name: string; kind: KindName; plan?: Plan | undefined }) {
  if (ctx.ability.cannot('create', subject('Organisation', probe(ctx)))) throw forbidden();
  try {
    return await ctx.db.$transaction(async (tx) => {
      const org = await tx.organisation.create({
        data: {
          tenantId: ctx.tenant.id,
          name: input.name,
          kind: fromApiEnum(input.kind),
          ...planOf(input.plan ?? null),
        },
        include: countMembers,
      });
      await tx.auditEvent.create({
        data: {
          tenantId: ctx.tenant.id,
          actorUserId: ctx.session.userId,
          action: 'organisation.created',
          targetType: 'Organisation',
          targetId: org.id,
          requestId: ctx.requestId,
          data: { name: org.name, kind: input.kind, plan: planOf(org) },
        },
      });
      return toOutput(org);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'name')) throw nameTaken();
    throw error;
  }
}

export async function updateOrganisation(
  ctx: Ctx,
  input: { organisationId: string; name?: string | undefined; kind?: KindName | undefined; plan?: Plan | undefined },
) {
  try {
    return await ctx.db.$transaction(async (tx) => {
      const before = await tx.organisation.findFirst({ where: { tenantId: ctx.tenant.id, id: input.organisationId } });
      if (!before || ctx.ability.cannot('read', subject('Organisation', before))) throw notFound();
      if (ctx.ability.cannot('update', subject('Organisation', before))) throw forbidden();
      const data: Prisma.OrganisationUpdateInput = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.kind !== undefined ? { kind: fromApiEnum(input.kind) } : {}),
        ...(input.plan !== undefined ? input.plan : {}),
      };
      const org = await tx.organisation.update({
        where: { tenantId_id: { tenantId: ctx.tenant.id, id: before.id } },
        data,
        include: countMembers,
      });
      await tx.auditEvent.create({
        data: {
          tenantId: ctx.tenant.id,
          actorUserId: ctx.session.userId,
          action: 'organisation.updated',
          targetType: 'Organisation',
          targetId: org.id,
          requestId: ctx.requestId,
          data: {
            before: {
              name: before.name,
              kind: toApiEnum(oneOf('OrganisationKind', before.kind)),
              plan: planOf(before),
            },
            after: { name: org.name, kind: toApiEnum(oneOf('OrganisationKind', org.kind)), plan: planOf(org) },
          },
        },
      });
      return toOutput(org);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'name')) throw nameTaken();
    throw error;
  }
}

export async function listMembers(ctx: Ctx, input: { cursor?: string | undefined; limit: number }) {
  if (ctx.ability.cannot('read', subject('MemberProfile', probe(ctx) as unknown as MemberProfile))) throw forbidden();
  const rows = await ctx.db.tenantMembership.findMany({
    where: { tenantId: ctx.tenant.id },
    include: memberInclude,
    orderBy: [{ id: 'asc' }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { tenantId_id: { tenantId: ctx.tenant.id, id: input.cursor } }, skip: 1 } : {}),
  });
  const items = rows.slice(0, input.limit);
  return {
    items: items.map(toMemberOutput),
    nextCursor: rows.length > input.limit ? (items.at(-1)?.id ?? null) : null,
  };
}

/**
 * The town's people by name, for staff choosing for whom they book: a
 * case-insensitive search, keyset-paginated by (name, userId). Staff who
 * book for others may read members; only those who may read the town's
 * memberships (town admins, the provider) also get — and search — email
 * addresses. Members are refused like for every list of the town's people.
 */
export async function searchMembers(ctx: Ctx, input: { query: string; cursor?: string | undefined; limit: number }) {
  const tenantId = ctx.tenant.id;
  if (ctx.ability.cannot('read', subject('MemberProfile', { tenantId } as MemberProfile))) throw forbidden();
  const withEmail = ctx.ability.can('read', subject('TenantMembership', { tenantId } as TenantMembership));
  const q = input.query.trim();
  const matches: Prisma.TenantMembershipWhereInput = q
    ? {
        OR: [
          { user: { name: { contains: q, mode: 'insensitive' } } },
          ...(withEmail ? [{ user: { email: { contains: q, mode: 'insensitive' as const } } }] : []),
        ],
      }
    : {};
  let after: Prisma.TenantMembershipWhereInput = {};
  if (input.cursor) {
    const from = await ctx.db.tenantMembership.findFirst({
      where: { tenantId, userId: input.cursor },
      select: { userId: true, user: { select: { name: true } } },
    });
    if (!from) throw new DomainError('BAD_REQUEST', 'errors.invalidInput', { cursor: ['validation.invalid'] });
    after = {
      OR: [{ user: { name: { gt: from.user.name } } }, { user: { name: from.user.name }, userId: { gt: from.userId } }],
    };
  }
  const rows = await ctx.db.tenantMembership.findMany({
    where: { tenantId, AND: [matches, after] },
    select: { userId: true, user: { select: { name: true, email: true } } },
    orderBy: [{ user: { name: 'asc' } }, { userId: 'asc' }],
    take: input.limit + 1,
  });
  const items = rows.slice(0, input.limit);
  return {
    items: items.map((m) => ({ userId: m.userId, name: m.user.name, email: withEmail ? m.user.email : null })),
    nextCursor: rows.length > input.limit ? (items.at(-1)?.userId ?? null) : null,
  };
}

/** Puts a member into an organisation (or none) and sets their own plan, in one step. */
export async function setMember(ctx: Ctx, input: { membershipId: string; organisationId: string | null; plan: Plan }) {
  const tenantId = ctx.tenant.id;
  if (ctx.ability.cannot('update', subject('MemberProfile', { tenantId } as MemberProfile))) throw forbidden();
  return ctx.db.$transaction(async (tx) => {
    const membership = await tx.tenantMembership.findFirst({
      where: { tenantId, id: input.membershipId },
      include: memberInclude,
    });
    if (!membership) throw notFound();
    if (input.organisationId) {
      const org = await tx.organisation.findFirst({
        where: { tenantId, id: input.organisationId },
        select: { id: true },
      });
      // A field error, not "not found": the member exists, the chosen organisation does not (here).
      if (!org)
        throw new DomainError('BAD_REQUEST', 'errors.organisation.unknown', {
          organisationId: ['errors.organisation.unknown'],
        });
    }
    const data = { organisationId: input.organisationId, ...input.plan };
    await tx.memberProfile.upsert({
      where: { tenantId_membershipId: { tenantId, membershipId: membership.id } },
      create: { tenantId, membershipId: membership.id, ...data },
      update: data,
    });
    await tx.auditEvent.create({
      data: {
        tenantId,
        actorUserId: ctx.session.userId,
        action: 'member.profileChanged',
        targetType: 'TenantMembership',
        targetId: membership.id,
        requestId: ctx.requestId,
        data: {
          before: {
            organisationId: membership.memberProfile?.organisationId ?? null,
            plan: planOf(membership.memberProfile),
          },
          after: data,
        },
      },
    });
    const updated = await tx.tenantMembership.findFirst({
      where: { tenantId, id: membership.id },
      include: memberInclude,
    });
    if (!updated) throw notFound();
    return toMemberOutput(updated);
  });
}
