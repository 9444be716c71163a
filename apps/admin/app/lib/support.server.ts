import type { RunningSupportSession } from '~/components/support-banner.tsx';
import type { Me } from './api-types.ts';
import { apiFor } from './api.server.ts';

/**
 * The signed-in user's running support sessions, for the banner on every
 * page. Only the provider's and partners' staff can have any, so nobody else
 * pays for the call. The banner must never take a page down: an API error
 * here shows no banner (the API still refuses whatever the session no
 * longer allows).
 */
export async function runningSupportSessions(request: Request, me: Me | null): Promise<RunningSupportSession[]> {
  if (!me || (!me.user.platformRole && me.partners.length === 0)) return [];
  const api = await apiFor(request);
  try {
    const { items } = await api.support.active.query({});
    return items.map((s) => ({ id: s.id, tenant: s.tenant, reason: s.reason, expiresAt: s.expiresAt }));
  } catch {
    return [];
  }
}
