import { Link, useMatches } from '@remix-run/react';
import { useT } from '~/i18n/use-t.ts';
import { PAGE_CRUMBS, PARENT_CRUMBS } from '~/lib/navigation.ts';

interface Crumb {
  label: string;
  to: string;
}
type TownData = { town?: { slug: string; name: string; hubs: Array<{ id: string; name: string }> } } | undefined;
type HubData = { hub?: { id: string; name: string } } | undefined;
type LeafData = { space?: { id?: string; name?: string; hubId?: string } } | undefined;

/**
 * Where the page sits: Start › town › hub › space › page. Built from the
 * matched routes and the names their loaders already have (no extra call).
 */
export function Breadcrumbs() {
  const matches = useMatches();
  const { t } = useT();
  const leaf = matches[matches.length - 1];
  if (!leaf || !(leaf.id in PAGE_CRUMBS)) return null;
  const crumbs: Crumb[] = [{ label: t('crumbs.home'), to: '/' }];
  const parent = PARENT_CRUMBS[leaf.id];
  if (parent) crumbs.push({ label: t(parent.label), to: parent.to });

  const town = (matches.find((m) => m.id === 'routes/town-layout')?.data as TownData)?.town;
  if (town) {
    const base = `/towns/${encodeURIComponent(town.slug)}`;
    crumbs.push({ label: town.name, to: base });
    const hub = (matches.find((m) => m.id === 'routes/hub-layout')?.data as HubData)?.hub;
    const space = (leaf.data as LeafData)?.space;
    // A space's pages sit under its hub, though their addresses do not name it.
    const hubOfSpace = space?.hubId ? town.hubs.find((h) => h.id === space.hubId) : undefined;
    const shownHub = hub ?? hubOfSpace;
    if (shownHub) crumbs.push({ label: shownHub.name, to: `${base}/hubs/${encodeURIComponent(shownHub.id)}` });
    if (space?.id && space.name && leaf.id.startsWith('routes/space'))
      crumbs.push({ label: space.name, to: `${base}/spaces/${encodeURIComponent(space.id)}` });
  }
  const own = PAGE_CRUMBS[leaf.id];
  if (own) crumbs.push({ label: t(own), to: leaf.pathname });
  const last = crumbs.length - 1;
  return (
    <nav aria-label={t('crumbs.label')} className="breadcrumbs">
      <ol>
        {crumbs.map((crumb, i) => (
          <li key={`${i}-${crumb.to}`}>
            {i === last ? <span aria-current="page">{crumb.label}</span> : <Link to={crumb.to}>{crumb.label}</Link>}
          </li>
        ))}
      </ol>
    </nav>
  );
}
