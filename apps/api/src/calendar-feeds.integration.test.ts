/**
 * Private iCal feeds over real HTTP (docs/decisions/013): what Outlook,
 * Thunderbird or Nextcloud receive, and that revoked, replaced and foreign
 * tokens all answer 404.
 */
import { Writable } from 'node:stream';
import { useTestDatabase } from '@hubwerk/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, seedDemo } from '../../../prisma/seed.ts';
import { createLogger } from './logger.ts';
import { type RunningApiServer, startApiServer } from './server.ts';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let api: RunningApiServer;
const tokens = new Map<string, string>();

beforeAll(async () => {
  const db = await useTestDatabase({ fresh: true });
  await seedDemo({ platformUrl: db.platformUrl });
  api = await startApiServer({
    port: 0,
    databaseUrl: db.appUrl,
    platformDatabaseUrl: db.platformUrl,
    logger: createLogger({ level: 'info', destination: sink }),
  });
  for (const email of [DEMO_USERS.einbeckMember, DEMO_USERS.einbeckManager, DEMO_USERS.zeitzAdmin]) {
    tokens.set(email, (await call('', 'auth.signIn', { email, password: 'hubwerk-demo' }, 'mutation')).token as string);
  }
});

afterAll(async () => {
  await api?.close();
});

async function call(
  as: string,
  procedure: string,
  input: unknown,
  kind: 'query' | 'mutation' = 'query',
): Promise<Record<string, unknown> & { error?: { message: string } }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = tokens.get(as);
  if (token) headers.authorization = `Bearer ${token}`;
  const response =
    kind === 'mutation'
      ? await fetch(`${api.url}/trpc/${procedure}`, { method: 'POST', headers, body: JSON.stringify(input) })
      : await fetch(`${api.url}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers });
  const body = (await response.json()) as { result?: { data: Record<string, unknown> }; error?: { message: string } };
  return body.result?.data ?? { error: body.error! };
}

const feed = async (path: string) => {
  const response = await fetch(`${api.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};
const unfold = (ics: string) => ics.replace(/\r\n /g, '');

describe('private iCal feeds', () => {
  it("serves a member's own bookings as iCalendar, with cancelled ones as STATUS:CANCELLED", async () => {
    const created = await call(
      DEMO_USERS.einbeckMember,
      'calendarFeeds.create',
      { tenant: 'einbeck', kind: 'member' },
      'mutation',
    );
    const path = created.path as string;
    expect(path).toMatch(/^\/ical\/[0-9a-f-]{36}\/[A-Za-z0-9_-]{43}\.ics$/);
    const mine = (await call(DEMO_USERS.einbeckMember, 'bookings.mine', { tenant: 'einbeck' })).items as Array<{
      id: string;
      spaceName: string;
      deskName: string | null;
    }>;
    expect(mine.length).toBeGreaterThan(0);
    const booking = mine[0]!;

    const first = await feed(path);
    expect(first.status).toBe(200);
    expect(first.type).toBe('text/calendar; charset=utf-8');
    const ics = unfold(first.text);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    const event = ics.slice(ics.indexOf(`UID:${booking.id}@hubwerk`));
    const lines = event.split('END:VEVENT')[0]!.split('\r\n');
    for (const property of [
      /^DTSTAMP:\d{8}T\d{6}Z$/,
      /^LAST-MODIFIED:\d{8}T\d{6}Z$/,
      /^SEQUENCE:1$/,
      /^DTSTART:\d{8}T\d{6}Z$/,
      /^DTEND:\d{8}T\d{6}Z$/,
    ]) {
      expect(lines.filter((l) => property.test(l))).toHaveLength(1);
    }
    expect(event).toContain(`SUMMARY:${booking.spaceName}\\, ${booking.deskName}`);
    expect(event.split('END:VEVENT')[0]).toContain('STATUS:CONFIRMED');
    // Other people's bookings are not in a member's feed.
    expect(ics).not.toContain('Stadtrat');

    await call(DEMO_USERS.einbeckMember, 'bookings.cancel', { tenant: 'einbeck', bookingId: booking.id }, 'mutation');
    const after = unfold((await feed(path)).text);
    const cancelled = after.slice(after.indexOf(`UID:${booking.id}@hubwerk`)).split('END:VEVENT')[0]!;
    expect(cancelled).toContain('STATUS:CANCELLED');
    expect(cancelled).toContain('SEQUENCE:2');
  });

  it("serves a hub's bookings to its manager, with what each is for", async () => {
    const hubs = (await call(DEMO_USERS.einbeckManager, 'hubs.list', { tenant: 'einbeck' })).items as Array<{
      id: string;
    }>;
    const created = await call(
      DEMO_USERS.einbeckManager,
      'calendarFeeds.create',
      { tenant: 'einbeck', kind: 'hub', hubId: hubs[0]!.id },
      'mutation',
    );
    const { status, text } = await feed(created.path as string);
    expect(status).toBe(200);
    expect(unfold(text)).toContain('SUMMARY:Veranstaltungsraum: Stadtrat: Digitalisierungsstrategie');
    expect(unfold(text)).toContain('X-WR-CALNAME:Hubwerk – Digital Hub Einbeck');
    // A member may not follow a whole hub.
    const refused = await call(
      DEMO_USERS.einbeckMember,
      'calendarFeeds.create',
      { tenant: 'einbeck', kind: 'hub', hubId: hubs[0]!.id },
      'mutation',
    );
    expect(refused.error?.message).toBe('errors.forbidden');
  });

  it('answers 404 once revoked, and for the old URL once regenerated', async () => {
    const first = await call(
      DEMO_USERS.einbeckMember,
      'calendarFeeds.create',
      { tenant: 'einbeck', kind: 'member' },
      'mutation',
    );
    const second = await call(
      DEMO_USERS.einbeckMember,
      'calendarFeeds.create',
      { tenant: 'einbeck', kind: 'member' },
      'mutation',
    );
    expect((await feed(first.path as string)).status).toBe(404);
    expect((await feed(second.path as string)).status).toBe(200);
    const listed = (await call(DEMO_USERS.einbeckMember, 'calendarFeeds.list', { tenant: 'einbeck' })).items as Array<{
      id: string;
    }>;
    expect(listed.map((f) => f.id)).toEqual([(second.feed as { id: string }).id]);
    await call(
      DEMO_USERS.einbeckMember,
      'calendarFeeds.revoke',
      { tenant: 'einbeck', feedId: (second.feed as { id: string }).id },
      'mutation',
    );
    expect((await feed(second.path as string)).status).toBe(404);
    expect((await call(DEMO_USERS.einbeckMember, 'calendarFeeds.list', { tenant: 'einbeck' })).items).toEqual([]);
  });

  it("answers 404 for another town's token under this town's id, and for made-up ones", async () => {
    const zeitz = await call(
      DEMO_USERS.zeitzAdmin,
      'calendarFeeds.create',
      { tenant: 'zeitz', kind: 'member' },
      'mutation',
    );
    const einbeck = await call(
      DEMO_USERS.einbeckMember,
      'calendarFeeds.create',
      { tenant: 'einbeck', kind: 'member' },
      'mutation',
    );
    const [, , zeitzId, zeitzToken] = (zeitz.path as string).split('/');
    const [, , einbeckId] = (einbeck.path as string).split('/');
    expect((await feed(zeitz.path as string)).status).toBe(200);
    expect((await feed(`/ical/${einbeckId}/${zeitzToken}`)).status).toBe(404);
    expect((await feed(`/ical/${zeitzId}/${'A'.repeat(43)}.ics`)).status).toBe(404);
    expect((await feed(`/ical/not-a-town/${zeitzToken}`)).status).toBe(404);
    // The token is the secret: the request log never carries it.
    const logged = lines.filter((l) => typeof l.path === 'string' && (l.path as string).startsWith('/ical/'));
    expect(logged.length).toBeGreaterThan(0);
    expect(JSON.stringify(logged)).not.toContain(zeitzToken!.replace('.ics', ''));
  });
});
