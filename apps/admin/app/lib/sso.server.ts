import { data } from '@remix-run/node';
import { mutate, requireMe } from '~/lib/api.server.ts';
import { keepValues, text } from '~/lib/forms.ts';

/** The SSO settings form as the API takes it (domains: comma, space or line separated). */
export function ssoConfigInput(form: FormData) {
  return {
    issuer: text(form, 'issuer'),
    clientId: text(form, 'clientId'),
    clientSecret: typeof form.get('clientSecret') === 'string' ? (form.get('clientSecret') as string) : '',
    allowedDomains: text(form, 'allowedDomains')
      .split(/[\s,;]+/)
      .map((d) => d.trim())
      .filter(Boolean),
    enabled: form.get('enabled') === 'on',
  };
}

/** What the form shows again after an error (never the secret). */
export function ssoConfigValues(form: FormData): Record<string, string> {
  return {
    ...keepValues(form, ['issuer', 'clientId', 'allowedDomains', 'defaultRole']),
    enabled: form.get('enabled') === 'on' ? 'on' : 'off',
  };
}

/** "allowedDomains.2" → "allowedDomains": the form has one field for the whole list. */
export function ssoFieldErrors(fieldErrors: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [field, keys] of Object.entries(fieldErrors)) {
    const name = field.startsWith('allowedDomains.') ? 'allowedDomains' : field;
    out[name] = [...new Set([...(out[name] ?? []), ...keys])];
  }
  return out;
}

/** The action of both SSO settings pages (town and partner), after their origin check: `save` sends the form to the API. */
export async function saveSsoConfig(request: Request, save: (form: FormData) => Promise<unknown>) {
  await requireMe(request);
  const form = await request.formData();
  const result = await mutate(request, () => save(form));
  if (!result.ok)
    return data(
      {
        ok: false as const,
        errors: { formError: result.formError, fieldErrors: ssoFieldErrors(result.fieldErrors) },
        values: ssoConfigValues(form),
      },
      { status: 400 },
    );
  return { ok: true as const, errors: null, values: null };
}

export type SsoSaveResult =
  | { ok: true; errors: null; values: null }
  | {
      ok: false;
      errors: { formError: string | null; fieldErrors: Record<string, string[]> };
      values: Record<string, string>;
    };
