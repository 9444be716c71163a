import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { homePath, requireMe } from '~/lib/api.server.ts';

export async function loader({ request }: LoaderFunctionArgs) {
  const me = await requireMe(request);
  throw redirect(homePath(me));
}

// Never rendered (the loader always redirects); present so this is a page route.
export default function Home() {
  return null;
}
