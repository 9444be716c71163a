import { describe, expect, it } from 'vitest';
import {
  defineAbilityFor,
  defineAbilityInTenant,
  HUB_PROFILE_FIELDS,
  mayGrant,
  subject,
  type Actor,
} from './abilities.ts';

const hub = (tenantId: string, id: string) =>
  subject('Hub', {
    tenantId,
    id,
    name: 'Hub',
    slug: 'hub',
    street: null,
    postalCode: null,
    city: null,
    thematicFocus: null,
    description: null,
    contactEmail: null,
    contactPhone: null,
    accessibility: [],
    accessibilityNotes: null,
    isPublic: false,
    archivedAt: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
const town = (id: string, managingPartnerId: string | null) =>
  subject('Tenant', {
    id,
    managingPartnerId,
    name: 'T',
    slug: 't',
    ags: '03155013',
    bundesland: '03',
    status: 'ACTIVE' as const,
    timezone: 'Europe/Berlin',
    createdAt: new Date(),
    updatedAt: new Date(),
    paymentOverdueSince: null,
  });

const base: Actor = { userId: 'u', platformRole: null, partnerRoles: [], tenantRoles: [] };

describe('defineAbilityFor', () => {
  it('lets a town admin run the hubs of their own town only', () => {
    const ability = defineAbilityFor({ ...base, tenantRoles: [{ tenantId: 'A', role: 'town-admin', hubIds: [] }] });
    expect(ability.can('create', hub('A', 'h1'))).toBe(true);
    expect(ability.can('update', hub('A', 'h1'), 'name')).toBe(true);
    expect(ability.can('update', hub('B', 'h2'))).toBe(false);
    expect(ability.can('read', town('B', null))).toBe(false);
  });

  it('keeps status and partner of a town with the provider', () => {
    const admin = defineAbilityFor({ ...base, tenantRoles: [{ tenantId: 'A', role: 'town-admin', hubIds: [] }] });
    expect(admin.can('update', town('A', null), 'name')).toBe(true);
    expect(admin.can('update', town('A', null), 'status')).toBe(false);
    expect(admin.can('assignPartner', town('A', null))).toBe(false);
    const provider = defineAbilityFor({ ...base, platformRole: 'platform-admin' });
    expect(provider.can('update', town('A', null), 'status')).toBe(true);
    expect(provider.can('onboard', 'Tenant')).toBe(true);
  });

  it('lets platform support read but not write', () => {
    const support = defineAbilityFor({ ...base, platformRole: 'platform-support' });
    expect(support.can('read', town('A', null))).toBe(true);
    expect(support.can('create', hub('A', 'h'))).toBe(false);
  });

  it('scopes a hub manager to the chosen hubs', () => {
    const ability = defineAbilityFor({
      ...base,
      tenantRoles: [{ tenantId: 'A', role: 'hub-manager', hubIds: ['h1'] }],
    });
    expect(ability.can('update', hub('A', 'h1'), 'name')).toBe(true);
    expect(ability.can('update', hub('A', 'h2'), 'name')).toBe(false);
    expect(ability.can('create', hub('A', 'h3'))).toBe(false);
  });

  it('lets hub staff change no field of the hub profile; its managers every one', () => {
    const staff = defineAbilityFor({ ...base, tenantRoles: [{ tenantId: 'A', role: 'hub-staff', hubIds: ['h1'] }] });
    const manager = defineAbilityFor({
      ...base,
      tenantRoles: [
        { tenantId: 'A', role: 'member', hubIds: [] },
        { tenantId: 'A', role: 'hub-manager', hubIds: ['h1'] },
      ],
    });
    for (const field of HUB_PROFILE_FIELDS) {
      expect(staff.can('update', hub('A', 'h1'), field)).toBe(false);
      expect(manager.can('update', hub('A', 'h1'), field)).toBe(true);
      expect(manager.can('update', hub('A', 'h2'), field)).toBe(false);
    }
  });

  it('gives partner members their assigned towns only, while assigned', () => {
    const actor: Actor = { ...base, partnerRoles: [{ partnerId: 'P', role: 'partner-staff' }] };
    expect(defineAbilityFor(actor).can('read', town('A', 'P'))).toBe(true);
    expect(defineAbilityFor(actor).can('read', town('B', 'Q'))).toBe(false);
    expect(defineAbilityInTenant(actor, { id: 'A', managingPartnerId: 'P' }).can('create', hub('A', 'h'))).toBe(true);
    expect(defineAbilityInTenant(actor, { id: 'A', managingPartnerId: null }).can('create', hub('A', 'h'))).toBe(false);
  });
});

describe('role ceilings (mayGrant)', () => {
  const A = { id: 'A', managingPartnerId: 'P' };
  const grant = (
    actor: Partial<Actor>,
    role: 'town-admin' | 'hub-manager' | 'hub-staff' | 'member',
    hubId: string | null = null,
  ) => mayGrant({ ...base, ...actor }, { kind: 'tenant', tenant: A, role, hubId });

  it('nobody grants a role at or above their own; a town admin grants hub manager', () => {
    const admin = { tenantRoles: [{ tenantId: 'A', role: 'town-admin' as const, hubIds: [] }] };
    expect(['town-admin', 'hub-manager', 'hub-staff', 'member'].map((r) => grant(admin, r as never, 'h1'))).toEqual([
      false,
      true,
      true,
      true,
    ]);
    const manager = { tenantRoles: [{ tenantId: 'A', role: 'hub-manager' as const, hubIds: ['h1'] }] };
    expect(grant(manager, 'hub-staff', 'h1')).toBe(true);
    expect(grant(manager, 'hub-manager', 'h1')).toBe(false);
    // Only in the hub they manage, and nothing town-wide.
    expect(grant(manager, 'hub-staff', 'h2')).toBe(false);
    expect(grant(manager, 'member')).toBe(false);
    expect(grant({ tenantRoles: [{ tenantId: 'A', role: 'hub-staff', hubIds: ['h1'] }] }, 'hub-staff', 'h1')).toBe(
      false,
    );
    expect(grant({ tenantRoles: [{ tenantId: 'A', role: 'member', hubIds: [] }] }, 'member')).toBe(false);
  });

  it('partners rank by role for their own towns; the provider above all; another town counts for nothing', () => {
    expect(grant({ partnerRoles: [{ partnerId: 'P', role: 'partner-admin' }] }, 'town-admin')).toBe(true);
    expect(grant({ partnerRoles: [{ partnerId: 'P', role: 'partner-staff' }] }, 'town-admin')).toBe(false);
    expect(grant({ partnerRoles: [{ partnerId: 'P', role: 'partner-staff' }] }, 'hub-manager', 'h1')).toBe(true);
    expect(grant({ partnerRoles: [{ partnerId: 'Q', role: 'partner-admin' }] }, 'member')).toBe(false);
    expect(grant({ platformRole: 'platform-admin' }, 'town-admin')).toBe(true);
    expect(grant({ platformRole: 'platform-support' }, 'member')).toBe(false);
    expect(grant({ tenantRoles: [{ tenantId: 'B', role: 'town-admin', hubIds: [] }] }, 'member')).toBe(false);
    expect(
      mayGrant(
        { ...base, partnerRoles: [{ partnerId: 'P', role: 'partner-admin' }] },
        { kind: 'partner', partnerId: 'P', role: 'partner-staff' },
      ),
    ).toBe(true);
    expect(
      mayGrant(
        { ...base, partnerRoles: [{ partnerId: 'P', role: 'partner-admin' }] },
        { kind: 'partner', partnerId: 'P', role: 'partner-admin' },
      ),
    ).toBe(false);
    expect(
      mayGrant(
        { ...base, partnerRoles: [{ partnerId: 'P', role: 'partner-staff' }] },
        { kind: 'partner', partnerId: 'P', role: 'partner-staff' },
      ),
    ).toBe(false);
  });
});
