import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { isLang } from '~/i18n/index.ts';
import { safeRedirectPath, serializeLang } from '~/lib/session.server.ts';
import { requireSameOrigin } from '~/lib/csrf.server.ts';

export async function action({ request }: ActionFunctionArgs) {
  requireSameOrigin(request);
  const form = await request.formData();
  const lang = form.get('lang');
  const target = safeRedirectPath(form.get('redirectTo'));
  if (!isLang(lang)) throw redirect(target);
  throw redirect(target, { headers: { 'Set-Cookie': await serializeLang(lang) } });
}

export function loader() {
  throw redirect('/');
}
