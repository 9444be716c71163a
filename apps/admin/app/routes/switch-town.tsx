import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { requireMe } from '~/lib/api.server.ts';

/**
 * The header's town switch (a GET form: it changes no state, it only
 * navigates). Sends the browser to the chosen town's page, which answers
 * "not found" for a town the user may not see — so a crafted value gains
 * nothing. Only a well-formed slug is put into the path.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireMe(request);
  const town = new URL(request.url).searchParams.get('town')?.trim() ?? '';
  if (!/^[a-z0-9-]{1,80}$/.test(town)) throw redirect('/towns');
  throw redirect(`/towns/${town}`);
}
