import { isRouteErrorResponse } from '@remix-run/react';
import { createTranslator, isLang, type MessageKey, type Params } from '~/i18n/index.ts';

interface MetaInput {
  matches: ReadonlyArray<{ id: string; data?: unknown } | undefined>;
  error?: unknown;
}

/** `<title>` in the page's language; error pages get their own title. */
export function pageTitle({ matches, error }: MetaInput, key: MessageKey, params?: Params) {
  const root = matches.find((match) => match?.id === 'root')?.data as { lang?: unknown } | undefined;
  const tr = createTranslator(isLang(root?.lang) ? root.lang : undefined);
  let title: string;
  if (error) title = tr.t(isRouteErrorResponse(error) && error.status === 404 ? 'notFound.title' : 'errorPage.title');
  else title = tr.t(key, params);
  return [{ title: `${title} – ${tr.t('app.name')}` }];
}
