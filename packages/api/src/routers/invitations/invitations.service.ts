import { oneOf } from '@hubwerk/domain';
import { MIN_PASSWORD_LENGTH, createSession, hashPassword, hashToken } from '@hubwerk/auth';
import type { PlatformTx } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, fieldError } from '../../errors.ts';
import { hasCredentials } from '../../invitations.ts';
import { toApiEnum } from '../../schemas.ts';

export type InvitationStatus = 'open' | 'expired' | 'accepted' | 'revoked';

function statusOf(invitation: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }): InvitationStatus {
  if (invitation.revokedAt) return 'revoked';
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.expiresAt <= new Date()) return 'expired';
  return 'open';
}

// The token is the only credential here and belongs to no town yet, so the
// lookup is cross-tenant: it goes through the audited platform client.
async function findByToken(ctx: Context, token: string) {
  return ctx.platform.run(
    async (tx) => {
      const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(token) } });
      if (!invitation) return null;
      const target = invitation.tenantId
        ? {
            kind: 'tenant' as const,
            name: (await tx.tenant.findUniqueOrThrow({ where: { id: invitation.tenantId } })).name,
          }
        : {
            kind: 'partner' as const,
            name: (await tx.partner.findUniqueOrThrow({ where: { id: invitation.partnerId ?? '' } })).name,
          };
      const account = await tx.user.findUnique({
        where: { email: invitation.email },
        select: { passwordHash: true, totpEnabledAt: true },
      });
      return { invitation, target, existingAccount: account ? hasCredentials(account) : false };
    },
    (found) => ({
      action: 'invitation.viewed',
      actorUserId: null,
      tenantId: found?.invitation.tenantId ?? null,
      targetType: 'Invitation',
      targetId: found?.invitation.id ?? 'unknown',
      requestId: ctx.requestId,
    }),
  );
}

export async function previewInvitation(ctx: Context, token: string) {
  const found = await findByToken(ctx, token);
  if (!found) throw new DomainError('NOT_FOUND', 'errors.invitation.invalid');
  const { invitation, target } = found;
  const role = invitation.tenantRole
    ? toApiEnum(oneOf('TenantRole', invitation.tenantRole))
    : toApiEnum(oneOf('PartnerRole', invitation.partnerRole ?? 'PARTNER_STAFF'));
  return {
    email: invitation.email,
    target,
    role,
    status: statusOf(invitation),
    existingAccount: found.existingAccount,
  };
}

/**
 * Accepting an invitation (ADR 023). The token came by mail to the invited
 * address, so it proves control of that mailbox — and nothing more.
 * - A pending account (no password, no second factor) is activated here:
 *   the holder sets its name and password and is signed in.
 * - An account that can already be signed into accepts only while signed in
 *   as itself (a session exists only after password and second factor), so
 *   neither the token nor a password alone lets anyone into it or adds it to
 *   a town without its owner's consent. Its credentials are never touched.
 */
export async function acceptInvitation(
  ctx: Context & { signedInUserId: string | null },
  input: { token: string; name?: string | undefined; password?: string | undefined },
) {
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  const outcome = await ctx.platform.run(
    async (tx) => {
      const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(input.token) } });
      if (!invitation) throw new DomainError('NOT_FOUND', 'errors.invitation.invalid');
      const status = statusOf(invitation);
      if (status !== 'open') throw new DomainError('BAD_REQUEST', `errors.invitation.${status}`);
      const account = await tx.user.findUniqueOrThrow({
        where: { email: invitation.email },
        select: { id: true, passwordHash: true, totpEnabledAt: true },
      });
      const existing = hasCredentials(account);
      if (existing && ctx.signedInUserId !== account.id) {
        throw new DomainError('FORBIDDEN', 'errors.invitation.signInFirst', undefined, { email: invitation.email });
      }
      if (!existing) await setUpNewAccount(tx, account.id, input, passwordHash);
      // Single use, also under concurrent accepts: only one update matches.
      const { count } = await tx.invitation.updateMany({
        where: { id: invitation.id, acceptedAt: null, revokedAt: null },
        data: { acceptedAt: new Date() },
      });
      if (count !== 1) throw new DomainError('BAD_REQUEST', 'errors.invitation.accepted');
      if (invitation.tenantId) {
        const membership = await tx.tenantMembership.upsert({
          where: { tenantId_userId: { tenantId: invitation.tenantId, userId: account.id } },
          create: { tenantId: invitation.tenantId, userId: account.id, role: invitation.tenantRole ?? 'MEMBER' },
          update: {},
          select: { id: true },
        });
        // Invited into a hub (by a hub manager or town admin): assigned to it on arrival.
        if (invitation.hubId) {
          await tx.hubAssignment.upsert({
            where: {
              tenantId_hubId_membershipId: {
                tenantId: invitation.tenantId,
                hubId: invitation.hubId,
                membershipId: membership.id,
              },
            },
            create: {
              tenantId: invitation.tenantId,
              hubId: invitation.hubId,
              membershipId: membership.id,
              userId: account.id,
            },
            update: {},
          });
        }
        // A town becomes active when its first admin has taken over.
        await tx.tenant.updateMany({
          where: { id: invitation.tenantId, status: 'ONBOARDING' },
          data: { status: 'ACTIVE' },
        });
      } else if (invitation.partnerId) {
        await tx.partnerMembership.upsert({
          where: { partnerId_userId: { partnerId: invitation.partnerId, userId: account.id } },
          create: {
            partnerId: invitation.partnerId,
            userId: account.id,
            role: invitation.partnerRole ?? 'PARTNER_STAFF',
          },
          update: {},
        });
      }
      return { userId: account.id, activated: !existing, tenantId: invitation.tenantId, invitationId: invitation.id };
    },
    (r) => ({
      action: 'invitation.accepted',
      actorUserId: r.userId,
      tenantId: r.tenantId,
      targetType: 'Invitation',
      targetId: r.invitationId,
      requestId: ctx.requestId,
    }),
  );
  if (!outcome.activated) return { status: 'joined' as const };
  const session = await createSession(ctx.db, outcome.userId, ctx.userAgent);
  return { status: 'signed-in' as const, token: session.token, expiresAt: session.expiresAt.toISOString() };
}

async function setUpNewAccount(
  tx: PlatformTx,
  userId: string,
  input: { name?: string | undefined; password?: string | undefined },
  passwordHash: string | null,
) {
  if (!input.name) throw fieldError('name', 'validation.required');
  if (!input.password || !passwordHash) throw fieldError('password', 'validation.required');
  if (input.password.length < MIN_PASSWORD_LENGTH) throw fieldError('password', 'validation.password.tooShort');
  // Sessions that exist before the owner's first password were opened by someone else's word
  // (a town's identity provider vouching for the address): activation ends them.
  await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
  return tx.user.update({ where: { id: userId }, data: { name: input.name, passwordHash } });
}
