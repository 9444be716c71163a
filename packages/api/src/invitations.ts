import { hashToken, newToken } from '@hubwerk/auth';
import type { PlatformTx, Prisma } from '@hubwerk/db';
import { enqueueMail, type OutboxWriter } from './mail/outbox.ts';
import { absoluteLink, invitationMail, type MailLocale } from './mail/templates.ts';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Creates an invitation and returns the path of its link (/invite/<token>). */
export async function createInvitation(tx: PlatformTx, data: Omit<Prisma.InvitationUncheckedCreateInput, 'tokenHash' | 'expiresAt'>) {
  const token = newToken();
  const invitation = await tx.invitation.create({
    data: { ...data, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS) },
  });
  return { invitation, invitationUrl: invitationPath(token) };
}

/**
 * An idempotent replay cannot show the first link again (only its hash is
 * stored), so it issues a fresh token for the same open invitation; the
 * earlier link stops working.
 */
export async function reissueInvitation(tx: PlatformTx, invitationId: string) {
  const token = newToken();
  await tx.invitation.update({
    where: { id: invitationId },
    data: { tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS) },
  });
  return invitationPath(token);
}

const invitationPath = (token: string) => `/invite/${token}`;

/** A fresh token for an invitation: the hash to store, the path to hand out (for clients other than the platform one). */
export function newInvitationSecret() {
  const token = newToken();
  return { tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS), path: invitationPath(token) };
}

/** The account an invitation is for: the existing one, or a new one without a password. */
export function findOrCreateInvitee(tx: PlatformTx, email: string) {
  return tx.user.upsert({ where: { email }, create: { email, name: email.split('@')[0] ?? email }, update: {} });
}

/**
 * Enqueues the invitation mail in the transaction that created (or reissued)
 * the invitation: no invitation without its mail, no mail for a rolled-back one.
 * The recipient's language is not known before they sign in: German.
 */
export async function enqueueInvitationMail(
  tx: OutboxWriter,
  input: { adminUrl: string; email: string; targetName: string; role: string; invitationPath: string; locale?: MailLocale },
) {
  const mail = invitationMail({
    locale: input.locale ?? 'de',
    targetName: input.targetName,
    role: input.role,
    link: absoluteLink(input.adminUrl, input.invitationPath),
    days: INVITATION_LIFETIME_MS / (24 * 60 * 60 * 1000),
  });
  await enqueueMail(tx, 'invitation', input.email, mail);
}
