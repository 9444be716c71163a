import { hashToken, newToken } from '@hubwerk/auth';
import type { PlatformTx, Prisma } from '@hubwerk/db';
import { enqueueMail, type OutboxWriter } from './mail/outbox.ts';
import { absoluteLink, invitationMail, type MailLocale } from './mail/templates.ts';

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Invitation tokens travel only by mail to the invited address (ADR 023):
 * a token can set the first password of a pending account, so whoever else
 * held it — the inviter, an operator reading logs — could take the account
 * over. Nothing here returns a token or a link; the functions enqueue the
 * mail in the caller's transaction (no invitation without its mail, no mail
 * for a rolled-back one) and hand back ids only.
 */
export interface InvitationMailInput {
  adminUrl: string;
  email: string;
  targetName: string;
  role: string;
  locale?: MailLocale;
}

type InvitationWriter = OutboxWriter & {
  invitation: {
    create(args: { data: Prisma.InvitationUncheckedCreateInput; select: { id: true } }): Promise<{ id: string }>;
  };
};
type InvitationUpdater = OutboxWriter & {
  invitation: {
    updateMany(args: {
      where: Prisma.InvitationWhereInput;
      data: Prisma.InvitationUncheckedUpdateManyInput;
    }): Promise<{ count: number }>;
  };
};

/** Creates an invitation and mails its link to the invited address; returns the invitation's id. */
export async function issueInvitation(
  tx: InvitationWriter,
  data: Omit<Prisma.InvitationUncheckedCreateInput, 'tokenHash' | 'expiresAt'>,
  mail: InvitationMailInput,
): Promise<{ invitationId: string }> {
  const token = newToken();
  const invitation = await tx.invitation.create({
    data: { ...data, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS) },
    select: { id: true },
  });
  await enqueueInvitationMail(tx, { ...mail, invitationPath: invitationPath(token) });
  return { invitationId: invitation.id };
}

/**
 * Sends an open invitation again with a fresh token (only hashes are stored,
 * so the first link cannot be shown again); the earlier link stops working.
 * Only an open invitation matching `where` is reissued; false otherwise.
 */
export async function reissueInvitation(
  tx: InvitationUpdater,
  where: Prisma.InvitationWhereInput,
  mail: InvitationMailInput,
): Promise<boolean> {
  const token = newToken();
  const { count } = await tx.invitation.updateMany({
    where: { ...where, acceptedAt: null, revokedAt: null },
    data: { tokenHash: hashToken(token), expiresAt: new Date(Date.now() + INVITATION_LIFETIME_MS) },
  });
  if (count !== 1) return false;
  await enqueueInvitationMail(tx, { ...mail, invitationPath: invitationPath(token) });
  return true;
}

const invitationPath = (token: string) => `/invite/${token}`;

/** The account an invitation is for: the existing one, or a new one without a password. */
export function findOrCreateInvitee(tx: Pick<PlatformTx, 'user'>, email: string) {
  return tx.user.upsert({
    where: { email },
    create: { email, name: email.split('@')[0] ?? email },
    update: {},
    select: { id: true, passwordHash: true, totpEnabledAt: true },
  });
}

/**
 * Whether an account can already be signed into (a password or a second
 * factor; SSO sign-in also ends at an account that has one of them or at a
 * town's provider, ADR 010). Such an account only ever joins a town or a
 * partner by accepting while signed in as itself; a pending one is
 * activated by the token mailed to its address.
 */
export function hasCredentials(account: { passwordHash: string | null; totpEnabledAt: Date | null }): boolean {
  return account.passwordHash !== null || account.totpEnabledAt !== null;
}

/** The recipient's language is not known before they sign in: German. */
async function enqueueInvitationMail(tx: OutboxWriter, input: InvitationMailInput & { invitationPath: string }) {
  const mail = invitationMail({
    locale: input.locale ?? 'de',
    targetName: input.targetName,
    role: input.role,
    link: absoluteLink(input.adminUrl, input.invitationPath),
    days: INVITATION_LIFETIME_MS / (24 * 60 * 60 * 1000),
  });
  await enqueueMail(tx, 'invitation', input.email, mail);
}
