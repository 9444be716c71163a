/**
 * Every action the audit log records, and what kind of entry it is:
 * - change: someone changed the town's data or an account (what people look for first);
 * - read: someone looked at something worth accounting for (an export, another town's log);
 * - system: the product's own work and sign-in traces (mail delivery, scans, single sign-on steps).
 *
 * The admin app shows "nur Änderungen" by default and needs a translation for
 * each key (a catalogue test checks both languages); a test fails when the
 * product writes an action that is not listed here.
 */
export const AUDIT_ACTIONS = {
  'account.deleted': 'change',
  'account.dataExported': 'read',
  'approval.digestSent': 'system',
  'approval.mailPreferenceChanged': 'change',
  'audit.readAcrossTowns': 'read',
  'billing.checkout.started': 'change',
  'billing.contact.updated': 'change',
  'billing.overview.read': 'read',
  'billing.portal.opened': 'read',
  'booking.approved': 'change',
  'booking.cancelled': 'change',
  'booking.changed': 'change',
  'booking.checkedIn': 'change',
  'booking.created': 'change',
  'booking.noShowsRecorded': 'change',
  'booking.noShowsScanned': 'system',
  'booking.publicConfirmed': 'change',
  'booking.publicRequested': 'change',
  'booking.rejected': 'change',
  'booking.remindersQueued': 'system',
  'bookingSeries.cancelled': 'change',
  'bookingSeries.created': 'change',
  'bookingSeries.edited': 'change',
  'calendarFeed.created': 'change',
  'calendarFeed.revoked': 'change',
  'demo.seeded': 'system',
  'desk.created': 'change',
  'export.downloaded': 'read',
  'export.started': 'read',
  'hub.closedDayAdded': 'change',
  'hub.closedDayRemoved': 'change',
  'hub.created': 'change',
  'hub.holidaysImported': 'change',
  'hub.openingHoursChanged': 'change',
  'hub.profileChanged': 'change',
  'hub.renamed': 'change',
  'hub.specialHoursSet': 'change',
  'hub.staffAssigned': 'change',
  'hub.staffChanged': 'change',
  'hub.staffRemoved': 'change',
  'invitation.accepted': 'change',
  'invitation.created': 'change',
  'invitation.resent': 'change',
  'invitation.revoked': 'change',
  'invitation.viewed': 'read',
  'mail.claimed': 'system',
  'mail.delivered': 'system',
  'mail.devOutboxViewed': 'read',
  'member.profileChanged': 'change',
  'membership.removed': 'change',
  'membership.roleChanged': 'change',
  'organisation.created': 'change',
  'organisation.updated': 'change',
  'partner.invitationRevoked': 'change',
  'partner.invitationsListed': 'read',
  'partner.registered': 'change',
  'partner.staffInvited': 'change',
  'passwordReset.requestsProcessed': 'system',
  'public.hubResolved': 'system',
  'space.created': 'change',
  'space.rulesChanged': 'change',
  'spacePhoto.added': 'change',
  'spacePhoto.altTextChanged': 'change',
  'spacePhoto.moved': 'change',
  'spacePhoto.removed': 'change',
  'sso.configCreated': 'change',
  'sso.configUpdated': 'change',
  'sso.partnerConfigCreated': 'change',
  'sso.partnerConfigUpdated': 'change',
  'sso.signedIn': 'system',
  'sso.signInRejected': 'system',
  'sso.signInStarted': 'system',
  'sso.stateRedeemed': 'system',
  'sso.userProvisioned': 'change',
  'support.ended': 'change',
  'support.started': 'change',
  'tenant.onboarded': 'change',
  'tenant.partnerAssigned': 'change',
  'tenant.partnerUnassigned': 'change',
  'tenants.listed': 'read',
  'user.otherSessionsEnded': 'change',
  'user.passwordChanged': 'change',
  'user.secondFactorDisabled': 'change',
  'user.secondFactorEnabled': 'change',
  'user.secondFactorEnrolmentStarted': 'change',
  'user.sessionEnded': 'change',
  'user.sessionsRevoked': 'change',
} as const satisfies Record<string, AuditKind>;

export type AuditKind = 'change' | 'read' | 'system';
export type AuditAction = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

/** The actions that change something: the audit log's default view. */
export const CHANGE_ACTIONS: readonly AuditAction[] = (Object.keys(AUDIT_ACTIONS) as AuditAction[]).filter(
  (action) => AUDIT_ACTIONS[action] === 'change',
);
