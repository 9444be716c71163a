import { describe, expect, it } from 'vitest';
import { uniqueWhereToFilter } from './unique-lookups.ts';

describe('uniqueWhereToFilter', () => {
  it('flattens compound unique selectors', () => {
    expect(uniqueWhereToFilter({ tenantId_slug: { tenantId: 't', slug: 's' } })).toEqual({ tenantId: 't', slug: 's' });
    expect(uniqueWhereToFilter({ tenantId_id: { tenantId: 't', id: 'i' }, name: 'x' })).toEqual({
      tenantId: 't',
      id: 'i',
      name: 'x',
    });
  });
  it('keeps plain and filter values as they are', () => {
    const at = new Date();
    expect(uniqueWhereToFilter({ id: 'i', createdAt: at, email: { equals: 'a' } })).toEqual({
      id: 'i',
      createdAt: at,
      email: { equals: 'a' },
    });
  });
});
