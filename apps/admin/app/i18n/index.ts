import { de } from './de.ts';
import { en } from './en.ts';
import { DEFAULT_LANG, type Lang, type MessageKey, type Messages } from './types.ts';

export * from './types.ts';

const CATALOGUES: Record<Lang, Messages> = { de, en };

export type Params = Record<string, string | number>;

function lookup(messages: Messages, key: string): string | undefined {
  let node: unknown = messages;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export interface Translator {
  lang: Lang;
  /** A message from the catalogue. */
  t: (key: MessageKey, params?: Params) => string;
  /**
   * A key that came from outside (the API's messageKey / fieldErrors): shown
   * if the catalogue knows it, otherwise the given fallback message.
   */
  tKey: (key: string | null | undefined, fallback?: MessageKey) => string;
  /** Like tKey, with a literal fallback (e.g. a role name the catalogue does not know yet). */
  tOr: (key: string, fallback: string) => string;
  formatDate: (iso: string, style?: 'date' | 'dateTime') => string;
  formatNumber: (value: number) => string;
}

const LOCALES: Record<Lang, string> = { de: 'de-DE', en: 'en-GB' };
/** Dates are always shown in the towns' time zone, wherever the server runs. */
export const DISPLAY_TIME_ZONE = 'Europe/Berlin';

const translators = new Map<Lang, Translator>();

/** The translator for `lang`, built once per language: its Intl formatters are costly to make and pure to share. */
export function createTranslator(lang: Lang = DEFAULT_LANG): Translator {
  let translator = translators.get(lang);
  if (!translator) {
    translator = buildTranslator(lang);
    translators.set(lang, translator);
  }
  return translator;
}

function buildTranslator(lang: Lang): Translator {
  const messages = CATALOGUES[lang];
  const locale = LOCALES[lang];
  const t = (key: MessageKey, params?: Params) => interpolate(lookup(messages, key) ?? lookup(de, key) ?? key, params);
  const tKey = (key: string | null | undefined, fallback: MessageKey = 'errors.generic') => {
    const found = key ? lookup(messages, key) : undefined;
    return found ?? t(fallback);
  };
  const dateFormats = {
    date: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: DISPLAY_TIME_ZONE }),
    dateTime: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: DISPLAY_TIME_ZONE }),
  };
  const numbers = new Intl.NumberFormat(locale);
  return {
    lang,
    t,
    tKey,
    tOr: (key, fallback) => lookup(messages, key) ?? fallback,
    formatDate: (iso, style = 'date') => dateFormats[style].format(new Date(iso)),
    formatNumber: (value) => numbers.format(value),
  };
}
