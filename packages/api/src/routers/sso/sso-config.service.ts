import { oneOf } from '@hubwerk/domain';
import { type AppAbility, encryptSecret, subject } from '@hubwerk/auth';
import type { Tenant } from '@hubwerk/db';
import type { Context, SsoSettings } from '../../context.ts';
import { PLANS, type PlanId } from '@hubwerk/billing';
import { DomainError, notFound } from '../../errors.ts';
import { fromApiEnum, toApiEnum } from '../../schemas.ts';
import { isInternalHost, isLoopbackHttp } from './oidc-client.ts';

type SessionCtx = Context & {
  session: { userId: string };
  actor: { platformRole: string | null; partnerRoles: ReadonlyArray<{ partnerId: string; role: string }> };
};
type TownCtx = SessionCtx & { tenant: Tenant; ability: AppAbility };

export type SsoDefaultRole = 'member' | 'hub-staff';

export interface SaveConfigInput {
  issuer: string;
  clientId: string;
  /** Empty: keep the stored secret (it is never shown again). */
  clientSecret: string;
  allowedDomains: string[];
  enabled: boolean;
}

/** Binds a sealed client secret to its purpose: it cannot be decrypted as, say, a TOTP secret. */
export const SSO_SECRET_CONTEXT = 'sso.clientSecret';

export function ssoSettings(ctx: Context): SsoSettings {
  if (!ctx.sso) throw new DomainError('PRECONDITION_FAILED', 'errors.sso.notConfigured');
  return ctx.sso;
}

/** The provider's settings as the admin sees them: everything but the secret. */
function view(row: { issuer: string; clientId: string; allowedDomains: string[]; enabled: boolean; updatedAt: Date }) {
  return {
    issuer: row.issuer,
    clientId: row.clientId,
    hasClientSecret: true as const,
    allowedDomains: row.allowedDomains,
    enabled: row.enabled,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Who manages a town's sign-in: whoever may add people to it (town admin, its partner, the provider's admins). */
function assertMayManageTown(ctx: TownCtx) {
  const probe = {
    tenantId: ctx.tenant.id,
    id: '',
    userId: '',
    role: 'MEMBER' as const,
    createdAt: new Date(),
    approvalDigest: false,
    approvalDigestSentOn: null,
  };
  if (ctx.ability.cannot('create', subject('TenantMembership', probe)))
    throw new DomainError('FORBIDDEN', 'errors.forbidden');
}

/**
 * An https issuer at a public address. Only where the host allows it (dev
 * and tests, never production) http on loopback and internal addresses:
 * sso.start is unauthenticated, and the API must not be made to fetch from
 * its own machine or network on an admin's say-so.
 */
function assertIssuer(ctx: Context, issuer: string) {
  const url = new URL(issuer);
  const relaxed = ssoSettings(ctx).allowLoopbackHttp;
  if (url.protocol !== 'https:' && !(relaxed && isLoopbackHttp(url))) {
    throw new DomainError('BAD_REQUEST', 'errors.sso.issuerHttps', { issuer: ['errors.sso.issuerHttps'] });
  }
  if (!relaxed && isInternalHost(url.hostname))
    throw new DomainError('BAD_REQUEST', 'errors.ssoChecks.issuerNotPublic', {
      issuer: ['errors.ssoChecks.issuerNotPublic'],
    });
}

/** Single sign-on is part of some plans only (PLANS[…].sso); a town without a billing row is on the smallest. */
export function planIncludesSso(plan: string | null | undefined): boolean {
  return PLANS[oneOf('BillingPlan', plan ?? 'BASIS').toLowerCase() as PlanId].sso;
}

function secretFor(ctx: Context, input: SaveConfigInput, stored: string | null): string {
  if (input.clientSecret) return encryptSecret(ssoSettings(ctx).secretKey, input.clientSecret, SSO_SECRET_CONTEXT);
  if (stored) return stored;
  throw new DomainError('BAD_REQUEST', 'errors.invalidInput', { clientSecret: ['validation.required'] });
}

export async function getTownConfig(ctx: TownCtx) {
  assertMayManageTown(ctx);
  const row = await ctx.db.tenantSsoConfig.findFirst({ where: { tenantId: ctx.tenant.id } });
  return {
    config: row
      ? { ...view(row), defaultRole: toApiEnum(oneOf('TenantRole', row.defaultRole)) as SsoDefaultRole }
      : null,
    callbackUrl: ctx.sso?.callbackUrl ?? null,
  };
}

/** Creates or replaces the town's provider; the change (never the secret) is audited in the town's log. */
export async function saveTownConfig(ctx: TownCtx, input: SaveConfigInput & { defaultRole: SsoDefaultRole }) {
  assertMayManageTown(ctx);
  assertIssuer(ctx, input.issuer);
  return ctx.db.$transaction(async (tx) => {
    // Like the hub limit: the API enforces the plan, whatever a page offers. Saving covers enabling.
    const billing = await tx.tenantBilling.findFirst({ where: { tenantId: ctx.tenant.id }, select: { plan: true } });
    if (!planIncludesSso(billing?.plan)) throw new DomainError('PRECONDITION_FAILED', 'errors.ssoChecks.notInPlan');
    const existing = await tx.tenantSsoConfig.findFirst({ where: { tenantId: ctx.tenant.id } });
    const data = {
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecretEncrypted: secretFor(ctx, input, existing?.clientSecretEncrypted ?? null),
      allowedDomains: input.allowedDomains,
      enabled: input.enabled,
      defaultRole: fromApiEnum(input.defaultRole),
    };
    const row = existing
      ? await tx.tenantSsoConfig.update({ where: { tenantId_id: { tenantId: ctx.tenant.id, id: existing.id } }, data })
      : await tx.tenantSsoConfig.create({ data: { tenantId: ctx.tenant.id, ...data } });
    await tx.auditEvent.create({
      data: {
        tenantId: ctx.tenant.id,
        actorUserId: ctx.session.userId,
        action: existing ? 'sso.configUpdated' : 'sso.configCreated',
        targetType: 'TenantSsoConfig',
        targetId: row.id,
        requestId: ctx.requestId,
        data: {
          issuer: input.issuer,
          clientId: input.clientId,
          allowedDomains: input.allowedDomains,
          enabled: input.enabled,
          defaultRole: input.defaultRole,
          secretChanged: input.clientSecret !== '',
        },
      },
    });
    return {
      config: { ...view(row), defaultRole: toApiEnum(oneOf('TenantRole', row.defaultRole)) as SsoDefaultRole },
      callbackUrl: ctx.sso?.callbackUrl ?? null,
    };
  });
}

/** Partner admins manage their own partner's provider; the provider's admins every partner's; support reads. */
function partnerAccess(ctx: SessionCtx, partnerId: string): 'manage' | 'read' | null {
  if (ctx.actor.platformRole === 'platform-admin') return 'manage';
  if (ctx.actor.partnerRoles.some((p) => p.partnerId === partnerId && p.role === 'partner-admin')) return 'manage';
  if (ctx.actor.platformRole === 'platform-support') return 'read';
  return null;
}

export async function getPartnerConfig(ctx: SessionCtx, input: { partnerId: string }) {
  // Not allowed looks like not there: no oracle for partner ids.
  if (!partnerAccess(ctx, input.partnerId)) throw notFound();
  const partner = await ctx.db.partner.findFirst({ where: { id: input.partnerId }, select: { id: true } });
  if (!partner) throw notFound();
  const row = await ctx.db.partnerSsoConfig.findFirst({ where: { partnerId: input.partnerId } });
  return { config: row ? view(row) : null, callbackUrl: ctx.sso?.callbackUrl ?? null };
}

/** Partner configs are global rows: written through the audited platform client. */
export async function savePartnerConfig(ctx: SessionCtx, input: SaveConfigInput & { partnerId: string }) {
  const access = partnerAccess(ctx, input.partnerId);
  if (!access) throw notFound();
  if (access !== 'manage') throw new DomainError('FORBIDDEN', 'errors.forbidden');
  assertIssuer(ctx, input.issuer);
  const row = await ctx.platform.run(
    async (tx) => {
      const partner = await tx.partner.findFirst({ where: { id: input.partnerId }, select: { id: true } });
      if (!partner) throw notFound();
      const existing = await tx.partnerSsoConfig.findFirst({ where: { partnerId: input.partnerId } });
      const data = {
        issuer: input.issuer,
        clientId: input.clientId,
        clientSecretEncrypted: secretFor(ctx, input, existing?.clientSecretEncrypted ?? null),
        allowedDomains: input.allowedDomains,
        enabled: input.enabled,
      };
      const saved = existing
        ? await tx.partnerSsoConfig.update({ where: { id: existing.id }, data })
        : await tx.partnerSsoConfig.create({ data: { partnerId: input.partnerId, ...data } });
      return { saved, created: !existing };
    },
    ({ saved, created }) => ({
      action: created ? 'sso.partnerConfigCreated' : 'sso.partnerConfigUpdated',
      actorUserId: ctx.session.userId,
      targetType: 'PartnerSsoConfig',
      targetId: saved.id,
      requestId: ctx.requestId,
      data: {
        partnerId: input.partnerId,
        issuer: input.issuer,
        clientId: input.clientId,
        allowedDomains: input.allowedDomains,
        enabled: input.enabled,
        secretChanged: input.clientSecret !== '',
      },
    }),
  );
  return { config: view(row.saved), callbackUrl: ctx.sso?.callbackUrl ?? null };
}
