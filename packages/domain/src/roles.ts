/** Role names as the API returns them (lower-case, stable, used as i18n keys). */
export const PLATFORM_ROLES = ['platform-admin', 'platform-support'] as const;
export const PARTNER_ROLES = ['partner-admin', 'partner-staff'] as const;
export const TENANT_ROLES = ['town-admin', 'hub-manager', 'hub-staff', 'member'] as const;
export const TENANT_STATUSES = ['onboarding', 'active', 'suspended', 'offboarded'] as const;
export const PARTNER_KINDS = ['it-partner', 'regional-provider'] as const;

export type PlatformRoleName = (typeof PLATFORM_ROLES)[number];
export type PartnerRoleName = (typeof PARTNER_ROLES)[number];
export type TenantRoleName = (typeof TENANT_ROLES)[number];
export type TenantStatusName = (typeof TENANT_STATUSES)[number];
export type PartnerKindName = (typeof PARTNER_KINDS)[number];
