import { describe, expect, it } from 'vitest';
import routes from '../routes.ts';
import { hubNavigation, PAGE_CRUMBS, returnPath, townNavigation, type TownFacts } from './navigation.ts';

const town = (over: Partial<TownFacts> = {}): TownFacts => ({
  slug: 'einbeck',
  isMember: true,
  can: { readAudit: false, inviteStaff: false, startSupport: false },
  billing: { canView: false, canManage: false },
  pendingApprovals: null,
  ...over,
});
const targets = (groups: ReturnType<typeof townNavigation>) => groups.flatMap((g) => g.links.map((l) => l.to));

describe('town navigation', () => {
  it('offers a member the overview, their bookings and calendar feeds — nothing to administer', () => {
    const groups = townNavigation(town());
    expect(groups.map((g) => g.label)).toEqual(['townNav.work']);
    expect(targets(groups)).toEqual(['/towns/einbeck', '/towns/einbeck/bookings', '/towns/einbeck/calendars']);
  });

  it('shows no bookings to the provider’s or a partner’s staff (no role in the town)', () => {
    const groups = townNavigation(
      town({ isMember: false, can: { readAudit: true, inviteStaff: true, startSupport: true } }),
    );
    expect(targets(groups)).not.toContain('/towns/einbeck/bookings');
    expect(targets(groups)).not.toContain('/towns/einbeck/calendars');
    expect(targets(groups)).toContain('/towns/einbeck/support');
  });

  it('shows a hub manager who invites into their hub no single sign-on, billing or export', () => {
    const groups = townNavigation(
      town({ can: { readAudit: false, inviteStaff: true, startSupport: false }, pendingApprovals: 2 }),
    );
    expect(targets(groups)).toEqual([
      '/towns/einbeck',
      '/towns/einbeck/bookings',
      '/towns/einbeck/approvals',
      '/towns/einbeck/calendars',
      '/towns/einbeck/staff',
      '/towns/einbeck/organisations',
    ]);
    expect(groups[0]?.links.find((l) => l.to.endsWith('/approvals'))?.params).toEqual({ count: '2' });
  });

  it('groups a town admin’s administration apart from the everyday work', () => {
    const groups = townNavigation(
      town({
        can: { readAudit: true, inviteStaff: true, startSupport: false },
        billing: { canView: true, canManage: true },
        pendingApprovals: 0,
      }),
    );
    expect(groups.map((g) => g.label)).toEqual(['townNav.work', 'townNav.admin']);
    expect(groups[1]?.links.map((l) => l.to.replace('/towns/einbeck/', ''))).toEqual([
      'staff',
      'organisations',
      'sso',
      'billing',
      'export',
      'audit',
    ]);
  });
});

describe('hub navigation', () => {
  it('gives those who only book the booking page, the week plan and the hub’s (read-only) details', () => {
    const groups = hubNavigation({ slug: 'einbeck', hubId: 'h1', canConfigure: false, pendingApprovals: null });
    expect(groups.flatMap((g) => g.links.map((l) => l.to))).toEqual([
      '/towns/einbeck/hubs/h1',
      '/towns/einbeck/hubs/h1/week',
      '/towns/einbeck/hubs/h1/settings',
    ]);
  });

  it('gives those who configure the hub its set-up as a group of its own', () => {
    const groups = hubNavigation({ slug: 'einbeck', hubId: 'h1', canConfigure: true, pendingApprovals: 1 });
    expect(groups[1]?.links.map((l) => l.to.replace('/towns/einbeck/hubs/h1/', ''))).toEqual([
      'spaces/new',
      'staff',
      'settings',
    ]);
    expect(groups[0]?.links.map((l) => l.to.replace('/towns/einbeck/hubs/h1', ''))).toEqual([
      '',
      '/week',
      '/approvals',
      '/occupancy',
      '/no-shows',
    ]);
  });
});

interface Entry {
  path?: string;
  index?: boolean;
  file: string;
  id?: string;
  children?: Entry[];
}
const flat = (entries: Entry[]): Entry[] => entries.flatMap((e) => [e, ...flat(e.children ?? [])]);

describe('breadcrumbs', () => {
  it('name every page of a town and every signed-in page outside one', () => {
    const pages = flat(routes as Entry[])
      .filter((e) => /\.tsx$/.test(e.file) && !/-(csv|ics)\.tsx$/.test(e.file) && !/layout\.tsx$/.test(e.file))
      .map((e) => e.id ?? e.file.replace(/\.tsx$/, ''));
    // Signed-out pages and pages that only redirect have no place in a trail.
    const outside = new Set([
      'routes/home',
      'routes/login',
      'routes/login-second-factor',
      'routes/login-sso',
      'routes/sso-callback',
      'routes/logout',
      'routes/forgot-password',
      'routes/reset-password',
      'routes/language',
      'routes/register',
      'routes/switch-town',
      'routes/support-end',
      'routes/invite',
      'routes/public-hub',
      'routes/public-confirm',
      'routes/account-deleted',
      'routes/not-found',
    ]);
    expect(pages.filter((id) => !outside.has(id) && !(id in PAGE_CRUMBS))).toEqual([]);
  });
});

describe('the way back after a form elsewhere', () => {
  it('drops the ?index of a post to a start page and keeps the rest', () => {
    expect(returnPath('/towns/einbeck', '?index')).toBe('/towns/einbeck');
    expect(returnPath('/towns/einbeck/hubs/h1', '?index&day=2026-12-08')).toBe('/towns/einbeck/hubs/h1?day=2026-12-08');
    expect(returnPath('/towns', '')).toBe('/towns');
  });
});
