/** Form helpers of the organisation pages (no server-only code: shared by loader, action and view). */
export const ORGANISATION_KINDS = ['company', 'startup', 'association', 'administration'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** An allowance field: empty = no limit (null); anything else goes to the API as a number, which names a bad one. */
export function allowance(form: FormData, name: string): number | null {
  const value = form.get(name);
  const raw = typeof value === 'string' ? value.trim() : '';
  return raw === '' ? null : Number(raw);
}

export function planFrom(form: FormData) {
  return {
    deskDaysPerMonth: allowance(form, 'deskDaysPerMonth'),
    roomHoursPerMonth: allowance(form, 'roomHoursPerMonth'),
  };
}

export const asKind = (value: string): OrganisationKind =>
  (ORGANISATION_KINDS as readonly string[]).includes(value) ? (value as OrganisationKind) : ('' as OrganisationKind);
