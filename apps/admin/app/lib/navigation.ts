import type { MessageKey } from '~/i18n/index.ts';

/**
 * What the navigation offers per role, as plain data (docs/decisions/039):
 * a link is shown only when the page behind it opens for this user — the
 * same facts the API answered for the layout (tenants.get's `can`,
 * billing.status, approvals.pending, auth.me), never a guess from a role
 * name. The pages still check for themselves; this only avoids dead ends.
 */
export interface NavLinkSpec {
  to: string;
  label: MessageKey;
  params?: Record<string, string>;
  /** Active only on exactly this path (an overview page), not on its sub-pages. */
  end?: boolean;
}
export interface NavGroupSpec {
  label: MessageKey;
  links: NavLinkSpec[];
}

export interface TownFacts {
  slug: string;
  /** Has a role in this town (may book); the provider's and partners' staff do not. */
  isMember: boolean;
  can: { readAudit: boolean; inviteStaff: boolean; startSupport: boolean };
  billing: { canView: boolean; canManage: boolean };
  /** Pending requests this user decides, or null if they decide none. */
  pendingApprovals: number | null;
}

export function townNavigation(town: TownFacts): NavGroupSpec[] {
  const base = `/towns/${encodeURIComponent(town.slug)}`;
  const work: NavLinkSpec[] = [{ to: base, label: 'townNav.overview', end: true }];
  if (town.isMember) work.push({ to: `${base}/bookings`, label: 'hub.myBookings' });
  if (town.pendingApprovals !== null)
    work.push({ to: `${base}/approvals`, label: 'approvals.link', params: { count: String(town.pendingApprovals) } });
  if (town.isMember) work.push({ to: `${base}/calendars`, label: 'feeds.nav' });

  const admin: NavLinkSpec[] = [];
  if (town.can.inviteStaff) {
    admin.push({ to: `${base}/staff`, label: 'staff.link' });
    admin.push({ to: `${base}/organisations`, label: 'organisations.link' });
  }
  // Single sign-on is the town's (its admins, its partner, the provider) — hub managers invite into their hubs only.
  if (town.can.inviteStaff && town.billing.canView) admin.push({ to: `${base}/sso`, label: 'sso.config.link' });
  if (town.billing.canView) admin.push({ to: `${base}/billing`, label: 'billing.link' });
  if (town.billing.canManage) admin.push({ to: `${base}/export`, label: 'exports.link' });
  if (town.can.readAudit) admin.push({ to: `${base}/audit`, label: 'town.auditLog' });
  if (town.can.startSupport) admin.push({ to: `${base}/support`, label: 'support.link' });

  return [
    { label: 'townNav.work', links: work },
    ...(admin.length > 0 ? [{ label: 'townNav.admin' as const, links: admin }] : []),
  ];
}

export interface HubFacts {
  slug: string;
  hubId: string;
  /** May change the hub's spaces, hours and staff (spaces.list's canConfigure). */
  canConfigure: boolean;
  pendingApprovals: number | null;
}

export function hubNavigation(hub: HubFacts): NavGroupSpec[] {
  const base = `/towns/${encodeURIComponent(hub.slug)}/hubs/${encodeURIComponent(hub.hubId)}`;
  const work: NavLinkSpec[] = [
    { to: base, label: 'hubNav.overview', end: true },
    { to: `${base}/week`, label: 'hubWeek.link' },
  ];
  if (hub.pendingApprovals !== null)
    work.push({ to: `${base}/approvals`, label: 'approvals.link', params: { count: String(hub.pendingApprovals) } });
  // The profile, hours and closed days are readable by everyone in the hub (read-only unless they configure it).
  if (!hub.canConfigure)
    return [{ label: 'hubNav.work', links: [...work, { to: `${base}/settings`, label: 'hubSettings.link' }] }];
  work.push({ to: `${base}/occupancy`, label: 'occupancy.link' }, { to: `${base}/no-shows`, label: 'noShows.link' });
  return [
    { label: 'hubNav.work', links: work },
    {
      label: 'hubNav.admin',
      links: [
        { to: `${base}/spaces/new`, label: 'hubNav.newSpace' },
        { to: `${base}/staff`, label: 'hubStaff.link' },
        { to: `${base}/settings`, label: 'hubSettings.link' },
      ],
    },
  ];
}

/**
 * The breadcrumb label of each page (by route id) below its town, hub or
 * space; the town, hub and space themselves are named by their data. Routes
 * missing here show no last crumb — navigation.test.ts lists every signed-in page.
 */
export const PAGE_CRUMBS: Record<string, MessageKey | null> = {
  'routes/town': null,
  'routes/town-audit': 'town.auditLog',
  'routes/town-billing': 'billing.link',
  'routes/town-staff': 'staff.link',
  'routes/town-export': 'exports.link',
  'routes/town-sso': 'sso.config.link',
  'routes/town-organisations': 'organisations.link',
  'routes/town-organisation': 'crumbs.organisation',
  'routes/town-support': 'support.link',
  'routes/approvals': 'crumbs.approvals',
  'routes/hub': null,
  'routes/hub-approvals': 'crumbs.approvals',
  'routes/occupancy': 'occupancy.link',
  'routes/hub-settings': 'hubSettings.link',
  'routes/hub-new-space': 'hubNav.newSpace',
  'routes/hub-staff': 'hubStaff.link',
  'routes/hub-week': 'hubWeek.link',
  'routes/no-shows': 'noShows.link',
  'routes/space': null,
  'routes/space-photos': 'crumbs.photos',
  'routes/space-edit': 'crumbs.editSpace',
  'routes/space-series': 'crumbs.series',
  'routes/my-bookings': 'hub.myBookings',
  'routes/check-in': 'checkIn.link',
  'routes/booking-change': 'crumbs.changeBooking',
  'routes/series': 'crumbs.seriesDetail',
  'routes/calendar-feeds': 'feeds.nav',
  'routes/towns': 'towns.title',
  'routes/towns-new': 'onboard.title',
  'routes/towns-bulk': 'bulk.title',
  'routes/towns-bulk-report': 'crumbs.bulkReport',
  'routes/audit-all': 'auditAll.link',
  'routes/billing': 'nav.billing',
  'routes/partners': 'partners.title',
  'routes/partners-new': 'registerPartner.title',
  'routes/partner': 'crumbs.partner',
  'routes/partner-sso': 'sso.config.link',
  'routes/account-password': 'account.password',
  'routes/account-security': 'secondFactor.navLink',
  'routes/account-sessions': 'sessions.navLink',
  'routes/account-data': 'myData.navLink',
  'routes/user-sessions': 'nav.userSessions',
  'routes/dev-mails': 'devMail.title',
};

/** Where a page sits under another in the trail (towns/new under Kommunen, a partner under Partner). */
export const PARENT_CRUMBS: Record<string, { to: string; label: MessageKey }> = {
  'routes/towns-new': { to: '/towns', label: 'towns.title' },
  'routes/towns-bulk': { to: '/towns', label: 'towns.title' },
  'routes/towns-bulk-report': { to: '/towns/bulk', label: 'bulk.title' },
  'routes/partners-new': { to: '/partners', label: 'partners.title' },
  'routes/partner': { to: '/partners', label: 'partners.title' },
  'routes/partner-sso': { to: '/partners', label: 'partners.title' },
};

/**
 * Where to come back to after a form elsewhere (language, ending support):
 * this page's address without the `?index` Remix adds when a form posts to
 * an index route (a town's or hub's start page), which is no page address.
 */
export function returnPath(pathname: string, search: string): string {
  const params = new URLSearchParams(search);
  params.delete('index');
  const rest = params.toString();
  return rest ? `${pathname}?${rest}` : pathname;
}
