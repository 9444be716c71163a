/**
 * The 16 German federal states with the two-digit code that starts every
 * Amtlicher Gemeindeschlüssel (AGS) of a municipality in that state.
 */
export const BUNDESLAENDER = [
  { code: '01', name: 'Schleswig-Holstein' },
  { code: '02', name: 'Hamburg' },
  { code: '03', name: 'Niedersachsen' },
  { code: '04', name: 'Bremen' },
  { code: '05', name: 'Nordrhein-Westfalen' },
  { code: '06', name: 'Hessen' },
  { code: '07', name: 'Rheinland-Pfalz' },
  { code: '08', name: 'Baden-Württemberg' },
  { code: '09', name: 'Bayern' },
  { code: '10', name: 'Saarland' },
  { code: '11', name: 'Berlin' },
  { code: '12', name: 'Brandenburg' },
  { code: '13', name: 'Mecklenburg-Vorpommern' },
  { code: '14', name: 'Sachsen' },
  { code: '15', name: 'Sachsen-Anhalt' },
  { code: '16', name: 'Thüringen' },
] as const;

export type BundeslandCode = (typeof BUNDESLAENDER)[number]['code'];

export const BUNDESLAND_CODES = BUNDESLAENDER.map((b) => b.code) as [BundeslandCode, ...BundeslandCode[]];

export function isBundeslandCode(value: string): value is BundeslandCode {
  return (BUNDESLAND_CODES as readonly string[]).includes(value);
}

export function bundeslandName(code: string): string | undefined {
  return BUNDESLAENDER.find((b) => b.code === code)?.name;
}
