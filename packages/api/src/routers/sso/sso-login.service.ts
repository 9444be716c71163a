import { oneOf, type ValueOf } from '@hubwerk/domain';
import { createSession, decryptSecret, hashToken } from '@hubwerk/auth';
import { type PlatformTx, writeAuditEntry } from '@hubwerk/db';
import * as oidc from 'openid-client';
import type { Context } from '../../context.ts';
import { DomainError, TooManyRequestsError } from '../../errors.ts';
import { consume, limitersFor, limitKey } from '../../rate-limits.ts';
import { authorizationRequest, discover, finishAuthorization, type VerifiedIdentity } from './oidc-client.ts';
import { planIncludesSso, SSO_SECRET_CONTEXT, ssoSettings } from './sso-config.service.ts';

/** A started sign-in is good for one callback within ten minutes. */
export const SSO_STATE_LIFETIME_MS = 10 * 60 * 1000;

type ProviderKind = 'town' | 'partner';

interface Provider {
  kind: ProviderKind;
  configId: string;
  /** The town's or the partner's id. */
  ownerId: string;
  issuer: string;
  clientId: string;
  clientSecretEncrypted: string;
  allowedDomains: string[];
  defaultRole: ValueOf<'TenantRole'> | null;
}

/** Every SSO failure a user sees: a clear key, BAD_REQUEST, and no session. */
const rejected = (key: string, field?: string) =>
  new DomainError('BAD_REQUEST', key, field ? { [field]: [key] } : undefined);

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** Towns that are suspended or offboarded sign nobody in. */
const OPEN_TOWN = { status: { in: ['ACTIVE', 'ONBOARDING'] as Array<'ACTIVE' | 'ONBOARDING'> } };

async function enabledProviders(
  tx: PlatformTx,
  domain: string,
  townSlug: string | null,
): Promise<Array<Provider & { label: string }>> {
  const found = await tx.tenantSsoConfig.findMany({
    where: {
      enabled: true,
      allowedDomains: { has: domain },
      tenant: { ...OPEN_TOWN, ...(townSlug ? { slug: townSlug } : {}) },
    },
    include: { tenant: { select: { slug: true, billing: { select: { plan: true }, take: 1 } } } },
    take: 20,
  });
  // A town whose plan no longer includes SSO (a downgrade) keeps its settings but signs nobody in.
  const towns = found.filter((c) => planIncludesSso(c.tenant.billing[0]?.plan));
  const partners = townSlug
    ? []
    : await tx.partnerSsoConfig.findMany({ where: { enabled: true, allowedDomains: { has: domain } }, take: 20 });
  if (found.length > 0 && towns.length === 0 && partners.length === 0)
    throw new DomainError('PRECONDITION_FAILED', 'errors.ssoChecks.notInPlanSignIn', {
      email: ['errors.ssoChecks.notInPlanSignIn'],
    });
  return [
    ...towns.map((c) => ({
      kind: 'town' as const,
      configId: c.id,
      ownerId: c.tenantId,
      issuer: c.issuer,
      clientId: c.clientId,
      clientSecretEncrypted: c.clientSecretEncrypted,
      allowedDomains: c.allowedDomains,
      defaultRole: oneOf('TenantRole', c.defaultRole),
      label: c.tenant.slug,
    })),
    ...partners.map((c) => ({
      kind: 'partner' as const,
      configId: c.id,
      ownerId: c.partnerId,
      issuer: c.issuer,
      clientId: c.clientId,
      clientSecretEncrypted: c.clientSecretEncrypted,
      allowedDomains: c.allowedDomains,
      defaultRole: null,
      label: c.partnerId,
    })),
  ];
}

async function providerById(
  tx: PlatformTx,
  kind: ProviderKind,
  configId: string,
  ownerId: string,
): Promise<Provider | null> {
  if (kind === 'town') {
    const c = await tx.tenantSsoConfig.findFirst({
      where: { id: configId, tenantId: ownerId, enabled: true, tenant: OPEN_TOWN },
      include: { tenant: { select: { billing: { select: { plan: true }, take: 1 } } } },
    });
    if (c && !planIncludesSso(c.tenant.billing[0]?.plan)) return null;
    return (
      c && {
        kind,
        configId: c.id,
        ownerId: c.tenantId,
        issuer: c.issuer,
        clientId: c.clientId,
        clientSecretEncrypted: c.clientSecretEncrypted,
        allowedDomains: c.allowedDomains,
        defaultRole: oneOf('TenantRole', c.defaultRole),
      }
    );
  }
  const c = await tx.partnerSsoConfig.findFirst({ where: { id: configId, partnerId: ownerId, enabled: true } });
  return (
    c && {
      kind,
      configId: c.id,
      ownerId: c.partnerId,
      issuer: c.issuer,
      clientId: c.clientId,
      clientSecretEncrypted: c.clientSecretEncrypted,
      allowedDomains: c.allowedDomains,
      defaultRole: null,
    }
  );
}

function providerRef(ctx: Context, provider: Provider) {
  const settings = ssoSettings(ctx);
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: decryptSecret(settings.secretKey, provider.clientSecretEncrypted, SSO_SECRET_CONTEXT),
  };
}

/**
 * Starts a sign-in: finds the enabled provider whose allowed domains contain
 * the email's domain (or the named town's), stores state, nonce and the PKCE
 * verifier server-side and returns the provider's authorization URL.
 * Runs before anyone is signed in and across towns, hence the audited
 * platform client; the entry has no town (the town's log shows the outcome).
 */
export async function startSso(ctx: Context, input: { email: string; tenant?: string | undefined }) {
  const settings = ssoSettings(ctx);
  // Unauthenticated, and it may make the API fetch a provider's metadata: counted per client IP.
  const limit = await consume(limitersFor(ctx.db).ssoStartIp, limitKey('sso-start', ctx.clientIp));
  if (!limit.allowed) throw new TooManyRequestsError('errors.limits.ssoStart', limit.retryAfterSeconds);
  const domain = domainOf(input.email);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const provider = await ctx.platform.run(
    async (tx) => {
      const found = await enabledProviders(tx, domain, input.tenant ?? null);
      if (found.length === 0) return null;
      // Several towns trust the same domain (a county's): the user names the town.
      if (found.length > 1) return 'ambiguous' as const;
      const only = found[0]!;
      // Started sign-ins nobody finished are worth nothing a day later: keep the table small.
      await tx.ssoLoginState.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - 24 * 60 * 60 * 1000) } } });
      await tx.ssoLoginState.create({
        data: {
          stateHash: hashToken(state),
          nonce,
          codeVerifier,
          providerKind: only.kind,
          ownerId: only.ownerId,
          configId: only.configId,
          expiresAt: new Date(Date.now() + SSO_STATE_LIFETIME_MS),
        },
      });
      return only;
    },
    // No provider found: nothing was written or revealed, so nothing to audit.
    (found) =>
      found && found !== 'ambiguous'
        ? {
            action: 'sso.signInStarted',
            actorUserId: null,
            targetType: found.kind === 'town' ? 'TenantSsoConfig' : 'PartnerSsoConfig',
            targetId: found.configId,
            requestId: ctx.requestId,
            data: { domain },
          }
        : null,
  );
  if (provider === null)
    throw new DomainError('NOT_FOUND', 'errors.sso.noProvider', { email: ['errors.sso.noProvider'] });
  if (provider === 'ambiguous') throw rejected('errors.sso.chooseTown', 'tenant');
  let config: oidc.Configuration;
  try {
    config = await discover(providerRef(ctx, provider), settings);
  } catch (error) {
    ctx.logger.warn(
      { reqId: ctx.requestId, event: 'sso.discoveryFailed', issuer: provider.issuer, err: errorSummary(error) },
      'sso discovery failed',
    );
    throw new DomainError('PRECONDITION_FAILED', 'errors.sso.providerUnreachable');
  }
  const request = await authorizationRequest(config, settings.callbackUrl, input.email, { state, nonce, codeVerifier });
  return { authorizationUrl: request.url };
}

/** openid-client wraps oauth4webapi's error; the wrapped one says what exactly failed. */
function causeOf(error: unknown): Error | null {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  return cause instanceof Error ? cause : null;
}

/** What may go to a log about a failed OIDC step: codes and messages of the library, never tokens or secrets. */
function errorSummary(error: unknown): { name?: string; code?: string; message?: string; cause?: string } {
  if (!(error instanceof Error)) return {};
  const code = (error as { code?: unknown }).code;
  const cause = causeOf(error);
  return {
    name: error.name,
    message: error.message.slice(0, 200),
    ...(typeof code === 'string' ? { code } : {}),
    ...(cause ? { cause: cause.message.slice(0, 200) } : {}),
  };
}

/** openid-client's failure, as a key the user (and the town's log) can act on. */
function rejectionKey(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError) return 'errors.sso.providerDenied';
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  const text = `${error instanceof Error ? error.message : ''} ${causeOf(error)?.message ?? ''}`;
  // RFC 9207: the callback's "iss" is another provider's, or missing although the provider always sends it.
  if (/"iss" \(issuer\)/.test(text)) return 'errors.sso.wrongIssuer';
  if ((typeof code === 'string' && /JWT|JWS/.test(code)) || /signature|nonce|ID Token|JWT/i.test(text))
    return 'errors.sso.idTokenInvalid';
  return 'errors.sso.providerRejected';
}

/**
 * Finishes a sign-in from the provider's callback query (code, state, iss):
 * redeems the state (once), exchanges the code and validates the ID token,
 * then links or provisions the user into the provider's own town or partner
 * and opens a normal session. Every refusal is audited and opens nothing.
 */
export async function finishSso(ctx: Context, input: { query: string }) {
  const settings = ssoSettings(ctx);
  const callback = new URL(settings.callbackUrl);
  callback.search = new URLSearchParams(input.query).toString();
  const state = callback.searchParams.get('state');
  if (!state) throw rejected('errors.sso.invalidState');

  // Single use: the UPDATE … WHERE usedAt IS NULL lets exactly one callback through.
  const redeemed = await ctx.platform.run(
    async (tx) => {
      const now = new Date();
      const { count } = await tx.ssoLoginState.updateMany({
        where: { stateHash: hashToken(state), usedAt: null, expiresAt: { gt: now } },
        data: { usedAt: now },
      });
      if (count !== 1) return null;
      const row = await tx.ssoLoginState.findUniqueOrThrow({ where: { stateHash: hashToken(state) } });
      const kind = row.providerKind as ProviderKind;
      return { row, kind, provider: await providerById(tx, kind, row.configId, row.ownerId) };
    },
    (r) =>
      r
        ? {
            action: 'sso.stateRedeemed',
            actorUserId: null,
            targetType: 'SsoLoginState',
            targetId: r.row.id,
            requestId: ctx.requestId,
          }
        : null,
  );
  // A forged, replayed or expired state: nothing was touched.
  if (!redeemed) throw rejected('errors.sso.invalidState');
  const { row, kind } = redeemed;
  const tenantId = kind === 'town' ? row.ownerId : null;
  const refuse = async (key: string, detail: Record<string, string> = {}) => {
    await ctx.platform.run(async () => null, {
      action: 'sso.signInRejected',
      actorUserId: null,
      tenantId,
      targetType: kind === 'town' ? 'TenantSsoConfig' : 'PartnerSsoConfig',
      targetId: row.configId,
      requestId: ctx.requestId,
      data: { reason: key, ...(kind === 'partner' ? { partnerId: row.ownerId } : {}), ...detail },
    });
    return rejected(key);
  };
  const provider = redeemed.provider;
  if (!provider) throw await refuse('errors.sso.disabled');

  let identity: VerifiedIdentity;
  try {
    const config = await discover(providerRef(ctx, provider), settings);
    identity = await finishAuthorization(config, callback, { state, nonce: row.nonce, codeVerifier: row.codeVerifier });
  } catch (error) {
    const key = rejectionKey(error);
    ctx.logger.warn(
      { reqId: ctx.requestId, event: 'sso.rejected', reason: key, err: errorSummary(error) },
      'sso callback rejected',
    );
    throw await refuse(key);
  }
  if (!identity.email || !identity.emailVerified) throw await refuse('errors.sso.emailNotVerified');
  if (!provider.allowedDomains.includes(domainOf(identity.email)))
    throw await refuse('errors.sso.domainNotAllowed', { domain: domainOf(identity.email) });

  const outcome = await ctx.platform.run(
    async (tx) => {
      const o = await linkOrProvision(tx, provider, identity as VerifiedIdentity & { email: string });
      // Provisioning and its audit entry commit together.
      if ('userId' in o && o.provisioned) {
        // The town's log, or the platform's for a partner's provider.
        await writeAuditEntry(tx, {
          action: 'sso.userProvisioned',
          actorUserId: o.userId,
          tenantId,
          targetType: 'User',
          targetId: o.userId,
          requestId: ctx.requestId,
          data: {
            userCreated: o.userCreated,
            role: o.role,
            issuer: provider.issuer,
            ...(kind === 'partner' ? { partnerId: provider.ownerId } : {}),
          },
        });
      }
      return o;
    },
    (o) =>
      'refused' in o
        ? null
        : {
            action: 'sso.signedIn',
            actorUserId: o.userId,
            tenantId,
            targetType: 'User',
            targetId: o.userId,
            requestId: ctx.requestId,
            data: {
              issuer: provider.issuer,
              subject: identity.subject,
              ...(kind === 'partner' ? { partnerId: provider.ownerId } : {}),
            },
          },
  );
  if ('refused' in outcome) throw await refuse(outcome.refused);
  // Same kind of session as a password sign-in: a new id, the same cookie.
  const session = await createSession(ctx.db, outcome.userId, ctx.userAgent);
  ctx.log.userId = outcome.userId;
  return { token: session.token, expiresAt: session.expiresAt.toISOString() };
}

type LinkOutcome = { refused: string } | { userId: string; provisioned: boolean; userCreated: boolean; role: string };

/**
 * The provider vouches only for its own town (or partner). An existing
 * account is linked only when it has no access anywhere else: otherwise a
 * town's identity provider — run by that town — could sign someone into
 * another town, a partner or the provider's staff.
 */
async function linkOrProvision(
  tx: PlatformTx,
  provider: Provider,
  identity: VerifiedIdentity & { email: string },
): Promise<LinkOutcome> {
  const user = await tx.user.findUnique({
    where: { email: identity.email },
    select: {
      id: true,
      platformRole: true,
      tenantMemberships: { select: { tenantId: true, role: true } },
      partnerMemberships: { select: { partnerId: true, role: true } },
    },
  });
  if (user) {
    const elsewhere =
      user.platformRole !== null ||
      (provider.kind === 'town'
        ? user.partnerMemberships.length > 0 || user.tenantMemberships.some((m) => m.tenantId !== provider.ownerId)
        : user.tenantMemberships.length > 0 || user.partnerMemberships.some((m) => m.partnerId !== provider.ownerId));
    if (elsewhere) return { refused: 'errors.sso.accountElsewhere' };
    // Partner admins may protect their password sign-in with a second factor; a provider run by someone else must not skip it.
    if (user.partnerMemberships.some((m) => m.role === 'PARTNER_ADMIN'))
      return { refused: 'errors.sso.adminUsesPassword' };
  }
  const created = user
    ? null
    : await tx.user.create({
        data: { email: identity.email, name: identity.name || identity.email.split('@')[0] || identity.email },
        select: { id: true },
      });
  const userId = user?.id ?? created!.id;
  if (provider.kind === 'town') {
    if (user?.tenantMemberships.some((m) => m.tenantId === provider.ownerId))
      return { userId, provisioned: false, userCreated: false, role: 'existing' };
    // Never an admin: the CHECK constraint on the config says so too.
    const role = provider.defaultRole === 'HUB_STAFF' ? 'HUB_STAFF' : 'MEMBER';
    await tx.tenantMembership.create({ data: { tenantId: provider.ownerId, userId, role } });
    return { userId, provisioned: true, userCreated: !user, role };
  }
  if (user?.partnerMemberships.some((m) => m.partnerId === provider.ownerId))
    return { userId, provisioned: false, userCreated: false, role: 'existing' };
  await tx.partnerMembership.create({ data: { partnerId: provider.ownerId, userId, role: 'PARTNER_STAFF' } });
  return { userId, provisioned: true, userCreated: !user, role: 'PARTNER_STAFF' };
}
