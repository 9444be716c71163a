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
  // Runs on every signed-in request: one statement, where Prisma's two
  // findMany (one with an include) cost three queries in two round trips.
  // Same tables, same row-level security (the user's own memberships and
  // hub assignments only).
  const [row] = await db.$queryRaw<Array<{ partners: Array<{ partnerId: string; role: keyof typeof PARTNER_ROLE }>; tenants: Array<{ tenantId: string; role: keyof typeof TENANT_ROLE; hubIds: string[] }> }>>`
    SELECT
      (SELECT coalesce(json_agg(json_build_object('partnerId', pm."partnerId", 'role', pm.role)), '[]'::json)
         FROM "PartnerMembership" pm WHERE pm."userId" = ${user.userId}::uuid) AS partners,
      (SELECT coalesce(json_agg(json_build_object('tenantId', m."tenantId", 'role', m.role, 'hubIds',
                (SELECT coalesce(json_agg(a."hubId"), '[]'::json) FROM "HubAssignment" a
                  WHERE a."tenantId" = m."tenantId" AND a."membershipId" = m.id))), '[]'::json)
         FROM "TenantMembership" m WHERE m."userId" = ${user.userId}::uuid) AS tenants`;
  return {
    userId: user.userId,
    platformRole: user.platformRole ? PLATFORM_ROLE[user.platformRole] : null,
    partnerRoles: (row?.partners ?? []).map((m) => ({ partnerId: m.partnerId, role: PARTNER_ROLE[m.role] })),
    tenantRoles: (row?.tenants ?? []).map((m) => ({ tenantId: m.tenantId, role: TENANT_ROLE[m.role], hubIds: m.hubIds })),
  };
}
