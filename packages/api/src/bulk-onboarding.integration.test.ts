/**
 * Bulk onboarding (docs/decisions/034): each row checked against the
 * register and onboarded on its own (all or nothing per row), the same
 * invitation mail as single onboarding, a report per row, and the same file
 * uploaded again changes nothing ("schon angelegt").
 */
import { readFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { DEMO_IT_PARTNER, DEMO_USERS } from '../../../prisma/seed.ts';
import { type Caller, failure } from './test-support.ts';
import { fileFixtures, seededApiTest } from './testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

const REGISTER = readFileSync(new URL('./test-fixtures/register.csv', import.meta.url), 'utf8');

let platformAdmin: Caller;

test.beforeAll(async ({ api }) => {
  platformAdmin = await api.as(DEMO_USERS.platform);
});

const count = async (sql: string, params: unknown[] = []) =>
  Number((await file.superuser.query(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);

/** Polls the job until it has finished (the rows are few; the bound only stops a hung job from hanging the suite). */
async function finished(id: string) {
  for (let i = 0; i < 600; i++) {
    const job = await platformAdmin.bulkOnboarding.get({ id });
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('bulk onboarding did not finish');
}

const FILE = [
  'ags,hub_name,admin_email,partner',
  `15084550,Digital Hub Weißenfels,chefin@weissenfels.example.org,${DEMO_IT_PARTNER}`,
  '15084777,Digital Hub Erfunden,a@erfunden.example.org,',
  '15084590,Digital Hub Zeitz,admin@zeitz.example.org,',
  '15084355,Digital Hub Naumburg,keine-adresse,',
  '01001000,Digital Hub Flensburg,a@flensburg.example.org,Unbekannter Partner',
  '11000000,Digital Hub Berlin,boom@berlin.example.org,',
  '09162000,Digital Hub München,a@muenchen.example.org,',
].join('\n');

describe('bulk onboarding', () => {
  test('needs a register', async () => {
    expect(await failure(platformAdmin.bulkOnboarding.start({ csv: FILE, fileName: 'orte.csv' }))).toMatchObject({
      code: 'BAD_REQUEST',
      messageKey: 'errors.register.missing',
    });
    expect(await count(`"BulkOnboarding"`)).toBe(0);
  });

  test('refuses a file without the columns, naming them', async () => {
    await platformAdmin.register.import({ csv: REGISTER, effectiveDate: '2019-12-31', source: 'Testauszug' });
    expect(
      await failure(platformAdmin.bulkOnboarding.start({ csv: 'ags,hub\n15084550,Hub\n', fileName: 'x.csv' })),
    ).toMatchObject({ messageKey: 'errors.csv.missingColumns', params: { columns: 'hub_name, admin_email, partner' } });
  });

  test('onboards each valid row on its own, reports every refusal, and mails each new admin once', async ({
    superuser,
  }) => {
    // A fault inside one row's transaction (after its town and hub were written): that row alone is undone.
    await superuser.query(`
      CREATE FUNCTION test_fail_invitation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.email = 'boom@berlin.example.org' THEN RAISE EXCEPTION 'injected fault'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_invitation BEFORE INSERT ON "Invitation" FOR EACH ROW EXECUTE FUNCTION test_fail_invitation();`);
    const { id } = await platformAdmin.bulkOnboarding.start({ csv: FILE, fileName: 'orte.csv' });
    const job = await finished(id);
    expect(job).toMatchObject({ status: 'done', total: 7, processed: 7, fileName: 'orte.csv' });
    expect(job.rows.map((r) => [r.line, r.outcome, r.reasonField, r.reasonKey])).toEqual([
      [2, 'created', null, null],
      [3, 'refused', 'ags', 'errors.tenant.agsNotInRegister'],
      [4, 'exists', null, null],
      [5, 'refused', 'adminEmail', 'validation.email'],
      [6, 'refused', 'partner', 'errors.partner.unknown'],
      [7, 'refused', null, 'errors.bulk.rowFailed'],
      [8, 'created', null, null],
    ]);
    expect(job.rows[1]!.reasonParams).toEqual({ date: '2019-12-31' });

    // The register's name and Land; the partner found by its name.
    const { rows: created } = await superuser.query(
      `SELECT t.name, t.slug, t.bundesland, p.name AS partner FROM "Tenant" t LEFT JOIN "Partner" p ON p.id = t."managingPartnerId"
       WHERE t.ags IN ('15084550', '09162000') ORDER BY t.ags`,
    );
    expect(created).toEqual([
      { name: 'München', slug: 'muenchen', bundesland: '09', partner: null },
      { name: 'Weißenfels', slug: 'weissenfels', bundesland: '15', partner: DEMO_IT_PARTNER },
    ]);
    // Nothing of the refused rows, nothing of the row whose transaction failed half-way.
    expect(await count(`"Tenant" WHERE ags IN ('15084777', '15084355', '01001000', '11000000')`)).toBe(0);
    expect(await count(`"Hub" WHERE name = 'Digital Hub Berlin'`)).toBe(0);
    expect(await count(`"User" WHERE email = 'boom@berlin.example.org'`)).toBe(0);
    // The invitation mail, as single onboarding sends it: one per new admin.
    expect(
      await count(`"OutboxEmail" WHERE kind = 'invitation' AND "toAddress" = 'chefin@weissenfels.example.org'`),
    ).toBe(1);
    expect(await count(`"AuditEvent" WHERE action = 'tenant.onboarded'`)).toBe(2);
    expect(await count(`"AuditLog" WHERE action = 'bulkOnboarding.started' AND "targetId" = $1`, [id])).toBe(1);
  });

  test('changes nothing when the same file is uploaded again: every town reports "already onboarded"', async ({
    superuser,
  }) => {
    await superuser.query(`DROP TRIGGER test_fail_invitation ON "Invitation"`);
    const towns = await count(`"Tenant"`);
    const mails = await count(`"OutboxEmail"`);
    const { id } = await platformAdmin.bulkOnboarding.start({ csv: FILE, fileName: 'orte.csv' });
    const job = await finished(id);
    expect(job.rows.map((r) => r.outcome)).toEqual([
      'exists',
      'refused',
      'exists',
      'refused',
      'refused',
      // The row that failed before goes through now that the fault is gone.
      'created',
      'exists',
    ]);
    expect(await count(`"Tenant"`)).toBe(towns + 1);
    expect(await count(`"OutboxEmail"`)).toBe(mails + 1);
  });

  test('is for the provider only, and a job id of nobody is not found', async ({ api }) => {
    const admin = await api.as(DEMO_USERS.einbeckAdmin);
    expect((await failure(admin.bulkOnboarding.start({ csv: FILE, fileName: 'x.csv' }))).code).toBe('FORBIDDEN');
    expect((await failure(platformAdmin.bulkOnboarding.get({ id: '0190d9a4-0000-7000-8000-000000000000' }))).code).toBe(
      'NOT_FOUND',
    );
  });
});
