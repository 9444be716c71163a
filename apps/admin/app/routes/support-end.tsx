import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { apiFor, mutate, requireMe } from '~/lib/api.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';
import { text } from '~/lib/forms.ts';
import { safeRedirectPath } from '~/lib/session.server.ts';

/** "Beenden" in the support banner: ends the session, back to the page the user was on. */
export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  await requireMe(request);
  const form = await request.formData();
  const api = await apiFor(request);
  // Already ended or expired: nothing left to end, the banner is gone on the next page either way.
  await mutate(request, () => api.support.end.mutate({ tenant: text(form, 'tenant') }));
  throw redirect(safeRedirectPath(form.get('redirectTo')));
}

export function loader() {
  // Ending changes state, so it is a POST only.
  throw redirect('/');
}
