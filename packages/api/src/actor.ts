import type { Actor } from '@hubwerk/auth';
import type { AppClient } from '@hubwerk/db';
import type { PartnerRoleName, PlatformRoleName, TenantRoleName } from '@hubwerk/domain';

export const PLATFORM_ROLE = { PLATFORM_ADMIN: 'platform-admin', PLATFORM_SUPPORT: 'platform-support' } as const satisfies Record<string, PlatformRoleName>;
export const PARTNER_ROLE = { PARTNER_ADMIN: 'partner-admin', PARTNER_STAFF: 'partner-staff' } as const satisfies Record<string, PartnerRoleName>;
export const TENANT_ROLE = { TOWN_ADMIN: 'town-admin', HUB_MANAGER: 'hub-manager', HUB_STAFF: 'hub-staff', MEMBER: 'member' } as const satisfies Record<string, TenantRoleName>;

/**
 * Everything the permission wall needs to know about a signed-in user. Must
 * run in the user's scope: town memberships are visible to their own user
 * only (row-level security).
 */
export async function loadActor(db: AppClient, user: { userId: string; platformRole: keyof typeof PLATFORM_ROLE | null }): Promise<Actor> {
  const [partnerMemberships, tenantMemberships] = await Promise.all([
    db.partnerMembership.findMany({ where: { userId: user.userId }, select: { partnerId: true, role: true } }),
    db.tenantMembership.findMany({
      where: { userId: user.userId },
      select: { tenantId: true, role: true, hubAssignments: { select: { hubId: true } } },
    }),
  ]);
  return {
    userId: user.userId,
    platformRole: user.platformRole ? PLATFORM_ROLE[user.platformRole] : null,
    partnerRoles: partnerMemberships.map((m) => ({ partnerId: m.partnerId, role: PARTNER_ROLE[m.role] })),
    tenantRoles: tenantMemberships.map((m) => ({
      tenantId: m.tenantId,
      role: TENANT_ROLE[m.role],
      hubIds: m.hubAssignments.map((a) => a.hubId),
    })),
  };
}
