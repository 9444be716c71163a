/**
 * How the schema is laid out on a Citus cluster (docs/scale-out.md,
 * docs/decisions/030): every table with a "tenantId" is distributed by it,
 * all co-located with "Hub" (a town's rows on one shard); every table without
 * one is a reference table (copied to every node). In dependency order: each
 * table comes after the tables its foreign keys point to, so the calls can
 * run in this order. The catalog test (tenancy-walls.integration.test.ts)
 * checks the list against the migrated schema, and docs/scale-out.md against
 * `citusDistributionSql()`.
 */
export type TablePlacement = { kind: 'global' } | { kind: 'tenant' };

const GLOBAL = { kind: 'global' } as const;
const TENANT = { kind: 'tenant' } as const;

export const DISTRIBUTION_PLAN: Readonly<Record<string, TablePlacement>> = {
  // Reference tables: accounts, partners, the towns' directory rows, and what belongs to no town.
  User: GLOBAL,
  Partner: GLOBAL,
  Tenant: GLOBAL,
  Session: GLOBAL,
  RecoveryCode: GLOBAL,
  SignInChallenge: GLOBAL,
  PasswordResetToken: GLOBAL,
  PasswordResetRequest: GLOBAL,
  PartnerMembership: GLOBAL,
  PartnerSsoConfig: GLOBAL,
  SsoLoginState: GLOBAL,
  IdempotencyKey: GLOBAL,
  RateLimit: GLOBAL,
  StripeEvent: GLOBAL,
  OutboxEmail: GLOBAL,
  PlatformAuditEvent: GLOBAL,
  Municipality: GLOBAL,
  MunicipalityRegisterImport: GLOBAL,
  BulkOnboarding: GLOBAL,
  BulkOnboardingRow: GLOBAL,
  EventFormat: GLOBAL,
  // Distributed by "tenantId", co-located with the first.
  Hub: TENANT,
  TenantMembership: TENANT,
  HubAssignment: TENANT,
  Space: TENANT,
  Desk: TENANT,
  OpeningHours: TENANT,
  OpeningException: TENANT,
  Organisation: TENANT,
  MemberProfile: TENANT,
  BookingSeries: TENANT,
  Booking: TENANT,
  PublicBookingRequest: TENANT,
  CalendarFeed: TENANT,
  SpacePhoto: TENANT,
  SupportSession: TENANT,
  AuditEvent: TENANT,
  TenantBilling: TENANT,
  InvoicePayment: TENANT,
  TenantExport: TENANT,
  TenantSsoConfig: TENANT,
  Invitation: TENANT,
  TenantIdempotencyKey: TENANT,
  Event: TENANT,
  EventSession: TENANT,
  EventRegistration: TENANT,
};

/** The calls that lay the schema out on a Citus coordinator, in order (after the migrations). */
export function citusDistributionSql(): string[] {
  const tables = Object.entries(DISTRIBUTION_PLAN);
  const [colocationTable] = tables.find(([, p]) => p.kind === 'tenant')!;
  return tables.map(([table, placement]) =>
    placement.kind === 'global'
      ? `SELECT create_reference_table('"${table}"');`
      : table === colocationTable
        ? `SELECT create_distributed_table('"${table}"', 'tenantId');`
        : `SELECT create_distributed_table('"${table}"', 'tenantId', colocate_with => '"${colocationTable}"');`,
  );
}
