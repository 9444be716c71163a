import type { MessageKey, Translator } from '~/i18n/index.ts';

/** Form errors as the API sends them: i18n keys, per field and for the form. */
export interface FormErrorKeys {
  formError: string | null;
  fieldErrors: Record<string, string[]>;
}

export interface SummaryItem {
  /** The id of the input to jump to, when the error belongs to a field on the page. */
  href: string | null;
  message: string;
}

export interface TranslatedErrors {
  summary: SummaryItem[];
  byField: Record<string, string[]>;
}

/**
 * Translates error keys; errors for fields that are not on the form (e.g. a
 * hidden id) go to the summary only. `fields` maps field name → input id.
 */
export function translateErrors(
  tr: Translator,
  errors: FormErrorKeys | null | undefined,
  fields: Record<string, string>,
  fallback: MessageKey = 'validation.invalid',
): TranslatedErrors {
  const summary: SummaryItem[] = [];
  const byField: Record<string, string[]> = {};
  if (!errors) return { summary, byField };
  if (errors.formError) summary.push({ href: null, message: tr.tKey(errors.formError, 'errors.generic') });
  // In the order of the fields on the page, then anything else.
  const order = Object.keys(fields);
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  const entries = Object.entries(errors.fieldErrors).sort(([a], [b]) => rank(a) - rank(b));
  for (const [field, keys] of entries) {
    const messages = [...new Set(keys.map((key) => tr.tKey(key, fallback)))];
    const inputId = fields[field];
    if (inputId) {
      byField[field] = messages;
      for (const message of messages) summary.push({ href: `#${inputId}`, message });
    } else {
      for (const message of messages) summary.push({ href: null, message });
    }
  }
  return { summary, byField };
}

/** The submitted text values, to put back into the form after an error (never passwords). */
export function keepValues(form: FormData, names: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (typeof value === 'string') values[name] = value;
  }
  return values;
}

/**
 * The idempotency key a form carries (docs/decisions/033): made by the loader
 * when the form renders, sent as a hidden field, so a double submit or a
 * retry after a lost answer makes one booking, not two. Absent or malformed
 * (a hand-made post): no key, the API works as without one.
 */
export function idempotencyKeyOf(form: FormData): { idempotencyKey?: string } {
  const value = text(form, 'idempotencyKey');
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? { idempotencyKey: value } : {};
}

export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** A whole number typed into a field; NaN for anything else (the API names the field then). */
export function integer(form: FormData, name: string): number {
  const value = text(form, name);
  return /^-?\d+$/.test(value) ? Number.parseInt(value, 10) : Number.NaN;
}

export function optionalText(form: FormData, name: string): string | undefined {
  const value = text(form, name);
  return value === '' ? undefined : value;
}
