/**
 * Who may call what: every procedure × every role, in the role's own scope
 * (town roles in their own town, partner staff in a town assigned to their
 * partner, the provider's staff anywhere). Machine-readable; the test
 * `authorization-matrix.integration.test.ts` calls every cell for real and
 * fails when a procedure is missing here or a role's outcome differs.
 *
 * allow — the permission wall lets the call through (it may still fail on
 *         business rules: a taken name, an invalid invitation token);
 * deny  — UNAUTHORIZED, FORBIDDEN or the not-found of the walls.
 *
 * Hub staff has no procedure of its own yet (bookings and check-ins come
 * later); it is denied like a member wherever a member is.
 */
export const MATRIX_ROLES = ['anonymous', 'platform-admin', 'platform-support', 'partner-admin', 'town-admin', 'hub-manager', 'member'] as const;
export type MatrixRole = (typeof MATRIX_ROLES)[number];
export type Decision = 'allow' | 'deny';

const row = (allowed: readonly MatrixRole[]): Record<MatrixRole, Decision> =>
  Object.fromEntries(MATRIX_ROLES.map((role) => [role, allowed.includes(role) ? 'allow' : 'deny'])) as Record<MatrixRole, Decision>;

const everyone = MATRIX_ROLES;
const signedIn = MATRIX_ROLES.filter((r) => r !== 'anonymous');
const provider = ['platform-admin'] as const;
const townReaders = ['platform-admin', 'platform-support', 'partner-admin', 'town-admin', 'hub-manager', 'member'] as const;
const hubWriters = ['platform-admin', 'partner-admin', 'town-admin'] as const;
const auditReaders = ['platform-admin', 'platform-support', 'partner-admin', 'town-admin'] as const;

export const AUTHORIZATION_MATRIX = {
  'auth.signIn': row(everyone),
  'auth.signOut': row(signedIn),
  'auth.me': row(signedIn),
  'auth.changePassword': row(signedIn),
  'auth.revokeUserSessions': row(provider),
  'tenants.list': row(signedIn),
  'tenants.get': row(townReaders),
  'tenants.onboard': row(provider),
  'tenants.assignPartner': row(provider),
  'partners.list': row(signedIn),
  'partners.get': row(['platform-admin', 'platform-support', 'partner-admin']),
  'partners.register': row(provider),
  'hubs.list': row(townReaders),
  'hubs.create': row(hubWriters),
  'hubs.rename': row([...hubWriters, 'hub-manager']),
  'invitations.preview': row(everyone),
  'invitations.accept': row(everyone),
  'audit.list': row(auditReaders),
} as const satisfies Record<string, Record<MatrixRole, Decision>>;
