/**
 * A procedure's contract, declared in its own definition (docs/decisions/040):
 *
 *   list: tenantProcedure
 *     .meta({ access: allow(townReaders), isolation: foreignIds() })
 *     .input(…)
 *
 * The tiers in trpc.ts offer nothing but `.meta(contract)`, so a procedure
 * without a complete contract does not compile. The authorization matrix,
 * the isolation and property suites, the read-only check of the tenant tier
 * and the HTTP host's body limits all read it from the router
 * (`procedureContracts(appRouter)`); nothing keyed by a path string is kept
 * anywhere else.
 *
 * access — who may call it, in the role's own scope (town roles in their own
 *   town, partner staff in a town assigned to their partner, the provider's
 *   staff anywhere); the authorization-matrix test calls every cell for real:
 *   allow — the permission wall lets the call through (it may still fail on
 *           business rules: a taken name, an invalid invitation token);
 *   deny  — UNAUTHORIZED, FORBIDDEN or the not-found of the walls.
 *   Hub staff (assigned to Einbeck's hub) and partner staff (of Einbeck's
 *   managing partner) are roles of their own. Unless `allow` names them in its
 *   second argument, hub staff is decided like a member and partner staff like
 *   a partner admin (in a town the partner manages, both partner roles act as
 *   its admin); named there, they are decided the other way.
 * isolation — how the isolation suites attack it: `foreignIds()`, with another
 *   town's real ids (their input builders are keyed by the procedure's path),
 *   or `noIds(reason)` when it takes none.
 * whileReadOnly — a mutation a read-only (overdue) town may still run.
 * maxBodyBytes — an upload: the HTTP body may be this large (default 1 MiB).
 */
export const MATRIX_ROLES = [
  'anonymous',
  'platform-admin',
  'platform-support',
  'partner-admin',
  'partner-staff',
  'town-admin',
  'hub-manager',
  'hub-staff',
  'member',
] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];
export type Decision = 'allow' | 'deny';
export type Access = Readonly<Record<MatrixRole, Decision>>;

type Listed = Exclude<MatrixRole, 'hub-staff' | 'partner-staff'>;
/** Roles decided like another unless named in `differs` (then the opposite). */
const LIKE: Record<'hub-staff' | 'partner-staff', Listed> = { 'hub-staff': 'member', 'partner-staff': 'partner-admin' };

/** The matrix row of a procedure: the roles allowed, every other denied. */
export const allow = (
  allowed: readonly MatrixRole[],
  differs: ReadonlyArray<'hub-staff' | 'partner-staff'> = [],
): Access =>
  Object.fromEntries(
    MATRIX_ROLES.map((role) => {
      if (role === 'hub-staff' || role === 'partner-staff') {
        const like = allowed.includes(LIKE[role]);
        return [role, like !== differs.includes(role) ? 'allow' : 'deny'];
      }
      return [role, allowed.includes(role) ? 'allow' : 'deny'];
    }),
  ) as Access;

export const everyone = MATRIX_ROLES;
export const signedIn = MATRIX_ROLES.filter((r) => r !== 'anonymous');
export const provider = ['platform-admin'] as const;
export const townReaders = [
  'platform-admin',
  'platform-support',
  'partner-admin',
  'town-admin',
  'hub-manager',
  'member',
] as const;
export const hubWriters = ['platform-admin', 'partner-admin', 'town-admin'] as const;
export const auditReaders = ['platform-admin', 'platform-support', 'partner-admin', 'town-admin'] as const;
/** Configure a hub's spaces, desks and opening hours: town admins (and partners acting as one) every hub, hub managers their own. */
export const hubConfigurers = [...hubWriters, 'hub-manager'] as const;
/** Book for oneself (and cancel one's own booking): everyone in the town; support only reads. */
export const bookers = ['platform-admin', 'partner-admin', 'town-admin', 'hub-manager', 'member'] as const;
/** A town's billing: read by the provider, the managing partner and the town admin; changed only by the provider's admins and the town admin. */
export const billingReaders = auditReaders;
export const billingManagers = ['platform-admin', 'town-admin'] as const;
/** DSGVO data export of a town: its admins (the controller) and the provider's admins (the processor); each downloads only their own. */
export const exporters = ['platform-admin', 'town-admin'] as const;
/** Organisations, their members and plans: read by staff who book for them, changed by town admins (and partners acting as one). */
export const organisationReaders = [
  'platform-admin',
  'platform-support',
  'partner-admin',
  'town-admin',
  'hub-manager',
] as const;
/** Who may act on behalf of a town in a support session: the provider's staff, and partners for their towns. */
export const supporters = ['platform-admin', 'platform-support', 'partner-admin'] as const;
/**
 * Run a hub's events (docs/decisions/038): whoever books the hub's rooms for others — town admins (and partners
 * acting as one), the hub's managers and staff (name 'hub-staff' in `allow`'s second argument), the provider's admins.
 */
export const organisers = ['platform-admin', 'partner-admin', 'town-admin', 'hub-manager'] as const;
/** Write the format catalogue: the provider's admins, and a partner's admins for their partner's formats. */
export const catalogueWriters = ['platform-admin', 'partner-admin'] as const;

/** How the isolation suites attack a procedure. */
export type Isolation =
  /** With another town's real ids; anyTownForProvider: the provider's staff may do this in every town by design (why). */
  | { foreignIds: true; anyTownForProvider?: string }
  /** Not at all: it addresses no town's rows by id (why). */
  | { noIds: string };

export const foreignIds = (options: { anyTownForProvider?: string } = {}): Isolation => ({
  foreignIds: true,
  ...options,
});
export const noIds = (reason: string): Isolation => ({ noIds: reason });

/**
 * The body limit of uploads: an 8 MB photo is ~11.2 MB as base64 (docs/decisions/019); the municipality
 * register of the whole country is ~1 MB of CSV, a file of towns for bulk onboarding less (ADR 034).
 */
export const UPLOAD_MAX_BODY_BYTES = 12 * 1024 * 1024;

/** The meta of every procedure (initTRPC.meta<ProcedureContract>() in trpc.ts). */
export interface ProcedureContract {
  access: Access;
  isolation: Isolation;
  /** Dunning: a mutation a read-only town may still run (paying, its data export, support sessions). */
  whileReadOnly?: true;
  /** An upload: the HTTP host accepts a body this large for it (others: 1 MiB). */
  maxBodyBytes?: number;
}

export interface ProcedureEntry {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  contract: ProcedureContract;
}

/**
 * Every procedure of a router with its contract, in the router's order. Reads
 * tRPC's flattened procedure record (`router._def.procedures`, keyed by the
 * dotted path); throws when one has no complete contract (a cast past the
 * compiler), naming it.
 */
export function procedureContracts(router: { _def: { procedures: object } }): ProcedureEntry[] {
  const procedures = router._def.procedures as Record<
    string,
    { _def: { type: ProcedureEntry['type']; meta?: Partial<ProcedureContract> } }
  >;
  return Object.entries(procedures).map(([path, procedure]) => {
    const meta = procedure._def.meta;
    if (!meta?.access || !meta.isolation)
      throw new Error(`${path} declares no complete contract (.meta, contracts.ts)`);
    return { path, type: procedure._def.type, contract: meta as ProcedureContract };
  });
}
