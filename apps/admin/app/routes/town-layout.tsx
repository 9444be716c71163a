import type { LoaderFunctionArgs } from '@remix-run/node';
import { Outlet, useLoaderData, useParams } from '@remix-run/react';
import { SectionNav, type NavGroup } from '~/components/section-nav.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { townNavigation } from '~/lib/navigation.ts';

/**
 * A town's pages: the user and the town are loaded once here for the
 * navigation and the breadcrumbs; each page still loads (and the API checks)
 * what it shows. A town one may not see is not found here already.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  const slug = params.slug ?? '';
  const api = await apiFor(request);
  const [town, billing, approvals] = await Promise.all([
    load(request, () => api.tenants.get.query({ tenant: slug })),
    load(request, () => api.billing.status.query({ tenant: slug })),
    load(request, () => api.approvals.pending.query({ tenant: slug, limit: 1 })),
  ]);
  return {
    town: {
      id: town.id,
      slug: town.slug,
      name: town.name,
      hubs: town.hubs.map((h) => ({ id: h.id, name: h.name })),
    },
    nav: townNavigation({
      slug: town.slug,
      // Bookings are a member's: only in towns where one has a role (not the provider's or a partner's staff).
      isMember: me.tenants.some((t) => t.slug === town.slug),
      can: town.can,
      billing: { canView: billing.canView, canManage: billing.canManage },
      pendingApprovals: approvals.mayApprove ? approvals.total : null,
    }),
  };
}

export default function TownLayout() {
  const { town, nav } = useLoaderData<typeof loader>();
  const params = useParams();
  const { t } = useT();
  // A hub's pages show the hub's navigation instead (its layout); the breadcrumbs lead back to the town.
  const groups: NavGroup[] = nav.map((group) => ({
    label: t(group.label),
    links: group.links.map((link) => ({ to: link.to, end: link.end, label: t(link.label, link.params) })),
  }));
  return (
    <>
      {params.hubId ? null : <SectionNav label={t('townNav.label', { name: town.name })} groups={groups} />}
      <Outlet />
    </>
  );
}
