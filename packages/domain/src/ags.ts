import { isBundeslandCode } from './bundeslaender.ts';

/** Why an AGS was rejected; each value is also an i18n message key suffix. */
export type AgsProblem = 'format' | 'bundesland' | 'mismatch';

/**
 * Checks an Amtlicher Gemeindeschlüssel: exactly 8 digits whose first two are
 * a Bundesland code (01–16) and, when given, the Bundesland the user chose.
 */
export function checkAgs(ags: string, bundesland?: string): AgsProblem | null {
  if (!/^\d{8}$/.test(ags)) return 'format';
  const prefix = ags.slice(0, 2);
  if (!isBundeslandCode(prefix)) return 'bundesland';
  if (bundesland !== undefined && bundesland !== prefix) return 'mismatch';
  return null;
}
