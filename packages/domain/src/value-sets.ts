/**
 * The fixed value sets of the database's text columns that carry a CHECK
 * (docs/decisions/030: Citus refuses the enum casts Prisma puts in RETURNING).
 * Prisma types these columns as `string`; `oneOf` narrows a value read from
 * one (and throws on anything else, which the CHECK rules out). A catalog
 * test compares every CHECK with these lists (`VALUE_SET_COLUMNS`).
 */
export const VALUE_SETS = {
  PlatformRole: ['PLATFORM_ADMIN', 'PLATFORM_SUPPORT'],
  PartnerKind: ['IT_PARTNER', 'REGIONAL_PROVIDER'],
  PartnerRole: ['PARTNER_ADMIN', 'PARTNER_STAFF'],
  TenantStatus: ['ONBOARDING', 'ACTIVE', 'SUSPENDED', 'OFFBOARDED'],
  TenantRole: ['TOWN_ADMIN', 'HUB_MANAGER', 'HUB_STAFF', 'MEMBER'],
  BillingPlan: ['BASIS', 'STANDARD', 'PLUS'],
  BillingInterval: ['MONTH', 'YEAR'],
  SubscriptionStatus: ['NONE', 'INCOMPLETE', 'TRIALING', 'ACTIVE', 'PAST_DUE', 'UNPAID', 'CANCELED'],
  InvoicePaymentStatus: ['FAILED', 'PAID', 'VOID'],
  SpaceKind: ['EVENT_ROOM', 'SHOWROOM', 'COWORKING', 'MEETING_ROOM'],
  BookingStatus: ['PENDING', 'CONFIRMED', 'CANCELLED'],
  CalendarFeedKind: ['SPACE', 'HUB', 'MEMBER'],
  OrganisationKind: ['COMPANY', 'STARTUP', 'ASSOCIATION', 'ADMINISTRATION'],
  OutboxStatus: ['PENDING', 'SENT', 'STORED', 'FAILED'],
  TenantExportStatus: ['QUEUED', 'RUNNING', 'READY', 'FAILED'],
  BulkOnboardingStatus: ['QUEUED', 'RUNNING', 'DONE', 'FAILED'],
  BulkOnboardingOutcome: ['PENDING', 'CREATED', 'EXISTS', 'REFUSED'],
} as const;

export type ValueSet = keyof typeof VALUE_SETS;
export type ValueOf<S extends ValueSet> = (typeof VALUE_SETS)[S][number];

/** Which column takes its values from which set ("Table.column"). */
export const VALUE_SET_COLUMNS: Readonly<Record<string, ValueSet>> = {
  'User.platformRole': 'PlatformRole',
  'Partner.kind': 'PartnerKind',
  'PartnerMembership.role': 'PartnerRole',
  'Tenant.status': 'TenantStatus',
  'TenantMembership.role': 'TenantRole',
  'HubAssignment.role': 'TenantRole',
  'Invitation.tenantRole': 'TenantRole',
  'Invitation.partnerRole': 'PartnerRole',
  'TenantBilling.plan': 'BillingPlan',
  'TenantBilling.interval': 'BillingInterval',
  'TenantBilling.status': 'SubscriptionStatus',
  'InvoicePayment.status': 'InvoicePaymentStatus',
  'Space.kind': 'SpaceKind',
  'Booking.status': 'BookingStatus',
  'CalendarFeed.kind': 'CalendarFeedKind',
  'Organisation.kind': 'OrganisationKind',
  'OutboxEmail.status': 'OutboxStatus',
  'TenantExport.status': 'TenantExportStatus',
  'TenantSsoConfig.defaultRole': 'TenantRole',
  'BulkOnboarding.status': 'BulkOnboardingStatus',
  'BulkOnboardingRow.outcome': 'BulkOnboardingOutcome',
};

/** `value` as a member of `set`; null stays null. */
export function oneOf<S extends ValueSet>(set: S, value: string): ValueOf<S>;
export function oneOf<S extends ValueSet>(set: S, value: string | null): ValueOf<S> | null;
export function oneOf<S extends ValueSet>(set: S, value: string | null): ValueOf<S> | null {
  if (value === null) return null;
  if (!(VALUE_SETS[set] as readonly string[]).includes(value)) throw new Error(`${value} is not a ${set}`);
  return value as ValueOf<S>;
}
