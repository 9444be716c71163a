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
  return { ...keepValues(form, ['issuer', 'clientId', 'allowedDomains', 'defaultRole']), enabled: form.get('enabled') === 'on' ? 'on' : 'off' };
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
