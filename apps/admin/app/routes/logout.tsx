import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { apiFor } from '~/lib/api.server.ts';
import { destroySessionCookie } from '~/lib/session.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const api = await apiFor(request);
  try {
    await api.auth.signOut.mutate({});
  } catch {
    // Signing out must always work locally, even if the API session is already gone.
  }
  throw redirect('/login', { headers: { 'Set-Cookie': await destroySessionCookie(request) } });
}

export function loader() {
  // Sign-out changes state, so it is a POST only.
  throw redirect('/');
}
