import { Prisma } from '@hubwerk/db';
import { describe, expect, it } from 'vitest';
import { TENANT_BY_SLUG } from './authenticate.ts';

describe('the town lookup of every town procedure', () => {
  it('selects every column of Tenant (a column added later reaches ctx.tenant or this fails)', () => {
    const selected = [...TENANT_BY_SLUG.split(/\bFROM\b/)[0]!.matchAll(/t\."?(\w+)"?(?:::\w+ AS \w+)?\s*(?:,|$)/g)].map(
      (m) => m[1],
    );
    expect(selected.sort()).toEqual(Object.keys(Prisma.TenantScalarFieldEnum).sort());
  });
});
