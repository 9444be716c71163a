/**
 * Demo data for local development and the end-to-end tests. Dev only: every
 * account's password is "hubwerk-demo" (documented in the README).
 *
 *   npx prisma db seed        (uses PLATFORM_DATABASE_URL)
 */
import { hashPassword } from '@hubwerk/auth';
import { createPlatformClient, type PlatformTx } from '@hubwerk/db';
import { addDays, localParts, weekdayOf, zonedToUtc } from '@hubwerk/domain';

export const DEMO_PASSWORD = 'hubwerk-demo';
export const DEMO_IT_PARTNER = 'Regionaler IT-Partner Harz';

export const DEMO_USERS = {
  platform: 'platform@hubwerk.test',
  support: 'support@hubwerk.test',
  partner: 'partner@hubwerk.test',
  einbeckAdmin: 'admin@einbeck.hubwerk.test',
  einbeckManager: 'manager@einbeck.hubwerk.test',
  einbeckMember: 'member@einbeck.hubwerk.test',
  einbeckMember2: 'member2@einbeck.hubwerk.test',
  sangerhausenAdmin: 'admin@sangerhausen.hubwerk.test',
  zeitzAdmin: 'admin@zeitz.hubwerk.test',
} as const;

const TOWNS = [
  {
    name: 'Einbeck',
    slug: 'einbeck',
    ags: '03155013',
    bundesland: '03',
    partner: true,
    hub: {
      name: 'Digital Hub Einbeck',
      slug: 'digital-hub-einbeck',
      thematicFocus: 'Vitale Gemeinschaften',
      city: 'Einbeck',
      postalCode: '37574',
      isPublic: true,
    },
  },
  {
    name: 'Sangerhausen',
    slug: 'sangerhausen',
    ags: '15087370',
    bundesland: '15',
    partner: true,
    hub: {
      name: 'Digital Hub Sangerhausen',
      slug: 'digital-hub-sangerhausen',
      thematicFocus: 'Mobilität',
      city: 'Sangerhausen',
      postalCode: '06526',
    },
  },
  {
    name: 'Zeitz',
    slug: 'zeitz',
    ags: '15084590',
    bundesland: '15',
    partner: false,
    hub: {
      name: 'Digital Hub Zeitz',
      slug: 'digital-hub-zeitz',
      thematicFocus: 'Digitale Daseinsvorsorge',
      city: 'Zeitz',
      postalCode: '06712',
    },
  },
] as const;

/** Seeds the demo data unless the database already has towns. Returns whether it seeded. */
export async function seedDemo(options: { platformUrl: string }): Promise<boolean> {
  const platform = createPlatformClient({ url: options.platformUrl, poolSize: 1 });
  try {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    return await platform.run(
      async (tx) => {
        if ((await tx.tenant.count()) > 0) return false;
        await seed(tx, passwordHash);
        return true;
      },
      (seeded) => ({
        action: seeded ? 'demo.seeded' : 'demo.seedSkipped',
        actorUserId: null,
        reason: 'development demo data',
      }),
    );
  } finally {
    await platform.close();
  }
}

async function seed(tx: PlatformTx, passwordHash: string) {
  const user = (email: string, name: string, platformRole?: 'PLATFORM_ADMIN' | 'PLATFORM_SUPPORT') =>
    tx.user.create({ data: { email, name, passwordHash, platformRole: platformRole ?? null } });

  await user(DEMO_USERS.platform, 'Petra Plattform', 'PLATFORM_ADMIN');
  await user(DEMO_USERS.support, 'Sven Support', 'PLATFORM_SUPPORT');

  const partner = await tx.partner.create({
    data: {
      kind: 'IT_PARTNER',
      name: DEMO_IT_PARTNER,
      slug: 'regionaler-it-partner-harz',
      region: 'Harz und Südniedersachsen',
    },
  });
  await tx.partner.create({
    data: {
      kind: 'REGIONAL_PROVIDER',
      name: 'Mobilitätswerk Südharz',
      slug: 'mobilitaetswerk-suedharz',
      region: 'Mansfeld-Südharz',
    },
  });
  const partnerAdmin = await user(DEMO_USERS.partner, 'Paul Partner');
  await tx.partnerMembership.create({
    data: { partnerId: partner.id, userId: partnerAdmin.id, role: 'PARTNER_ADMIN' },
  });

  for (const town of TOWNS) {
    const tenant = await tx.tenant.create({
      data: {
        name: town.name,
        slug: town.slug,
        ags: town.ags,
        bundesland: town.bundesland,
        status: 'ACTIVE',
        managingPartnerId: town.partner ? partner.id : null,
      },
    });
    const hub = await tx.hub.create({ data: { tenantId: tenant.id, ...town.hub } });
    // The pilot towns run on Standard (up to 3 hubs) under the provider's framework agreement, billed outside Stripe until they subscribe.
    await tx.tenantBilling.create({ data: { tenantId: tenant.id, plan: 'STANDARD' } });
    const admin = await user(`admin@${town.slug}.hubwerk.test`, `Verwaltung ${town.name}`);
    await tx.tenantMembership.create({ data: { tenantId: tenant.id, userId: admin.id, role: 'TOWN_ADMIN' } });
    const spaces = await seedSpaces(tx, tenant.id, hub.id);
    // One booking per town, so the isolation suite has a foreign booking to attack.
    await tx.booking.create({
      data: {
        tenantId: tenant.id,
        spaceId: spaces.eventRoom.id,
        userId: admin.id,
        ...nextWorkday(2, 9 * 60, 11 * 60),
        purpose: 'Stadtrat: Digitalisierungsstrategie',
        attendees: 12,
      },
    });
    if (town.slug === 'einbeck') {
      const manager = await user(DEMO_USERS.einbeckManager, 'Hanna Hubmanagerin');
      const membership = await tx.tenantMembership.create({
        data: { tenantId: tenant.id, userId: manager.id, role: 'HUB_MANAGER' },
      });
      await tx.hubAssignment.create({
        data: { tenantId: tenant.id, hubId: hub.id, membershipId: membership.id, userId: manager.id },
      });
      const member = await user(DEMO_USERS.einbeckMember, 'Mia Mitglied');
      await tx.tenantMembership.create({ data: { tenantId: tenant.id, userId: member.id, role: 'MEMBER' } });
      await tx.booking.create({
        data: {
          tenantId: tenant.id,
          spaceId: spaces.coworking.id,
          deskId: spaces.desks[0]!.id,
          userId: member.id,
          ...nextWorkday(1, 8 * 60, 18 * 60),
          purpose: 'Co-Working',
        },
      });
      // A second member, so two people can want the same desk.
      const member2 = await user(DEMO_USERS.einbeckMember2, 'Max Mitglied');
      await tx.tenantMembership.create({ data: { tenantId: tenant.id, userId: member2.id, role: 'MEMBER' } });
    }
  }
}

/**
 * What every Digital Hub has (PRODUCT.md): an event room, a showroom and a
 * co-working space with six desks; open Monday to Friday, 8 to 18 o'clock.
 */
async function seedSpaces(tx: PlatformTx, tenantId: string, hubId: string) {
  for (let weekday = 1; weekday <= 5; weekday++) {
    await tx.openingHours.create({ data: { tenantId, hubId, weekday, opensAt: 8 * 60, closesAt: 18 * 60 } });
  }
  const eventRoom = await tx.space.create({
    data: {
      tenantId,
      hubId,
      kind: 'EVENT_ROOM',
      name: 'Veranstaltungsraum',
      capacity: 40,
      amenities: ['Beamer', 'Videokonferenz', 'Küche'],
      accessibilityNotes: 'Stufenloser Zugang, Induktionsschleife',
      granularityMinutes: 30,
      minDurationMinutes: 60,
      maxDurationMinutes: 600,
      bufferMinutes: 30,
      approvalRequired: false,
    },
  });
  await tx.space.create({
    data: {
      tenantId,
      hubId,
      kind: 'SHOWROOM',
      name: 'Showroom',
      capacity: 15,
      amenities: ['Bildschirme'],
      accessibilityNotes: 'Stufenloser Zugang',
      granularityMinutes: 60,
      minDurationMinutes: 60,
      maxDurationMinutes: 480,
      approvalRequired: true,
    },
  });
  const coworking = await tx.space.create({
    data: {
      tenantId,
      hubId,
      kind: 'COWORKING',
      name: 'Co-Working',
      capacity: 6,
      amenities: ['WLAN', 'Küche'],
      accessibilityNotes: null,
      granularityMinutes: 60,
      minDurationMinutes: 60,
      maxDurationMinutes: 600,
      horizonDays: 30,
    },
  });
  const desks = [];
  for (let i = 1; i <= 6; i++) {
    desks.push(
      await tx.desk.create({
        data: {
          tenantId,
          spaceId: coworking.id,
          name: `Arbeitsplatz ${String(i).padStart(2, '0')}`,
          attributes: i <= 2 ? ['Stehpult', 'Monitor'] : ['Monitor'],
        },
      }),
    );
  }
  return { eventRoom, coworking, desks };
}

/** The n-th workday (Mon–Fri) after today in Berlin, from `fromMinutes` to `toMinutes` local time. */
function nextWorkday(n: number, fromMinutes: number, toMinutes: number) {
  let date = localParts(new Date(), 'Europe/Berlin').date;
  for (let found = 0; found < n;) {
    date = addDays(date, 1);
    if (weekdayOf(date) <= 5) found++;
  }
  return {
    startsAt: zonedToUtc(date, fromMinutes, 'Europe/Berlin'),
    endsAt: zonedToUtc(date, toMinutes, 'Europe/Berlin'),
  };
}

// `prisma db seed` runs this file directly.
if (import.meta.url === `file://${process.argv[1]}`) {
  const platformUrl = process.env.PLATFORM_DATABASE_URL;
  if (!platformUrl) throw new Error('PLATFORM_DATABASE_URL is not set');
  const seeded = await seedDemo({ platformUrl });
  console.log(seeded ? 'Demo data seeded.' : 'Database already has towns; demo seed skipped.');
}
