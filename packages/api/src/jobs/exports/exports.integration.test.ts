/**
 * DSGVO data export of a town, against a real database with the demo's three
 * towns: the ZIP holds the town's rows and no other town's, no secrets; the
 * job reports progress up to 100 %; it works while the town is read-only;
 * only the user who asked may download it, and only until it expires.
 */
import { TRPCError } from '@trpc/server';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect } from 'vitest';
import { DEMO_USERS } from '../../../../../prisma/seed.ts';
import { describeError } from '../../errors.ts';
import { csvLine } from './export-archive.ts';
import type { Caller } from '../../test-support.ts';
import { fileFixtures, seededApiTest } from '../../testing/fixtures.ts';

const test = seededApiTest();
const file = fileFixtures(test);

let einbeckAdmin: Caller;

test.beforeAll(async ({ api }) => {
  einbeckAdmin = await api.as(DEMO_USERS.einbeckAdmin);
});

const rows = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await file.superuser.query(sql, params)).rows as T[];
const townId = async (slug: string) =>
  (await rows<{ id: string }>(`SELECT id FROM "Tenant" WHERE slug = $1`, [slug]))[0]!.id;

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return `${error.code} ${describeError(error).messageKey}`;
  }
  throw new Error('expected the call to fail');
}

/** Polls the job until it is done; returns every progress value seen on the way. */
async function waitUntilDone(caller: Caller, tenant: string, exportId: string) {
  const seen: number[] = [];
  for (let i = 0; i < 300; i++) {
    const job = await caller.exports.get({ tenant, exportId });
    seen.push(job.progress);
    if (job.status !== 'queued' && job.status !== 'running') return { job, seen };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('export did not finish in 30 s');
}

async function download(caller: Caller, tenant: string, exportId: string) {
  const parts: Buffer[] = [];
  let offset: number | null = 0;
  let fileName = '';
  while (offset !== null) {
    const chunk: { fileName: string; chunkBase64: string; nextOffset: number | null } = await caller.exports.download({
      tenant,
      exportId,
      offset,
    });
    fileName = chunk.fileName;
    parts.push(Buffer.from(chunk.chunkBase64, 'base64'));
    offset = chunk.nextOffset;
  }
  const zip = Buffer.concat(parts);
  const raw = unzipSync(new Uint8Array(zip));
  // strFromU8 (TextDecoder) drops a leading BOM; `raw` keeps the bytes.
  const files = Object.fromEntries(Object.entries(raw).map(([name, bytes]) => [name, strFromU8(bytes)]));
  return { fileName, zip, raw, files, text: Object.values(files).join('\n') };
}

describe('data export of a town', () => {
  let exportId: string;
  let archive: Awaited<ReturnType<typeof download>>;

  test.beforeAll(async ({ superuser }) => {
    // A Stripe id on Einbeck's billing row: it must not leave through the export.
    await superuser.query(
      `UPDATE "TenantBilling" SET "stripeCustomerId" = 'cus_geheim_einbeck', "stripeSubscriptionId" = 'sub_geheim_einbeck', "vatId" = 'DE123456789' WHERE "tenantId" = $1`,
      [await townId('einbeck')],
    );
    // A photo of an Einbeck space: its description goes into the export, its bytes do not (ADR 019).
    await superuser.query(
      `INSERT INTO "SpacePhoto" ("tenantId", id, "spaceId", position, "altText", width, height, "byteSize", sha256, image, thumbnail, "thumbWidth", "thumbHeight")
       SELECT s."tenantId", gen_random_uuid(), s.id, 0, 'Saal mit Bühne', 1, 1, 12, repeat('a', 64), convert_to('BILDBYTES-42', 'UTF8'), convert_to('BILDBYTES-42', 'UTF8'), 1, 1 FROM "Space" s WHERE s."tenantId" = $1 LIMIT 1`,
      [await townId('einbeck')],
    );
    const auditBefore = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditLog"`);
    ({ id: exportId } = await einbeckAdmin.exports.start({ tenant: 'einbeck' }));
    const { job, seen } = await waitUntilDone(einbeckAdmin, 'einbeck', exportId);
    // Every use of the platform (bypass) client writes an audit entry: the only new one is export.started,
    // so the worker read the town through the app client, under RLS.
    const auditAfter = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditLog"`);
    expect(auditAfter[0]!.n - auditBefore[0]!.n).toBe(1);
    expect(job).toMatchObject({ status: 'ready', progress: 100, downloadable: true, errorKey: null });
    // Progress only moves forward.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    archive = await download(einbeckAdmin, 'einbeck', exportId);
  });

  test('reaches 100 % and offers an expiring ZIP named after the town', async () => {
    const job = await einbeckAdmin.exports.get({ tenant: 'einbeck', exportId });
    expect(job.sizeBytes).toBe(archive.zip.length);
    expect(new Date(job.expiresAt!).getTime() - new Date(job.finishedAt!).getTime()).toBe(24 * 3_600_000);
    expect(archive.fileName).toMatch(/^datenexport-einbeck-\d{4}-\d{2}-\d{2}\.zip$/);
    expect(Object.keys(archive.files).sort()).toEqual(
      [
        'LIESMICH.txt',
        'manifest.json',
        'town.json',
        'billing.json',
        ...[
          'hubs',
          'spaces',
          'space-photos',
          'desks',
          'opening-hours',
          'closing-days',
          'bookings',
          'members',
          'hub-assignments',
          'invitations',
          'audit-log',
        ].flatMap((f) => [`${f}.json`, `${f}.csv`]),
      ].sort(),
    );
  });

  test("contains every row of the town's tables, as JSON and CSV", async () => {
    const einbeck = await townId('einbeck');
    const tables: Array<[string, string]> = [
      ['hubs', 'Hub'],
      ['spaces', 'Space'],
      ['space-photos', 'SpacePhoto'],
      ['desks', 'Desk'],
      ['opening-hours', 'OpeningHours'],
      ['closing-days', 'OpeningException'],
      ['bookings', 'Booking'],
      ['members', 'TenantMembership'],
      ['hub-assignments', 'HubAssignment'],
      ['invitations', 'Invitation'],
      ['audit-log', 'AuditEvent'],
    ];
    const manifest = JSON.parse(archive.files['manifest.json']!) as { files: Array<{ file: string; rows: number }> };
    for (const [file, table] of tables) {
      // The audit log grows while we look (export.started, export.downloaded): compare with what the export saw.
      const ids = (
        await rows<{ id: string }>(`SELECT id FROM "${table}" WHERE "tenantId" = $1 ORDER BY id`, [einbeck])
      ).map((r) => r.id);
      const exported = (JSON.parse(archive.files[`${file}.json`]!) as Array<{ id: string }>).map((r) => r.id);
      if (file === 'audit-log') expect(ids).toEqual(expect.arrayContaining(exported));
      else expect(exported).toEqual(ids);
      expect(exported.length, file).toBeGreaterThan(file === 'closing-days' || file === 'invitations' ? -1 : 0);
      const csv = archive.files[`${file}.csv`]!.replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(csv.length - 1, `${file}.csv`).toBe(exported.length);
      expect(manifest.files.find((f) => f.file === `${file}.json`)?.rows).toBe(exported.length);
    }
    expect(JSON.parse(archive.files['town.json']!)).toMatchObject({
      id: einbeck,
      slug: 'einbeck',
      name: 'Einbeck',
      ags: '03155013',
    });
    expect(JSON.parse(archive.files['billing.json']!)).toMatchObject({ plan: 'standard', vatId: 'DE123456789' });
    const members = JSON.parse(archive.files['members.json']!) as Array<{ email: string; role: string }>;
    expect(members).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: DEMO_USERS.einbeckAdmin, role: 'town-admin' }),
        expect.objectContaining({ email: DEMO_USERS.einbeckMember, role: 'member' }),
      ]),
    );
    expect(JSON.parse(archive.files['space-photos.json']!)).toEqual([
      expect.objectContaining({ altText: 'Saal mit Bühne', byteSize: 12, contentType: 'image/webp' }),
    ]);
    expect(
      archive.text.includes('BILDBYTES-42') || archive.text.includes(Buffer.from('BILDBYTES-42').toString('base64')),
    ).toBe(false);
    expect(archive.files['LIESMICH.txt']).toContain('Die Bilddateien der Fotos sind nicht im Archiv');
    expect(archive.files['members.csv']!.split('\r\n')[0]).toBe(
      csvLine(['id', 'userId', 'name', 'email', 'role', 'createdAt']),
    );
    // UTF-8 with BOM, so spreadsheet software reads umlauts right.
    expect([...archive.raw['members.csv']!.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  test("contains no other town's rows", async () => {
    const foreignIds = await rows<{ id: string }>(`
      SELECT id::text FROM "Tenant" WHERE slug <> 'einbeck'
      UNION ALL SELECT x.id::text FROM "Hub" x JOIN "Tenant" t ON t.id = x."tenantId" WHERE t.slug <> 'einbeck'
      UNION ALL SELECT x.id::text FROM "Space" x JOIN "Tenant" t ON t.id = x."tenantId" WHERE t.slug <> 'einbeck'
      UNION ALL SELECT x.id::text FROM "Booking" x JOIN "Tenant" t ON t.id = x."tenantId" WHERE t.slug <> 'einbeck'
      UNION ALL SELECT x.id::text FROM "TenantMembership" x JOIN "Tenant" t ON t.id = x."tenantId" WHERE t.slug <> 'einbeck'
      UNION ALL SELECT x.id::text FROM "AuditLog" x JOIN "Tenant" t ON t.id = x."tenantId" WHERE t.slug <> 'einbeck'`);
    expect(foreignIds.length).toBeGreaterThan(10);
    const leaked = foreignIds.filter((r) => archive.text.includes(r.id));
    expect(leaked).toEqual([]);
    for (const foreign of ['Sangerhausen', 'Zeitz', DEMO_USERS.sangerhausenAdmin, DEMO_USERS.zeitzAdmin])
      expect(archive.text).not.toContain(foreign);
  });

  test('contains no secrets: no password hashes, session or invitation tokens, no Stripe ids', async () => {
    const secrets = await rows<{ s: string }>(`
      SELECT "passwordHash" AS s FROM "User" WHERE "passwordHash" IS NOT NULL
      UNION ALL SELECT "tokenHash" FROM "Session"
      UNION ALL SELECT "tokenHash" FROM "Invitation"
      UNION ALL SELECT "tokenHash" FROM "PasswordResetToken"`);
    expect(secrets.length).toBeGreaterThan(5);
    expect(secrets.filter((r) => archive.text.includes(r.s))).toEqual([]);
    expect(archive.text).not.toMatch(
      /passwordHash|tokenHash|platformRole|argon2|cus_geheim|sub_geheim|stripeCustomerId|stripeSubscriptionId/i,
    );
  });

  test('is recorded in the audit log: started and downloaded, by whom', async () => {
    const events = await rows<{ action: string; actor: string }>(
      `SELECT a.action, u.email AS actor FROM "AuditLog" a JOIN "User" u ON u.id = a."actorUserId" WHERE a."targetId" = $1 ORDER BY a.id`,
      [exportId],
    );
    expect(events).toEqual([
      { action: 'export.started', actor: DEMO_USERS.einbeckAdmin },
      { action: 'export.downloaded', actor: DEMO_USERS.einbeckAdmin },
    ]);
  });

  test('is downloadable by its requester only: another user, another town and other roles get "not found" (or forbidden)', async ({
    api,
  }) => {
    const platform = await api.as(DEMO_USERS.platform);
    const sangerhausen = await api.as(DEMO_USERS.sangerhausenAdmin);
    const member = await api.as(DEMO_USERS.einbeckMember);
    const missing = crypto.randomUUID();
    // The provider may export Einbeck itself, but not take the town admin's archive.
    expect(await failure(platform.exports.download({ tenant: 'einbeck', exportId }))).toBe('NOT_FOUND errors.notFound');
    expect(await failure(platform.exports.get({ tenant: 'einbeck', exportId }))).toBe('NOT_FOUND errors.notFound');
    expect(await failure(platform.exports.download({ tenant: 'einbeck', exportId: missing }))).toBe(
      'NOT_FOUND errors.notFound',
    );
    // Another town's admin: through its own town (RLS hides the row) or through Einbeck (the tier refuses the town).
    expect(await failure(sangerhausen.exports.download({ tenant: 'sangerhausen', exportId }))).toBe(
      'NOT_FOUND errors.notFound',
    );
    expect(await failure(sangerhausen.exports.download({ tenant: 'einbeck', exportId }))).toBe(
      'NOT_FOUND errors.notFound',
    );
    expect(await failure(member.exports.download({ tenant: 'einbeck', exportId }))).toBe('FORBIDDEN errors.forbidden');
    expect(await failure(member.exports.start({ tenant: 'einbeck' }))).toBe('FORBIDDEN errors.forbidden');
    expect((await platform.exports.list({ tenant: 'einbeck' })).items.map((i) => i.id)).not.toContain(exportId);
    expect((await einbeckAdmin.exports.list({ tenant: 'einbeck' })).items.map((i) => i.id)).toContain(exportId);
  });

  test('expires: after expiresAt the download is refused and the next export removes the archive', async ({
    superuser,
  }) => {
    const { id } = await einbeckAdmin.exports.start({ tenant: 'einbeck' });
    await waitUntilDone(einbeckAdmin, 'einbeck', id);
    await superuser.query(`UPDATE "TenantExport" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [id]);
    expect(await einbeckAdmin.exports.get({ tenant: 'einbeck', exportId: id })).toMatchObject({
      status: 'ready',
      downloadable: false,
    });
    expect(await failure(einbeckAdmin.exports.download({ tenant: 'einbeck', exportId: id }))).toBe(
      'NOT_FOUND errors.export.expired',
    );
    const next = await einbeckAdmin.exports.start({ tenant: 'einbeck' });
    await waitUntilDone(einbeckAdmin, 'einbeck', next.id);
    expect(
      (
        await rows<{ archived: boolean }>(`SELECT archive IS NOT NULL AS archived FROM "TenantExport" WHERE id = $1`, [
          id,
        ])
      )[0]!.archived,
    ).toBe(false);
  });
});

describe('data export of a read-only (overdue) town', () => {
  test('works while every other change is refused', async ({ api, superuser }) => {
    const zeitz = await townId('zeitz');
    // The billing row and the town row's copy together, as the billing webhook writes them.
    await superuser.query(
      `WITH billing AS (UPDATE "TenantBilling" SET status = 'PAST_DUE', "pastDueSince" = now() - interval '20 days' WHERE "tenantId" = $1 RETURNING "pastDueSince")
       UPDATE "Tenant" SET "paymentOverdueSince" = (SELECT "pastDueSince" FROM billing) WHERE id = $1`,
      [zeitz],
    );
    try {
      const admin = await api.as(DEMO_USERS.zeitzAdmin);
      expect(await failure(admin.hubs.create({ tenant: 'zeitz', name: 'Schreibversuch' }))).toBe(
        'PRECONDITION_FAILED errors.billing.readOnly.paymentOverdue',
      );
      const { id } = await admin.exports.start({ tenant: 'zeitz' });
      const { job } = await waitUntilDone(admin, 'zeitz', id);
      expect(job).toMatchObject({ status: 'ready', progress: 100 });
      const { files } = await download(admin, 'zeitz', id);
      expect(JSON.parse(files['town.json']!)).toMatchObject({ slug: 'zeitz' });
      expect(JSON.parse(files['billing.json']!)).toMatchObject({ status: 'past-due' });
    } finally {
      await superuser.query(
        `WITH billing AS (UPDATE "TenantBilling" SET status = 'NONE', "pastDueSince" = NULL WHERE "tenantId" = $1)
         UPDATE "Tenant" SET "paymentOverdueSince" = NULL WHERE id = $1`,
        [zeitz],
      );
    }
  });
});
