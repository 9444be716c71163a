import { notFound } from '~/lib/api.server.ts';

export function loader(): never {
  // Unknown paths get the root's not-found page inside the normal layout.
  throw notFound();
}

// Never rendered; present so this is a page route, not a resource route.
export default function NotFound() {
  return null;
}
