/**
 * The official municipality register (docs/decisions/034): import from a
 * file (all rows or none, audited), search, and what onboarding does with a
 * key that is not in it.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

const FIXTURE = readFileSync(new URL('./test-fixtures/register.csv', import.meta.url), 'utf8');
const SOURCE = 'Testauszug (Destatis, Gemeindeverzeichnis)';

let platformAdmin: Caller;

test.beforeAll(async ({ api }) => {
  platformAdmin = await api.as(DEMO_USERS.platform);
});

const count = async (sql: string) => Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`)).rows[0].n);

const town = (name: string, ags: string, extra: Record<string, unknown> = {}) => ({
  name,
  ags,
  bundesland: ags.slice(0, 2) as '15',
  partnerId: null,
  hubName: `Digital Hub ${name}`,
  adminEmail: `admin@${ags}.example.org`,
  idempotencyKey: randomUUID(),
  ...extra,
});

describe('before any register is imported', () => {
  test('says there is none, and onboarding checks only the form of a key', async () => {
    expect(await platformAdmin.register.status({})).toEqual({ current: null });
    expect((await platformAdmin.register.search({ query: 'Zeitz' })).items).toEqual([]);
    const { tenant } = await platformAdmin.tenants.onboard(town('Vorher', '15084901'));
    expect(tenant.slug).toBe('vorher');
  });
});

describe('importing the register', () => {
  test('takes every row of the file, records its date and source, and audits the import', async ({ superuser }) => {
    const imported = await platformAdmin.register.import({ csv: FIXTURE, effectiveDate: '2019-12-31', source: SOURCE });
    expect(imported).toMatchObject({ effectiveDate: '2019-12-31', source: SOURCE, rowCount: 11 });
    expect(await count(`"Municipality"`)).toBe(11);
    expect((await platformAdmin.register.status({})).current).toMatchObject({
      effectiveDate: '2019-12-31',
      rowCount: 11,
    });
    const { rows } = await superuser.query(
      `SELECT "actorUserId", data FROM "AuditLog" WHERE action = 'register.imported'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].data).toMatchObject({ rowCount: 11, effectiveDate: '2019-12-31' });
  });

  test('refuses a file with one bad row, naming line and column, and keeps the register as it was', async () => {
    const lines = FIXTURE.trimEnd().split('\n');
    const broken = [...lines.slice(0, 3), lines[3]!.replace(/^\d{8}/, '1234567'), ...lines.slice(4)].join('\n');
    expect(
      await failure(platformAdmin.register.import({ csv: broken, effectiveDate: '2020-12-31', source: SOURCE })),
    ).toEqual({
      code: 'BAD_REQUEST',
      messageKey: 'errors.register.invalidRow',
      fieldErrors: { csv: ['validation.ags.format'] },
      params: { line: '4', column: 'ags' },
    });
    const duplicate = `${FIXTURE.trimEnd()}\n${lines[1]}\n`;
    expect(
      await failure(platformAdmin.register.import({ csv: duplicate, effectiveDate: '2020-12-31', source: SOURCE })),
    ).toMatchObject({ fieldErrors: { csv: ['errors.register.duplicateAgs'] }, params: { line: '13', column: 'ags' } });
    expect(
      await failure(
        platformAdmin.register.import({
          csv: 'ags,name\n01001000,Flensburg\n',
          effectiveDate: '2020-12-31',
          source: SOURCE,
        }),
      ),
    ).toMatchObject({ messageKey: 'errors.csv.missingColumns', params: { columns: 'land, kreis, population, plz' } });
    expect(await count(`"Municipality"`)).toBe(11);
    expect((await platformAdmin.register.status({})).current?.effectiveDate).toBe('2019-12-31');
  });

  test('replaces the whole register with the next import', async () => {
    const smaller = FIXTURE.trimEnd().split('\n').slice(0, 6).join('\n');
    await platformAdmin.register.import({ csv: smaller, effectiveDate: '2020-12-31', source: SOURCE });
    expect(await count(`"Municipality"`)).toBe(5);
    await platformAdmin.register.import({ csv: FIXTURE, effectiveDate: '2019-12-31', source: SOURCE });
    expect(await count(`"Municipality"`)).toBe(11);
  });

  test('takes two imports at once in turn: both succeed, one whole register remains', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        platformAdmin.register.import({ csv: FIXTURE, effectiveDate: '2019-12-31', source: `${SOURCE} ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await count(`"Municipality"`)).toBe(11);
  });

  test('is for the provider only', async ({ api }) => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    expect(
      (await failure(admin.register.import({ csv: FIXTURE, effectiveDate: '2019-12-31', source: SOURCE }))).code,
    ).toBe('FORBIDDEN');
  });
});

describe('searching the register', () => {
  test('finds by name (any part, any case), postal code and key', async () => {
    const names = async (query: string) => (await platformAdmin.register.search({ query })).items.map((m) => m.name);
    expect(await names('zeitz')).toEqual(['Zeitz, Stadt']);
    expect(await names('NEUSTADT')).toEqual(['Neustadt am Rübenberge, Stadt', 'Neustadt (Hessen), Stadt']);
    expect(await names('06712')).toEqual(['Zeitz, Stadt']);
    expect(await names('15084590')).toEqual(['Zeitz, Stadt']);
    // The first digits of a key: the Burgenlandkreis, biggest first.
    expect(await names('15084')).toEqual(['Weißenfels, Stadt', 'Naumburg (Saale), Stadt', 'Zeitz, Stadt']);
    const [zeitz] = (await platformAdmin.register.search({ query: 'Zeitz' })).items;
    expect(zeitz).toEqual({
      ags: '15084590',
      name: 'Zeitz, Stadt',
      land: '15',
      kreis: 'Burgenlandkreis',
      postalCode: '06712',
      population: 27601,
    });
  });
});

describe('onboarding against the register', () => {
  test('refuses a key that is not in the register, naming its date, until the caller confirms it', async () => {
    expect(await failure(platformAdmin.tenants.onboard(town('Erfunden', '15084777')))).toEqual({
      code: 'BAD_REQUEST',
      messageKey: 'errors.tenant.agsNotInRegister',
      fieldErrors: { ags: ['errors.tenant.agsNotInRegister'] },
      params: { date: '2019-12-31' },
    });
    expect(await count(`"Tenant" WHERE ags = '15084777'`)).toBe(0);
    const { tenant } = await platformAdmin.tenants.onboard(
      town('Erfunden', '15084777', { confirmNotInRegister: true }),
    );
    expect(tenant.slug).toBe('erfunden');
  });

  test('takes a key from the register without a confirmation', async () => {
    const { tenant } = await platformAdmin.tenants.onboard(town('Weißenfels', '15084550'));
    expect(tenant.slug).toBe('weissenfels');
  });
});
