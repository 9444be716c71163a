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
 * Hub staff is not a seeded role: its rules (bookings of its hubs) are
 * covered by bookings.integration.test.ts.
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
/** Configure a hub's spaces, desks and opening hours: town admins (and partners acting as one) every hub, hub managers their own. */
const hubConfigurers = [...hubWriters, 'hub-manager'] as const;
/** Book for oneself (and cancel one's own booking): everyone in the town; support only reads. */
const bookers = ['platform-admin', 'partner-admin', 'town-admin', 'hub-manager', 'member'] as const;
/** A town's billing: read by the provider, the managing partner and the town admin; changed only by the provider's admins and the town admin. */
const billingReaders = auditReaders;
const billingManagers = ['platform-admin', 'town-admin'] as const;
/** Who may act on behalf of a town in a support session: the provider's staff, and partners for their towns. */
const supporters = ['platform-admin', 'platform-support', 'partner-admin'] as const;

export const AUTHORIZATION_MATRIX = {
  'auth.signIn': row(everyone),
  'auth.signOut': row(signedIn),
  'auth.me': row(signedIn),
  'auth.changePassword': row(signedIn),
  'auth.revokeUserSessions': row(provider),
  // Public: the same answer for every address (and for signed-in callers); a bad token is a business error, not a wall.
  'auth.requestPasswordReset': row(everyone),
  'auth.resetPassword': row(everyone),
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
  'spaces.list': row(townReaders),
  'spaces.get': row(townReaders),
  'spaces.create': row(hubConfigurers),
  'spaces.updateRules': row(hubConfigurers),
  'spaces.addDesk': row(hubConfigurers),
  'spaces.openingHours': row(townReaders),
  'spaces.setOpeningHours': row(hubConfigurers),
  'spaces.addClosedDay': row(hubConfigurers),
  'spaces.removeClosedDay': row(hubConfigurers),
  'bookings.create': row(bookers),
  // The cell's booking is the member's own: the member may cancel it, support may only read it.
  'bookings.cancel': row(bookers),
  'bookings.decide': row(hubConfigurers),
  'bookings.get': row(townReaders),
  'bookings.mine': row(townReaders),
  'bookings.week': row(townReaders),
  'bookings.availability': row(townReaders),
  'occupancy.hub': row(['platform-admin', 'platform-support', 'partner-admin', 'town-admin', 'hub-manager']),
  'billing.plans': row(signedIn),
  'billing.status': row(townReaders),
  'billing.get': row(billingReaders),
  'billing.startCheckout': row(billingManagers),
  'billing.openPortal': row(billingManagers),
  'billing.updateContact': row(billingManagers),
  // Dev outbox (stored texts carry single-use links): the provider's admins only; support is refused.
  'mail.sent': row(provider),
  // Inviting staff = creating a membership in the town (abilities.ts): town admins, partners acting as one, the provider's admins.
  // Hub managers see (and revoke) the invitations into their own hubs; the cell's open invitation is town-wide, so revoking it stays denied to them.
  'staff.invitations': row([...hubWriters, 'hub-manager']),
  'staff.invite': row(hubWriters),
  'staff.revokeInvitation': row(hubWriters),
  'billing.overview': row(['platform-admin', 'platform-support', 'partner-admin']),
  // A partner's staff invitations: its admins (and the provider's admins); partner staff and everyone else are refused.
  'partners.invitations': row(['platform-admin', 'partner-admin']),
  'partners.inviteStaff': row(['platform-admin', 'partner-admin']),
  'partners.revokeInvitation': row(['platform-admin', 'partner-admin']),
  // The audit log across towns: the provider's staff (all towns) and partners (their towns); town roles are refused.
  'audit.listAcrossTowns': row(supporters),
  // One's own running support sessions (an empty list for those who cannot have any).
  'support.active': row(signedIn),
  // Support sessions (ADR 011). Last in the matrix, start before end: a running
  // session gives platform support the town admin's abilities, which would
  // change the outcome of cells that ran after it.
  'support.start': row(supporters),
  'support.end': row(supporters),
} as const satisfies Record<string, Record<MatrixRole, Decision>>;
