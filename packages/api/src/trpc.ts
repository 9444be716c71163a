import { type AppAbility, defineAbilityFor, defineAbilityInTenant, subject, supportChannel } from '@hubwerk/auth';
import { isPoolAcquireTimeout, runInScope, type Tenant } from '@hubwerk/db';
import { initTRPC } from '@trpc/server';
import { z } from 'zod';
import { authenticate, TENANT_BY_SLUG } from './authenticate.ts';
import type { Context } from './context.ts';
import type { ProcedureContract } from './contracts.ts';
import { DatabaseUnavailableError, DomainError, describeError, notFound, ServiceBusyError } from './errors.ts';
import { isDatabaseUnavailable } from './database-outage.ts';
import { hostileInput, slug } from './schemas.ts';
import { activeSupportSession } from './support-lookup.ts';

// Every procedure's contract is its meta (contracts.ts, docs/decisions/040).
const t = initTRPC
  .context<Context>()
  .meta<ProcedureContract>()
  .create({
    errorFormatter({ shape, error }) {
      // Only keys and codes leave the API: no stack traces, no SQL.
      const { messageKey, fieldErrors, params, retryAfterSeconds } = describeError(error);
      return {
        message: messageKey,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          messageKey,
          fieldErrors,
          params,
          retryAfterSeconds,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A saturated pool is brief: the client should come back this soon. */
const BUSY_RETRY_AFTER_SECONDS = 1;
/** A database restart or failover takes seconds, not one. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const logged = t.middleware(async ({ ctx, path, next }) => {
  ctx.log.procedure = path;
  const result = await next();
  // Waiting too long for a database connection (wherever in the procedure)
  // is overload, not a bug: 503 + Retry-After instead of a 500.
  if (!result.ok && isPoolAcquireTimeout(result.error)) throw new ServiceBusyError(BUSY_RETRY_AFTER_SECONDS);
  // The database is down or restarting: a retry later will do; nothing is broken in the request.
  if (!result.ok && !(result.error instanceof DomainError) && isDatabaseUnavailable(result.error))
    throw new DatabaseUnavailableError(DATABASE_RETRY_AFTER_SECONDS, result.error);
  return result;
});

/**
 * Before any schema or middleware reads the input: prototype keys, NUL
 * bytes, lone surrogates and control characters anywhere in it are refused
 * by field (schemas.ts, docs/decisions/025) — also where a schema would
 * have ignored them, and before the town is looked up by a raw slug.
 */
const hygienic = t.middleware(async ({ next, getRawInput }) => {
  let raw: unknown;
  try {
    raw = await getRawInput();
  } catch {
    // An unreadable body is tRPC's own PARSE_ERROR (400), raised by the procedure's parser.
    return next();
  }
  const fieldErrors = hostileInput(raw);
  if (fieldErrors) throw new DomainError('BAD_REQUEST', 'errors.invalidInput', fieldErrors);
  return next();
});

/**
 * The tiers below are exported as `contracted(tier)`: the only step they offer
 * is `.meta(contract)`, so a procedure without its contract does not compile.
 */
const contracted = <B extends { meta(contract: ProcedureContract): B }>(tier: B): Pick<B, 'meta'> => tier;

/** Tier 1: anyone. */
const anyone = t.procedure.use(logged).use(hygienic);
export const publicProcedure = contracted(anyone);

/**
 * Tier 1 that also knows the caller's session when there is one (no or a
 * stale token: null). For public steps whose outcome depends on who calls,
 * e.g. accepting an invitation into an account that already exists.
 */
const optionallySignedIn = anyone.use(async ({ ctx, next }) => {
  const signed = ctx.sessionToken ? await authenticate(ctx.db, ctx.sessionToken) : null;
  if (signed) ctx.log.userId = signed.session.userId;
  return next({ ctx: { signedInUserId: signed?.session.userId ?? null } });
});
export const optionallySignedInProcedure = contracted(optionallySignedIn);

async function signedIn(ctx: Context, townSlug?: string) {
  const signed = ctx.sessionToken ? await authenticate(ctx.db, ctx.sessionToken, townSlug) : null;
  if (!signed) throw new DomainError('UNAUTHORIZED', 'errors.unauthorized');
  ctx.log.userId = signed.session.userId;
  return signed;
}

/**
 * Tier 2: a signed-in user. Everything after runs in the user's database
 * scope (no town yet), with the user's abilities across towns.
 */
const authed = anyone.use(async ({ ctx, next }) => {
  const { session, actor } = await signedIn(ctx);
  return runInScope({ tenantId: null, userId: session.userId }, () =>
    next({ ctx: { session, actor, ability: defineAbilityFor(actor) } }),
  );
});
export const authedProcedure = contracted(authed);

/** Every tenant procedure names its town by slug; extra keys are rejected. */
export const tenantInput = z.object({ tenant: slug });

/**
 * Tier 2 for town procedures: the same, and the town named by the (raw,
 * still unchecked) input is read in the same round trip (authenticate.ts).
 * Tier 3 uses that row only for exactly the slug its checked input names.
 */
const townUserProcedure = anyone.use(async ({ ctx, next, getRawInput }) => {
  const { session, actor, town } = await signedIn(ctx, tenantInput.safeParse(await getRawInput()).data?.tenant);
  return runInScope({ tenantId: null, userId: session.userId }, () =>
    next({ ctx: { session, actor, ability: defineAbilityFor(actor), prefetchedTown: town } }),
  );
});

/**
 * Tier 3: work inside one town. Resolves the (untrusted) town slug, checks
 * the user may see it — a town they may not see is "not found", exactly like
 * one that does not exist — and runs the procedure in that town's scope, so
 * the database wall applies to every query it makes.
 */
const inTown = townUserProcedure.input(tenantInput).use(async ({ ctx, input, next, type, meta }) => {
  const tenant: Tenant | null | undefined =
    ctx.prefetchedTown?.slug === input.tenant
      ? ctx.prefetchedTown.row
      : (await ctx.db.$prepared<Tenant>(TENANT_BY_SLUG, [input.tenant]))[0];
  if (!tenant) throw notFound();
  const baseAbility: AppAbility = defineAbilityInTenant(ctx.actor, tenant);
  if (baseAbility.cannot('read', subject('Tenant', tenant))) throw notFound();
  ctx.log.tenantId = tenant.id;
  const scope = { tenantId: tenant.id, userId: ctx.session.userId };
  return runInScope(scope, async () => {
    // Support sessions (ADR 011): only the provider's and partners' staff can
    // have one, so town users pay no extra query.
    const supportSession =
      supportChannel(ctx.actor, tenant) !== undefined
        ? await activeSupportSession(ctx.db, tenant.id, ctx.session.userId)
        : null;
    const ability = supportSession ? defineAbilityInTenant(ctx.actor, tenant, { supportSession: true }) : baseAbility;
    // Dunning: a town whose payment is overdue past the grace period may read
    // and export its data but change nothing — except its billing, so it can
    // pay, and support sessions, so someone can help it (`whileReadOnly` in
    // the procedure's contract).
    if (type === 'mutation' && !meta?.whileReadOnly) {
      // PRECONDITION_FAILED, not FORBIDDEN: the user may do this, the town's account must be settled first.
      if (ctx.billing.readOnlyReason(tenant))
        throw new DomainError('PRECONDITION_FAILED', 'errors.billing.readOnly.paymentOverdue');
    }
    if (!supportSession) return next({ ctx: { tenant, ability, supportSession } });
    // Every audit entry written from here on names the session (the column's database default reads it).
    return runInScope({ ...scope, supportSessionId: supportSession.id }, () =>
      next({ ctx: { tenant, ability, supportSession } }),
    );
  });
});

export const tenantProcedure = contracted(inTown);

/** Tier 4: the provider's staff. Cross-town work goes through ctx.platform (audited). */
const platform = authed.use(({ ctx, next }) => {
  if (!ctx.actor.platformRole) throw new DomainError('FORBIDDEN', 'errors.forbidden');
  return next();
});
export const platformProcedure = contracted(platform);
