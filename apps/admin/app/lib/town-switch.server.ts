import type { Me } from './api-types.ts';
import { apiFor } from './api.server.ts';

/**
 * The towns a partner's staff look after, for the header's town switch
 * (their own memberships come with `me`). The provider's staff reach every
 * town through the towns list instead: a select of all towns helps nobody.
 */
export async function partnerTownsFor(request: Request, me: Me | null): Promise<Array<{ slug: string; name: string }>> {
  if (!me || me.user.platformRole || me.partners.length === 0) return [];
  const api = await apiFor(request);
  try {
    const { items } = await api.tenants.list.query({ limit: 100 });
    return items.map((t) => ({ slug: t.slug, name: t.name }));
  } catch {
    // The switch is a convenience: without it the header still works.
    return [];
  }
}
