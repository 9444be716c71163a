/**
 * "Mein Konto": a person's own data rights — take all of it out (Art. 15,
 * 20) or delete the account (Art. 17). docs/decisions/027.
 */
import { type Actor, verifyPassword } from '@hubwerk/auth';
import { runInScope } from '@hubwerk/db';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError, fieldError } from '../../errors.ts';
import { claimSignInAttempt, clearSignInAttempts, signInBucket } from '../auth/sign-in-throttle.ts';
import { spendSecondFactor } from '../mfa/second-factor.ts';
import { anonymiseAndDelete, deletionBlockers, isBlocked } from './account-deletion.ts';
import { townsOf, writePersonArchive } from './account-export.ts';

type Authed = Context & { session: { sessionId: string; userId: string; email: string }; actor: Actor };

/** The whole archive in one answer: one person's rows are kilobytes to a few megabytes (see the ADR for when that stops holding). */
export async function exportMyData(ctx: Authed) {
  const person = { id: ctx.session.userId, email: ctx.session.email };
  const now = new Date();
  const result = await ctx.platform.run(
    async (tx) => {
      const towns = await townsOf(tx, person);
      const written = await writePersonArchive(tx, person, now);
      // Every town whose rows were read through the bypass client says so in its own audit log.
      for (const tenantId of towns) {
        await tx.auditEvent.create({
          data: {
            tenantId,
            actorUserId: person.id,
            action: 'account.dataExported',
            targetType: 'User',
            targetId: person.id,
            requestId: ctx.requestId,
            supportSessionId: null,
          },
        });
      }
      return { ...written, towns: towns.length };
    },
    (r) => ({
      action: 'account.dataExported',
      actorUserId: person.id,
      targetType: 'User',
      targetId: person.id,
      requestId: ctx.requestId,
      data: { towns: r.towns, sizeBytes: r.archive.length },
    }),
    // One snapshot: the tables of the archive agree with each other.
    { isolationLevel: 'RepeatableRead' },
  );
  return {
    fileName: `meine-daten-hubwerk-${now.toISOString().slice(0, 10)}.zip`,
    sizeBytes: result.archive.length,
    archiveBase64: result.archive.toString('base64'),
  };
}

/** Shown before the form: what would stop the deletion, and whether a code is needed. */
export async function deletionCheck(ctx: Authed) {
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: ctx.session.userId },
    select: { totpEnabledAt: true, passwordHash: true },
  });
  // Read in each town's own scope on the app client (a preview; the deletion checks again, under lock).
  const [adminOf, partnerAdminOf] = await Promise.all([
    ctx.db.tenantMembership.findMany({
      where: { userId: ctx.session.userId, role: 'TOWN_ADMIN' },
      select: { tenantId: true, tenant: { select: { slug: true, name: true } } },
      orderBy: { tenant: { name: 'asc' } },
    }),
    ctx.db.partnerMembership.findMany({
      where: { userId: ctx.session.userId, role: 'PARTNER_ADMIN' },
      select: { partnerId: true, partner: { select: { slug: true, name: true } } },
      orderBy: { partner: { name: 'asc' } },
    }),
  ]);
  const towns = [];
  for (const m of adminOf) {
    const admins = await runInScope({ tenantId: m.tenantId, userId: ctx.session.userId }, () =>
      ctx.db.tenantMembership.count({ where: { tenantId: m.tenantId, role: 'TOWN_ADMIN' } }),
    );
    if (admins === 1) towns.push(m.tenant);
  }
  const partners = [];
  for (const m of partnerAdminOf) {
    if ((await ctx.db.partnerMembership.count({ where: { partnerId: m.partnerId, role: 'PARTNER_ADMIN' } })) === 1)
      partners.push(m.partner);
  }
  return {
    platformRole: ctx.actor.platformRole !== null,
    towns,
    partners,
    secondFactor: user.totpEnabledAt !== null,
    hasPassword: user.passwordHash !== null,
  };
}

/**
 * The typed address as confirmation, then re-authentication (password, and
 * the second factor if it is on; both counted under the sign-in rate limit
 * like every credential check), then the checks and the work in one
 * transaction.
 */
export async function deleteMyAccount(
  ctx: Authed,
  input: { password: string; code?: string | undefined; confirmEmail: string },
) {
  // The typed address first: a slip there must not spend the second-factor code.
  if (input.confirmEmail !== ctx.session.email.toLowerCase())
    throw fieldError('confirmEmail', 'errors.account.confirmMismatch');
  const bucket = signInBucket(ctx.session.email, ctx.clientIp ?? null);
  const throttle = await claimSignInAttempt(ctx.db, bucket);
  if (!throttle.allowed) throw new TooManyRequestsError('errors.auth.tooManyAttempts', throttle.retryAfterSeconds);
  const user = await ctx.db.user.findUniqueOrThrow({
    where: { id: ctx.session.userId },
    select: { id: true, email: true, passwordHash: true, totpEnabledAt: true, totpSecret: true, totpLastStep: true },
  });
  if (!(await verifyPassword(user.passwordHash, input.password)))
    throw fieldError('password', 'errors.auth.wrongPassword');
  if (user.totpEnabledAt) {
    if (!input.code) throw fieldError('code', 'validation.required');
    if (!(await spendSecondFactor(ctx.db, ctx.dataEncryptionKey, user, input.code)))
      throw fieldError('code', 'errors.mfa.invalidCode');
  }
  await clearSignInAttempts(ctx.db, bucket);

  const result = await ctx.platform.run(
    async (tx) => {
      const blockers = await deletionBlockers(tx, user.id, true);
      if (isBlocked(blockers)) return { blocked: blockers, done: null };
      return { blocked: null, done: await anonymiseAndDelete(tx, user, new Date()) };
    },
    (r) =>
      r.done
        ? {
            action: 'account.deleted',
            actorUserId: user.id,
            targetType: 'User',
            targetId: user.id,
            requestId: ctx.requestId,
            data: {
              towns: r.done.towns.length,
              bookingsAnonymised: r.done.bookings,
              auditEntriesRedacted: r.done.auditEntriesRedacted,
            },
          }
        : null,
  );
  if (!result.done) {
    const b = result.blocked;
    if (b.platformRole) throw new DomainError('CONFLICT', 'errors.account.providerStaff');
    throw new DomainError('CONFLICT', 'errors.account.lastAdmin', undefined, {
      names: [...b.towns, ...b.partners].map((x) => x.name).join(', '),
    });
  }
  const done = result.done;
  ctx.logger.info({ reqId: ctx.requestId, event: 'account.deleted', towns: done.towns.length }, 'account deleted');
  return { ok: true as const, bookingsAnonymised: done.bookings, towns: done.towns.length };
}
