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
 * Hub staff (assigned to Einbeck's hub) and partner staff (of Einbeck's
 * managing partner) are rows of their own. Unless a row says otherwise, hub
 * staff is decided like a member and partner staff like a partner admin
 * (in a town the partner manages, both partner roles act as its admin);
 * a row where they differ names them in its second argument.
 *
 * GRANT_MATRIX below is the second half: who may grant which role (the role
 * ceilings of abilities.ts `mayGrant`), called for real by the same test.
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

type Listed = Exclude<MatrixRole, 'hub-staff' | 'partner-staff'>;
/** Roles decided like another unless named in `differs` (then the opposite). */
const LIKE: Record<'hub-staff' | 'partner-staff', Listed> = { 'hub-staff': 'member', 'partner-staff': 'partner-admin' };

const row = (
  allowed: readonly MatrixRole[],
  differs: ReadonlyArray<'hub-staff' | 'partner-staff'> = [],
): Record<MatrixRole, Decision> =>
  Object.fromEntries(
    MATRIX_ROLES.map((role) => {
      if (role === 'hub-staff' || role === 'partner-staff') {
        const like = allowed.includes(LIKE[role]);
        return [role, like !== differs.includes(role) ? 'allow' : 'deny'];
      }
      return [role, allowed.includes(role) ? 'allow' : 'deny'];
    }),
  ) as Record<MatrixRole, Decision>;

const everyone = MATRIX_ROLES;
const signedIn = MATRIX_ROLES.filter((r) => r !== 'anonymous');
const provider = ['platform-admin'] as const;
const townReaders = [
  'platform-admin',
  'platform-support',
  'partner-admin',
  'town-admin',
  'hub-manager',
  'member',
] as const;
const hubWriters = ['platform-admin', 'partner-admin', 'town-admin'] as const;
const auditReaders = ['platform-admin', 'platform-support', 'partner-admin', 'town-admin'] as const;
/** Configure a hub's spaces, desks and opening hours: town admins (and partners acting as one) every hub, hub managers their own. */
const hubConfigurers = [...hubWriters, 'hub-manager'] as const;
/** Book for oneself (and cancel one's own booking): everyone in the town; support only reads. */
const bookers = ['platform-admin', 'partner-admin', 'town-admin', 'hub-manager', 'member'] as const;
/** A town's billing: read by the provider, the managing partner and the town admin; changed only by the provider's admins and the town admin. */
const billingReaders = auditReaders;
const billingManagers = ['platform-admin', 'town-admin'] as const;
/** DSGVO data export of a town: its admins (the controller) and the provider's admins (the processor); each downloads only their own. */
const exporters = ['platform-admin', 'town-admin'] as const;
/** Organisations, their members and plans: read by staff who book for them, changed by town admins (and partners acting as one). */
const organisationReaders = [
  'platform-admin',
  'platform-support',
  'partner-admin',
  'town-admin',
  'hub-manager',
] as const;
/** Who may act on behalf of a town in a support session: the provider's staff, and partners for their towns. */
const supporters = ['platform-admin', 'platform-support', 'partner-admin'] as const;
/** Run a hub's events (docs/decisions/038): whoever books the hub's rooms for others — town admins (and partners acting as one), the hub's managers and staff, the provider's admins. */
const organisers = ['platform-admin', 'partner-admin', 'town-admin', 'hub-manager'] as const;
/** Write the format catalogue: the provider's admins, and a partner's admins for their partner's formats. */
const catalogueWriters = ['platform-admin', 'partner-admin'] as const;

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
  // The municipality register and bulk onboarding (ADR 034): the provider's admins, who onboard towns.
  'register.status': row(provider),
  'register.search': row(provider),
  'register.import': row(provider),
  'bulkOnboarding.start': row(provider),
  'bulkOnboarding.get': row(provider),
  'partners.list': row(signedIn),
  'partners.get': row(['platform-admin', 'platform-support', 'partner-admin']),
  'partners.register': row(provider),
  'hubs.list': row(townReaders),
  'hubs.create': row(hubWriters),
  'hubs.rename': row([...hubWriters, 'hub-manager']),
  'hubs.profile': row(townReaders),
  // Field rules: town admins (and partners acting as one) and the hub's own managers; hub staff and members none.
  'hubs.updateProfile': row([...hubWriters, 'hub-manager']),
  /** Archiving or deleting a whole hub is the town's decision, not its managers' (docs/decisions/035). */
  'hubs.setArchived': row(hubWriters),
  'hubs.delete': row(hubWriters),
  // Everyone in the town sees who works in a hub (emails only for those who manage its staff).
  'hubStaff.list': row(townReaders),
  'hubStaff.assign': row([...hubWriters, 'hub-manager']),
  'hubStaff.remove': row([...hubWriters, 'hub-manager']),
  'hubCalendar.week': row(townReaders),
  'invitations.preview': row(everyone),
  'invitations.accept': row(everyone),
  'audit.list': row(auditReaders),
  'spaces.list': row(townReaders),
  'spaces.get': row(townReaders),
  'spaces.create': row(hubConfigurers),
  'spaces.updateRules': row(hubConfigurers),
  'spaces.addDesk': row(hubConfigurers),
  'spaces.update': row(hubConfigurers),
  'spaces.setArchived': row(hubConfigurers),
  'spaces.delete': row(hubConfigurers),
  'spaces.updateDesk': row(hubConfigurers),
  'spaces.setDeskArchived': row(hubConfigurers),
  'spaces.deleteDesk': row(hubConfigurers),
  'spaces.openingHours': row(townReaders),
  'spaces.setOpeningHours': row(hubConfigurers),
  'spaces.addClosedDay': row(hubConfigurers),
  'spaces.removeClosedDay': row(hubConfigurers),
  'spaces.importHolidays': row(hubConfigurers),
  'spaces.setSpecialHours': row(hubConfigurers),
  // Photos of spaces (ADR 019): read with the space, managed by whoever configures it.
  'spacePhotos.list': row(townReaders),
  'spacePhotos.image': row(townReaders),
  'spacePhotos.add': row(hubConfigurers),
  'spacePhotos.updateAltText': row(hubConfigurers),
  'spacePhotos.move': row(hubConfigurers),
  'spacePhotos.remove': row(hubConfigurers),
  // The public hub page: anyone, signed in or not (a hub that is not public shows none: a business answer).
  'spacePhotos.publicGallery': row(everyone),
  'spacePhotos.publicImage': row(everyone),
  'bookings.create': row(bookers),
  // The cell's booking is the member's own: the member may cancel it, support may only read it.
  'bookings.cancel': row(bookers),
  // Changing (docs/decisions/017): like cancelling — the cell's booking is the member's own; staff of its hub change it too; support only reads.
  'bookings.update': row(bookers),
  'bookings.decide': row(hubConfigurers),
  // The approval inbox (docs/decisions/037): everyone in the town may ask (the list is empty unless they decide
  // somewhere); deciding like bookings.decide; the mail preference is one's own membership's (the provider's
  // staff and partners have none in the town).
  'approvals.pending': row(townReaders),
  'approvals.decide': row(hubConfigurers),
  'approvals.setDigest': row(['town-admin', 'hub-manager']),
  'bookings.get': row(townReaders),
  'bookings.mine': row(townReaders),
  'bookings.week': row(townReaders),
  'bookings.availability': row(townReaders),
  // Recurring bookings (docs/decisions/013): booking for oneself, like bookings.create; the cell's series is the member's own.
  'bookingSeries.preview': row(bookers),
  'bookingSeries.create': row(bookers),
  'bookingSeries.get': row(townReaders),
  'bookingSeries.cancel': row(bookers),
  // Editing from a date on (docs/decisions/020): whoever may change the series, like cancel; support only reads.
  'bookingSeries.previewEdit': row(bookers),
  'bookingSeries.edit': row(bookers),
  // The hub's programme (docs/decisions/038). Organising includes hub staff (the second argument); registering is
  // booking for oneself (support only reads). The cells' event is published with a public registration per role
  // to remove; cancel and publish use a planted draft per call.
  'events.list': row(townReaders),
  'events.get': row(townReaders),
  'events.create': row(organisers, ['hub-staff']),
  'events.update': row(organisers, ['hub-staff']),
  'events.addSession': row(organisers, ['hub-staff']),
  'events.publish': row(organisers, ['hub-staff']),
  'events.cancel': row(organisers, ['hub-staff']),
  'events.register': row(bookers),
  'events.cancelRegistration': row(bookers),
  'events.acceptOffer': row(bookers),
  'events.registrations': row(organisers, ['hub-staff']),
  'events.removeRegistration': row(organisers, ['hub-staff']),
  'events.setCapacity': row(organisers, ['hub-staff']),
  'events.checkIn': row(organisers, ['hub-staff']),
  'events.undoCheckIn': row(organisers, ['hub-staff']),
  // The cross-town catalogue: read by everyone signed in; a partner's formats written by its admins (not its staff).
  'eventFormats.list': row(signedIn),
  'eventFormats.create': row(catalogueWriters, ['partner-staff']),
  'eventFormats.update': row(catalogueWriters, ['partner-staff']),
  'eventFormats.adopt': row(organisers, ['hub-staff']),
  // Check-in: the cell's booking is the member's own; staff of its hub check anyone in; support only reads.
  'checkIn.state': row(townReaders),
  'checkIn.arrive': row(bookers),
  // Hub staff record the no-shows of their hub like its managers.
  'checkIn.recordNoShows': row(hubConfigurers, ['hub-staff']),
  // Feeds: one's own list; the cell makes a feed of one's own bookings (whoever may book); each role revokes its own feed.
  'calendarFeeds.list': row(townReaders),
  'calendarFeeds.create': row(bookers),
  'calendarFeeds.revoke': row(signedIn),
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
  // Resending mails a fresh link to the invited address only; like revoking.
  'staff.resendInvitation': row(hubWriters),
  // The town's people, their roles and removal: whoever may add people to the town. The cell's membership
  // is a planted member (each role its own), which the allowed roles may change and remove.
  'staff.members': row(hubWriters),
  'staff.changeRole': row(hubWriters),
  'staff.removeMember': row(hubWriters),
  'billing.overview': row(['platform-admin', 'platform-support', 'partner-admin']),
  // The second factor (ADR 012): anyone signed in may enrol their own account; a bad code is a business error, not a wall.
  'mfa.status': row(signedIn),
  'mfa.startEnrolment': row(signedIn),
  'mfa.confirmEnrolment': row(signedIn),
  'mfa.disable': row(signedIn),
  // Public: the challenge from auth.signIn is the credential; a made-up one is refused as invalid input.
  'mfa.completeSignIn': row(everyone),
  // One's own sessions; the provider's admins look up an account before ending all its sessions.
  'sessions.mine': row(signedIn),
  'sessions.end': row(signedIn),
  'sessions.endOthers': row(signedIn),
  'sessions.lookupUser': row(provider),
  'exports.start': row(exporters),
  'exports.list': row(exporters),
  // The cell's export is the caller's own (one per exporter, planted by the test).
  'exports.get': row(exporters),
  'exports.download': row(exporters),
  // A town's sign-in provider: whoever may add people to the town (abilities.ts), like staff invitations.
  'sso.townConfig': row(hubWriters),
  'sso.saveTownConfig': row(hubWriters),
  // A partner's provider: its partner admins and the provider's admins; support reads.
  'sso.partnerConfig': row(['platform-admin', 'platform-support', 'partner-admin'], ['partner-staff']),
  'sso.savePartnerConfig': row(['platform-admin', 'partner-admin'], ['partner-staff']),
  // Public sign-in steps: the answer depends on the email and the callback, not on who calls.
  'sso.start': row(everyone),
  'sso.finish': row(everyone),
  // The hub's public page: anyone, signed in or not (a taken slot or a bad link is a business answer).
  'publicBookings.hub': row(everyone),
  'publicBookings.request': row(everyone),
  'publicBookings.confirm': row(everyone),
  // Free slots of a public hub's public spaces: no login, nothing about bookings but busy/free.
  'publicBookings.availability': row(everyone),
  // Hub staff book for members and organisations too, so they read them.
  'organisations.list': row(organisationReaders, ['hub-staff']),
  'organisations.get': row(organisationReaders, ['hub-staff']),
  'organisations.members': row(organisationReaders, ['hub-staff']),
  // Choosing for whom staff book: the same readers as the town's members.
  'organisations.searchMembers': row(organisationReaders, ['hub-staff']),
  'organisations.create': row(hubWriters),
  'organisations.update': row(hubWriters),
  'organisations.setMember': row(hubWriters),
  // A partner's staff invitations: its admins (and the provider's admins); partner staff and everyone else are refused.
  'partners.invitations': row(['platform-admin', 'partner-admin'], ['partner-staff']),
  'partners.inviteStaff': row(['platform-admin', 'partner-admin'], ['partner-staff']),
  'partners.revokeInvitation': row(['platform-admin', 'partner-admin'], ['partner-staff']),
  // One's own data (docs/decisions/027): every signed-in person exports it and may delete the account
  // (a last admin or the provider's staff are refused by a business rule, CONFLICT, past the walls).
  'account.exportData': row(signedIn),
  'account.deletionCheck': row(signedIn),
  'account.delete': row(signedIn),
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

/**
 * Who may grant which role, in Einbeck (managed by the demo IT partner) and
 * the IT partner itself: nobody grants a role at or above their own, except
 * that a town admin grants hub manager; a further town admin comes from the
 * partner's admins or the provider, a further partner admin only from the
 * provider. Hub roles are granted in the hub (a hub manager: only hub staff,
 * only in their own hub). The test grants each cell for real through the
 * procedure that grants it (staff.invite, hubStaff.assign, staff.changeRole,
 * partners.inviteStaff).
 */
export const GRANTABLE_ROLES = ['town-admin', 'hub-manager', 'hub-staff', 'member', 'partner-staff'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];
const grants = (roles: readonly GrantableRole[]): Record<GrantableRole, Decision> =>
  Object.fromEntries(GRANTABLE_ROLES.map((r) => [r, roles.includes(r) ? 'allow' : 'deny'])) as Record<
    GrantableRole,
    Decision
  >;

export const GRANT_MATRIX: Record<Exclude<MatrixRole, 'anonymous'>, Record<GrantableRole, Decision>> = {
  'platform-admin': grants(['town-admin', 'hub-manager', 'hub-staff', 'member', 'partner-staff']),
  // Support reads everything and changes nothing.
  'platform-support': grants([]),
  'partner-admin': grants(['town-admin', 'hub-manager', 'hub-staff', 'member', 'partner-staff']),
  // Acts as the town's admin: up to hub manager, like one; adds nobody to the partner.
  'partner-staff': grants(['hub-manager', 'hub-staff', 'member']),
  'town-admin': grants(['hub-manager', 'hub-staff', 'member']),
  'hub-manager': grants(['hub-staff']),
  'hub-staff': grants([]),
  member: grants([]),
};
