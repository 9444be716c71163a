import type { Actor } from '@hubwerk/auth';
import type { AppClient } from '@hubwerk/db';
import type { PartnerRoleName, PlatformRoleName, TenantRoleName } from '@hubwerk/domain';

export const PLATFORM_ROLE = {
  PLATFORM_ADMIN: 'platform-admin',
  PLATFORM_SUPPORT: 'platform-support',
} as const satisfies Record<string, PlatformRoleName>;
export const PARTNER_ROLE = {
  PARTNER_ADMIN: 'partner-admin',
  PARTNER_STAFF: 'partner-staff',
} as const satisfies Record<string, PartnerRoleName>;
export const TENANT_ROLE = {
  TOWN_ADMIN: 'town-admin',
  HUB_MANAGER: 'hub-manager',
  HUB_STAFF: 'hub-staff',
  MEMBER: 'member',
} as const satisfies Record<string, TenantRoleName>;

export type ActorRow = {
  partners: Array<{ partnerId: string; role: keyof typeof PARTNER_ROLE }>;
  tenants: Array<{
    tenantId: string;
    role: keyof typeof TENANT_ROLE;
    hubIds: string[];
    hubRoles: Array<{ hubId: string; role: keyof typeof TENANT_ROLE }>;
  }>;
};

/**
 * The actor's columns (`partners`, `tenants`) for the user `user` (an SQL
 * expression). Read on every signed-in request in one statement, where
 * Prisma's two findMany (one with an include) cost three queries in two
 * round trips; same tables, same row-level security (the user's own
 * memberships and hub assignments only). Prepared: planned once per
 * connection — its planning cost PostgreSQL more than running it.
 */
export const actorColumns = (user: string) => `
      (SELECT coalesce(json_agg(json_build_object('partnerId', pm."partnerId", 'role', pm.role)), '[]'::json)
         FROM "PartnerMembership" pm WHERE pm."userId" = ${user}) AS partners,
      (SELECT coalesce(json_agg(json_build_object('tenantId', m."tenantId", 'role', m.role, 'hubIds',
                (SELECT coalesce(json_agg(a."hubId"), '[]'::json) FROM "HubAssignment" a
                  WHERE a."tenantId" = m."tenantId" AND a."membershipId" = m.id AND (a.role IS NULL OR a.role = m.role)),
              'hubRoles',
                (SELECT coalesce(json_agg(json_build_object('hubId', a."hubId", 'role', a.role)), '[]'::json) FROM "HubAssignment" a
                  WHERE a."tenantId" = m."tenantId" AND a."membershipId" = m.id AND a.role IS NOT NULL AND a.role <> m.role))), '[]'::json)
         FROM "TenantMembership" m WHERE m."userId" = ${user}) AS tenants`;
const ACTOR_OF_USER_SQL = `SELECT ${actorColumns('$1::uuid')}`;

/**
 * Everything the permission wall needs to know about a signed-in user. Must
 * run in the user's scope: town memberships are visible to their own user
 * only (row-level security).
 */
export async function loadActor(
  db: AppClient,
  user: { userId: string; platformRole: keyof typeof PLATFORM_ROLE | null },
): Promise<Actor> {
  const [row] = await db.$prepared<ActorRow>(ACTOR_OF_USER_SQL, [user.userId]);
  return actorOf(user, row);
}

/** The actor from ACTOR_OF_…_SQL's row. */
export function actorOf(
  user: { userId: string; platformRole: keyof typeof PLATFORM_ROLE | null },
  row: ActorRow | undefined,
): Actor {
  return {
    userId: user.userId,
    platformRole: user.platformRole ? PLATFORM_ROLE[user.platformRole] : null,
    partnerRoles: (row?.partners ?? []).map((m) => ({ partnerId: m.partnerId, role: PARTNER_ROLE[m.role] })),
    tenantRoles: (row?.tenants ?? []).flatMap((m) => [
      { tenantId: m.tenantId, role: TENANT_ROLE[m.role], hubIds: m.hubIds },
      ...hubRoleEntries(m.tenantId, m.hubRoles),
    ]),
  };
}

/**
 * Roles held per hub (ADR 014): a member who manages hub A and staffs hub B
 * acts as hub manager in A and as hub staff in B — one entry per role, each
 * with its hubs, so the ability rules stay "role × hubIds".
 */
function hubRoleEntries(tenantId: string, hubRoles: ReadonlyArray<{ hubId: string; role: keyof typeof TENANT_ROLE }>) {
  const byRole = new Map<keyof typeof TENANT_ROLE, string[]>();
  for (const { hubId, role } of hubRoles) byRole.set(role, [...(byRole.get(role) ?? []), hubId]);
  return [...byRole].map(([role, hubIds]) => ({ tenantId, role: TENANT_ROLE[role], hubIds }));
}
