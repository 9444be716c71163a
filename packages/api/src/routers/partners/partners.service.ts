import { type AppAbility, accessibleWhere } from '@hubwerk/auth';
import { oneOf, slugify } from '@hubwerk/domain';
import { mailSettings, type Context } from '../../context.ts';
import { fieldError, notFound } from '../../errors.ts';
import { idempotently, isUniqueViolation } from '../../idempotency.ts';
import { findOrCreateInvitee, hasCredentials, issueInvitation, reissueInvitation } from '../../invitations.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';

type Ctx = Context & { session: { userId: string }; ability: AppAbility };

export async function listPartners(ctx: Ctx) {
  const partners = await ctx.db.partner.findMany({
    where: accessibleWhere(ctx.ability, 'read', 'Partner'),
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: 500,
    // Counts towns through the database wall: the provider sees all of them,
    // a partner member its own partner's.
    include: { _count: { select: { tenants: true } } },
  });
  return {
    items: partners.map((p) => ({
      id: p.id,
      slug: p.slug,
      name: p.name,
      kind: toApiEnum(oneOf('PartnerKind', p.kind)),
      region: p.region,
      tenantCount: p._count.tenants,
    })),
  };
}

export async function getPartner(ctx: Ctx, partnerId: string) {
  const partner = await ctx.db.partner.findFirst({
    where: { AND: [{ id: partnerId }, accessibleWhere(ctx.ability, 'read', 'Partner')] },
    include: {
      tenants: { select: { id: true, slug: true, name: true, status: true }, orderBy: { name: 'asc' }, take: 500 },
    },
  });
  if (!partner) throw notFound();
  return {
    id: partner.id,
    slug: partner.slug,
    name: partner.name,
    kind: toApiEnum(oneOf('PartnerKind', partner.kind)),
    region: partner.region,
    tenants: partner.tenants.map((t) => ({ ...t, status: toApiEnum(oneOf('TenantStatus', t.status)) })),
  };
}

export interface RegisterPartnerInput {
  kind: 'it-partner' | 'regional-provider';
  name: string;
  region: string;
  adminEmail: string;
  idempotencyKey: string;
}

interface RegisterRecord {
  partner: { id: string; slug: string; name: string };
  invitationId: string;
}

/** Registers a partner organisation with its first admin; idempotent per key. */
export async function registerPartner(ctx: Ctx, input: RegisterPartnerInput) {
  const slug = slugify(input.name);
  if (!slug) throw fieldError('name', 'validation.invalid');
  try {
    return await ctx.platform.run(
      (tx) =>
        idempotently(
          tx,
          input.idempotencyKey,
          'partner.register',
          async () => {
            const taken = await tx.partner.findFirst({
              where: { OR: [{ name: input.name }, { slug }] },
              select: { id: true },
            });
            if (taken) throw fieldError('name', 'errors.partner.nameTaken');
            const partner = await tx.partner.create({
              data: { kind: fromApiEnum(input.kind), name: input.name, slug, region: input.region },
              select: { id: true, slug: true, name: true },
            });
            const user = await findOrCreateInvitee(tx, input.adminEmail);
            // A pending account is the partner's admin from the start and is activated only by the mailed link;
            // an account that can already sign in joins by accepting while signed in as itself (ADR 023).
            if (!hasCredentials(user))
              await tx.partnerMembership.create({
                data: { partnerId: partner.id, userId: user.id, role: 'PARTNER_ADMIN' },
              });
            const mail = {
              adminUrl: mailSettings(ctx).adminUrl,
              email: input.adminEmail,
              targetName: partner.name,
              role: 'PARTNER_ADMIN',
            };
            const { invitationId } = await issueInvitation(
              tx,
              {
                partnerId: partner.id,
                email: input.adminEmail,
                partnerRole: 'PARTNER_ADMIN',
                createdById: ctx.session.userId,
              },
              mail,
            );
            const record: RegisterRecord = { partner, invitationId };
            return { result: { partner }, record };
          },
          async (record: RegisterRecord) => {
            // A replay mails a fresh link (the first one stops working); still nothing in the answer.
            await reissueInvitation(
              tx,
              { id: record.invitationId },
              {
                adminUrl: mailSettings(ctx).adminUrl,
                email: input.adminEmail,
                targetName: record.partner.name,
                role: 'PARTNER_ADMIN',
              },
            );
            return { partner: record.partner };
          },
        ),
      (r) => ({
        action: 'partner.registered',
        actorUserId: ctx.session.userId,
        targetType: 'Partner',
        targetId: r.partner.id,
        requestId: ctx.requestId,
      }),
    );
  } catch (error) {
    if (isUniqueViolation(error, 'name') || isUniqueViolation(error, 'slug'))
      throw fieldError('name', 'errors.partner.nameTaken');
    throw error;
  }
}
