import { MIN_PASSWORD_LENGTH, createSession, hashPassword, hashToken, verifyPassword } from '@hubwerk/auth';
import type { PlatformTx } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError, fieldError } from '../../errors.ts';
import { claimSignInAttempt, clearSignInAttempts, signInBucket } from '../auth/sign-in-throttle.ts';
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
        ? { kind: 'tenant' as const, name: (await tx.tenant.findUniqueOrThrow({ where: { id: invitation.tenantId } })).name }
        : { kind: 'partner' as const, name: (await tx.partner.findUniqueOrThrow({ where: { id: invitation.partnerId ?? '' } })).name };
      const account = await tx.user.findUnique({ where: { email: invitation.email }, select: { passwordHash: true } });
      return { invitation, target, existingAccount: Boolean(account?.passwordHash) };
    },
    (found) => ({ action: 'invitation.viewed', actorUserId: null, tenantId: found?.invitation.tenantId ?? null, targetType: 'Invitation', targetId: found?.invitation.id ?? 'unknown', requestId: ctx.requestId }),
  );
}

export async function previewInvitation(ctx: Context, token: string) {
  const found = await findByToken(ctx, token);
  if (!found) throw new DomainError('NOT_FOUND', 'errors.invitation.invalid');
  const { invitation, target } = found;
  const role = invitation.tenantRole ? toApiEnum(invitation.tenantRole) : toApiEnum(invitation.partnerRole ?? 'PARTNER_STAFF');
  return { email: invitation.email, target, role, status: statusOf(invitation), existingAccount: found.existingAccount };
}

/**
 * Accepting signs the invitee in. A new account gets the name and password
 * given here. An account that already has a password keeps it: the invitee
 * proves it is theirs by entering it (under the sign-in rate limit) —
 * otherwise whoever holds the link, e.g. the inviter, could take over any
 * existing account by inviting its address.
 */
export async function acceptInvitation(ctx: Context, input: { token: string; name?: string | undefined; password: string }) {
  const passwordHash = await hashPassword(input.password);
  const userId = await ctx.platform.run(
    async (tx) => {
      const invitation = await tx.invitation.findUnique({ where: { tokenHash: hashToken(input.token) } });
      if (!invitation) throw new DomainError('NOT_FOUND', 'errors.invitation.invalid');
      const status = statusOf(invitation);
      if (status !== 'open') throw new DomainError('BAD_REQUEST', `errors.invitation.${status}`);
      // Single use, also under concurrent accepts: only one update matches.
      const { count } = await tx.invitation.updateMany({ where: { id: invitation.id, acceptedAt: null }, data: { acceptedAt: new Date() } });
      if (count !== 1) throw new DomainError('BAD_REQUEST', 'errors.invitation.accepted');
      const account = await tx.user.findUniqueOrThrow({ where: { email: invitation.email }, select: { id: true, passwordHash: true } });
      const user = account.passwordHash
        ? await confirmExistingAccount(ctx, invitation.email, account, input.password)
        : await setUpNewAccount(tx, account.id, input, passwordHash);
      if (invitation.tenantId) {
        const membership = await tx.tenantMembership.upsert({
          where: { tenantId_userId: { tenantId: invitation.tenantId, userId: user.id } },
          create: { tenantId: invitation.tenantId, userId: user.id, role: invitation.tenantRole ?? 'MEMBER' },
          update: {},
          select: { id: true },
        });
        // Invited into a hub (by a hub manager or town admin): assigned to it on arrival.
        if (invitation.hubId) {
          await tx.hubAssignment.upsert({
            where: { tenantId_hubId_membershipId: { tenantId: invitation.tenantId, hubId: invitation.hubId, membershipId: membership.id } },
            create: { tenantId: invitation.tenantId, hubId: invitation.hubId, membershipId: membership.id },
            update: {},
          });
        }
        // A town becomes active when its first admin has taken over.
        await tx.tenant.updateMany({ where: { id: invitation.tenantId, status: 'ONBOARDING' }, data: { status: 'ACTIVE' } });
      } else if (invitation.partnerId) {
        // Partner staff invited by a partner admin (a registered partner's first admin already has it).
        await tx.partnerMembership.upsert({
          where: { partnerId_userId: { partnerId: invitation.partnerId, userId: user.id } },
          create: { partnerId: invitation.partnerId, userId: user.id, role: invitation.partnerRole ?? 'PARTNER_STAFF' },
          update: {},
        });
      }
      return { userId: user.id, tenantId: invitation.tenantId, invitationId: invitation.id };
    },
    (r) => ({ action: 'invitation.accepted', actorUserId: r.userId, tenantId: r.tenantId, targetType: 'Invitation', targetId: r.invitationId, requestId: ctx.requestId }),
  );
  const session = await createSession(ctx.db, userId.userId, ctx.userAgent);
  return { token: session.token, expiresAt: session.expiresAt.toISOString() };
}

async function confirmExistingAccount(ctx: Context, email: string, account: { id: string; passwordHash: string | null }, password: string) {
  const bucket = signInBucket(email, ctx.clientIp ?? null);
  const throttle = await claimSignInAttempt(ctx.db, bucket);
  if (!throttle.allowed) throw new TooManyRequestsError('errors.auth.tooManyAttempts', throttle.retryAfterSeconds);
  if (!(await verifyPassword(account.passwordHash, password))) throw fieldError('password', 'errors.auth.wrongPassword');
  await clearSignInAttempts(ctx.db, bucket);
  return { id: account.id };
}

async function setUpNewAccount(tx: PlatformTx, userId: string, input: { name?: string | undefined; password: string }, passwordHash: string) {
  if (!input.name) throw fieldError('name', 'validation.required');
  if (input.password.length < MIN_PASSWORD_LENGTH) throw fieldError('password', 'validation.password.tooShort');
  return tx.user.update({ where: { id: userId }, data: { name: input.name, passwordHash } });
}
