import { type Ability, AbilityBuilder } from '@casl/ability';
import { accessibleBy, createPrismaAbility, type PrismaQueryFactory, type Subjects } from '@casl/prisma/runtime';
import type {
  AuditEvent,
  Booking,
  Desk,
  Hub,
  HubAssignment,
  MemberProfile,
  OpeningException,
  OpeningHours,
  Organisation,
  Partner,
  Prisma,
  Space,
  Tenant,
  TenantMembership,
} from '@hubwerk/db';
import type { PartnerRoleName, PlatformRoleName, TenantRoleName } from '@hubwerk/domain';

/**
 * The permission wall: who may do what within the towns the database wall
 * already lets a request see. One function, `defineAbilityFor`, decides it
 * for every procedure; the admin app asks the API for the outcome rather than
 * re-deriving it.
 */

export const ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'onboard',
  'assignPartner',
  'register',
  'manage',
] as const;
export type Action = (typeof ACTIONS)[number];

type AppSubjects =
  | 'all'
  | Subjects<{
      Tenant: Tenant;
      Hub: Hub;
      Partner: Partner;
      TenantMembership: TenantMembership;
      // Inviting someone into a hub creates one when accepted.
      HubAssignment: HubAssignment;
      AuditEvent: AuditEvent;
      Space: Space;
      Desk: Desk;
      OpeningHours: OpeningHours;
      OpeningException: OpeningException;
      // Checked with its space loaded, so hub staff rules can name the hub.
      Booking: Booking & { space?: Pick<Space, 'hubId'> };
      Organisation: Organisation;
      MemberProfile: MemberProfile;
    }>;

export type TenantFacts = Pick<Tenant, 'id' | 'managingPartnerId'>;

// Conditions are Prisma where-inputs, so list queries can use accessibleBy().
type PrismaQuery = PrismaQueryFactory<Prisma.TypeMap>;
export type AppAbility = Ability<[Action, AppSubjects], PrismaQuery>;

export interface Actor {
  userId: string;
  platformRole: PlatformRoleName | null;
  partnerRoles: ReadonlyArray<{ partnerId: string; role: PartnerRoleName }>;
  tenantRoles: ReadonlyArray<{ tenantId: string; role: TenantRoleName; hubIds: readonly string[] }>;
}

/** Fields of a town only the provider may change. */
export const TENANT_PROVIDER_FIELDS = ['status', 'managingPartnerId', 'ags', 'bundesland'] as const;
/** A hub's profile: town admins and the hub's own managers change it, hub staff do not. */
export const HUB_PROFILE_FIELDS = [
  'name',
  'thematicFocus',
  'description',
  'street',
  'postalCode',
  'city',
  'contactEmail',
  'contactPhone',
  'accessibility',
  'accessibilityNotes',
  'isPublic',
] as const;

export function defineAbilityFor(actor: Actor): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createPrismaAbility);

  if (actor.platformRole === 'platform-admin') can('manage', 'all');
  if (actor.platformRole === 'platform-support') can('read', 'all');

  const partnerIds = actor.partnerRoles.map((p) => p.partnerId);
  if (partnerIds.length > 0) {
    can('read', 'Partner', { id: { in: partnerIds } });
    can('read', 'Tenant', { managingPartnerId: { in: partnerIds } });
    // Partners run hubs for their towns. Hub rows carry no partner, so the
    // tenant tier hands over the town's facts; see hubRulesForPartnerTowns.
  }

  for (const { tenantId, role, hubIds } of actor.tenantRoles) {
    can('read', 'Tenant', { id: tenantId });
    can('read', 'Hub', { tenantId });
    if (role === 'town-admin') {
      can('update', 'Tenant', ['name'], { id: tenantId });
      can(['create', 'update'], 'Hub', [...HUB_PROFILE_FIELDS], { tenantId });
      // Archiving or deleting a whole hub is the town's decision, not its managers' (docs/decisions/035).
      can('update', 'Hub', ['archivedAt'], { tenantId });
      can('delete', 'Hub', { tenantId });
      can('read', 'TenantMembership', { tenantId });
      // Inviting staff: an invitation becomes a membership when accepted.
      can('create', 'TenantMembership', { tenantId });
      can('create', 'HubAssignment', { tenantId });
      can('read', 'AuditEvent', { tenantId });
      // Organisations, members' affiliation and plans.
      can(['read', 'create', 'update'], ['Organisation', 'MemberProfile'], { tenantId });
    }
    if (role === 'hub-manager' || role === 'hub-staff') {
      // Staff book for members and organisations, so they see them (not change them).
      can('read', ['Organisation', 'MemberProfile'], { tenantId });
    }
    if (role === 'hub-manager') {
      can('update', 'Hub', [...HUB_PROFILE_FIELDS], { tenantId, id: { in: [...hubIds] } });
      // Hub managers invite hub staff into their own hubs (staff.service decides the role).
      can('create', 'HubAssignment', { tenantId, hubId: { in: [...hubIds] } });
    }
    defineSpaceAndBookingRules(can, actor.userId, tenantId, role, hubIds);
  }
  return build();
}

/** Subjects a hub's configuration consists of; all carry hubId. */
const HUB_CONFIG = ['Space', 'OpeningHours', 'OpeningException', 'HubAssignment'] as const;

/**
 * Spaces, desks, opening hours and bookings. Everyone in the town
 * reads the configuration; town admins configure every hub, hub managers
 * only the hubs they are assigned to. Desks have no hubId: the service
 * checks them through their space. Members see and cancel their own
 * bookings only; hub managers and staff those of their hubs.
 */
function defineSpaceAndBookingRules(
  can: AbilityBuilder<AppAbility>['can'],
  userId: string,
  tenantId: string,
  role: TenantRoleName,
  hubIds: readonly string[],
) {
  can('read', [...HUB_CONFIG, 'Desk'], { tenantId });
  can('create', 'Booking', { tenantId, userId });
  can(['read', 'update'], 'Booking', { tenantId, userId });
  if (role === 'town-admin') {
    can(['create', 'update', 'delete'], [...HUB_CONFIG, 'Desk'], { tenantId });
    can(['read', 'update'], 'Booking', { tenantId });
  }
  if (role === 'town-admin') {
    // Book for someone else (a member, an organisation): any space of the town.
    can('create', 'Booking', { tenantId });
  }
  if (role === 'hub-manager' || role === 'hub-staff') {
    can(['read', 'update'], 'Booking', { tenantId, space: { is: { hubId: { in: [...hubIds] } } } });
    // Book for someone else in the hubs they work in.
    can('create', 'Booking', { tenantId, space: { is: { hubId: { in: [...hubIds] } } } });
  }
  if (role === 'hub-manager') {
    can(['create', 'update', 'delete'], [...HUB_CONFIG], { tenantId, hubId: { in: [...hubIds] } });
  }
}

/**
 * Abilities inside one town. Partner members act there only while the town
 * is assigned to their partner — checked against the town as it is now, so
 * unassigning takes effect on the very next request.
 */
export function defineAbilityInTenant(
  actor: Actor,
  tenant: TenantFacts,
  options: { supportSession?: boolean } = {},
): AppAbility {
  const partnerRole = actor.partnerRoles.find((p) => p.partnerId === tenant.managingPartnerId);
  // A support session (ADR 011) adds the town admin's abilities — only while
  // the staff member may still support this town (checked on every request).
  const supporting = options.supportSession === true && supportChannel(actor, tenant) !== undefined;
  if (!partnerRole && !supporting) return defineAbilityFor(actor);
  return defineAbilityFor({
    ...actor,
    // Partner admins and staff set up and support hubs of their towns like a
    // town admin would; town-level settings stay with the town and provider.
    tenantRoles: [...actor.tenantRoles, { tenantId: tenant.id, role: 'town-admin', hubIds: [] }],
  });
}

/**
 * Through whom `actor` may open a support session for `tenant` (ADR 011):
 * `null` as the provider's staff (admin or support), the partner's id as a
 * member of the town's managing partner, `undefined` not at all.
 */
export function supportChannel(actor: Actor, tenant: TenantFacts): string | null | undefined {
  if (actor.platformRole) return null;
  const partnerRole = actor.partnerRoles.find((p) => p.partnerId === tenant.managingPartnerId);
  return partnerRole ? partnerRole.partnerId : undefined;
}

export { subject } from '@casl/ability';

type ModelName = 'Tenant' | 'Hub' | 'Partner' | 'TenantMembership' | 'AuditEvent' | 'Space' | 'Booking';

/**
 * The Prisma where-input of the rows `ability` may `action`. When no rule
 * grants anything, @casl/prisma returns `{ OR: [] }`, which Prisma 7 treats
 * as "no condition": we turn it into a condition nothing matches.
 */
export function accessibleWhere<M extends ModelName>(ability: AppAbility, action: Action, model: M) {
  if (!ability.rulesFor(action, model).some((rule) => !rule.inverted)) return { id: { in: [] as string[] } };
  return accessibleBy(ability, action).ofType(model);
}

/**
 * Role ceilings: nobody grants a role at or above their own. Town roles are
 * ranked town admin > hub manager > hub staff > member; a hub manager's rank
 * counts only in the hubs they manage. Above the town stand the town's
 * managing partner (its admins rank above a town admin, its staff act as a
 * town admin) and the provider's admins (above everyone). So a town admin
 * grants hub manager, hub staff and member, but a further town admin only
 * comes from the partner or the provider; a hub manager adds hub staff to
 * their own hubs. Every procedure that creates or changes a membership,
 * an assignment or an invitation asks this one function.
 */
export type GrantScope =
  | { kind: 'tenant'; tenant: TenantFacts; role: TenantRoleName; hubId?: string | null }
  | { kind: 'partner'; partnerId: string; role: PartnerRoleName };

const TENANT_RANK: Record<TenantRoleName, number> = { member: 1, 'hub-staff': 2, 'hub-manager': 3, 'town-admin': 4 };
const PARTNER_ADMIN_RANK = 5;
const PROVIDER_RANK = 6;

/** The actor's rank in a town (for one hub, when given): 0 = none. */
export function rankInTenant(actor: Actor, tenant: TenantFacts, hubId?: string | null): number {
  if (actor.platformRole === 'platform-admin') return PROVIDER_RANK;
  const partnerRole = actor.partnerRoles.find((p) => p.partnerId === tenant.managingPartnerId)?.role;
  let rank =
    partnerRole === 'partner-admin'
      ? PARTNER_ADMIN_RANK
      : partnerRole === 'partner-staff'
        ? TENANT_RANK['town-admin']
        : 0;
  for (const entry of actor.tenantRoles) {
    if (entry.tenantId !== tenant.id) continue;
    // Hub roles count in their hubs only: managing hub A gives no rank in hub B or town-wide.
    const hubBound = entry.role === 'hub-manager' || entry.role === 'hub-staff';
    const counts = !hubBound || (hubId != null && entry.hubIds.includes(hubId));
    rank = Math.max(rank, counts ? TENANT_RANK[entry.role] : TENANT_RANK.member);
  }
  return rank;
}

/** The rank a role confers (what the grantee would hold). */
export const tenantRoleRank = (role: TenantRoleName): number => TENANT_RANK[role];

/** May `actor` grant `scope.role` (in a town: in the hub `scope.hubId`, or town-wide)? */
export function mayGrant(actor: Actor, scope: GrantScope): boolean {
  if (scope.kind === 'partner') {
    if (actor.platformRole === 'platform-admin') return true;
    const own = actor.partnerRoles.find((p) => p.partnerId === scope.partnerId)?.role;
    // A partner admin adds partner staff; a further partner admin comes from the provider.
    return own === 'partner-admin' && scope.role === 'partner-staff';
  }
  // Hub roles are granted per hub: town-wide only by someone ranking above the role town-wide.
  const hubBound = scope.role === 'hub-manager' || scope.role === 'hub-staff';
  const rank = rankInTenant(actor, scope.tenant, hubBound ? scope.hubId : null);
  return rank > TENANT_RANK[scope.role];
}
