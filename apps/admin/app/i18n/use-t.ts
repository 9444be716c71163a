import { useRouteLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { createTranslator, DEFAULT_LANG, isLang, type Translator } from './index.ts';

/** The translator for the language the root loader chose (German if there is none, e.g. in error pages). */
export function useT(): Translator {
  const root = useRouteLoaderData<{ lang?: unknown }>('root');
  const lang = isLang(root?.lang) ? root.lang : DEFAULT_LANG;
  return useMemo(() => createTranslator(lang), [lang]);
}
