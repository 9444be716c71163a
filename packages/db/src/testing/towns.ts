import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export interface TestTown {
  id: string;
  hubIds: string[];
}

/**
 * Towns with hubs "Hub 0" … "Hub n-1", written by the superuser: for tests of
 * the database layer that need rows in several towns and nothing else.
 * `prefix` keeps slugs and AGS of different test files apart.
 */
export async function insertTowns(
  superuser: pg.Client,
  options: { towns: number; hubs: number; prefix: string; agsFrom: number },
): Promise<TestTown[]> {
  const towns: TestTown[] = [];
  for (let i = 0; i < options.towns; i += 1) {
    const town: TestTown = { id: randomUUID(), hubIds: [] };
    await superuser.query(
      `INSERT INTO "Tenant" (id, name, slug, ags, bundesland, "updatedAt") VALUES ($1, $2, $3, $4, '03', now())`,
      [
        town.id,
        `${options.prefix} ${i}`,
        `${options.prefix.toLowerCase()}-${i}`,
        `03${String(options.agsFrom + i).padStart(6, '0')}`,
      ],
    );
    for (let h = 0; h < options.hubs; h += 1) {
      const hubId = randomUUID();
      await superuser.query(
        `INSERT INTO "Hub" ("tenantId", id, name, slug, "updatedAt") VALUES ($1, $2, $3, $4, now())`,
        [town.id, hubId, `Hub ${h}`, `hub-${h}`],
      );
      town.hubIds.push(hubId);
    }
    towns.push(town);
  }
  return towns;
}
