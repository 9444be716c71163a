import type { LoaderFunctionArgs } from '@remix-run/node';
import { Outlet, useLoaderData } from '@remix-run/react';
import { SectionNav } from '~/components/section-nav.tsx';
import { useT } from '~/i18n/use-t.ts';
import { apiFor, load, requireMe } from '~/lib/api.server.ts';
import { hubNavigation } from '~/lib/navigation.ts';

/** A hub's pages: its name and what this user may do in it, for the hub's navigation and breadcrumbs. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMe(request);
  const slug = params.slug ?? '';
  const hubId = params.hubId ?? '';
  const api = await apiFor(request);
  const [spaces, approvals] = await Promise.all([
    load(request, () => api.spaces.list.query({ tenant: slug, hubId })),
    load(request, () => api.approvals.pending.query({ tenant: slug, hubId, limit: 1 })),
  ]);
  return {
    hub: { id: spaces.hub.id, name: spaces.hub.name },
    nav: hubNavigation({
      slug,
      hubId: spaces.hub.id,
      canConfigure: spaces.canConfigure,
      pendingApprovals: approvals.mayApprove ? approvals.total : null,
    }),
  };
}

export default function HubLayout() {
  const { hub, nav } = useLoaderData<typeof loader>();
  const { t } = useT();
  const groups = nav.map((group) => ({
    label: t(group.label),
    links: group.links.map((link) => ({ to: link.to, end: link.end, label: t(link.label, link.params) })),
  }));
  return (
    <>
      <SectionNav label={t('hubNav.label', { name: hub.name })} groups={groups} />
      <Outlet />
    </>
  );
}
