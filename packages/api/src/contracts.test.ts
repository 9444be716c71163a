import { describe, expect, it } from 'vitest';
import { MATRIX_ROLES, procedureContracts } from './contracts.ts';
import { appRouter } from './root.ts';

// The tiers accept nothing but `.meta(contract)` (trpc.ts), so the compiler
// already refuses a procedure without one; this catches a cast past it.
describe('procedure contracts', () => {
  it('every procedure of the router declares a complete contract', () => {
    const entries = procedureContracts(appRouter);
    expect(entries.map((e) => e.path)).toEqual(Object.keys(appRouter._def.procedures));
    for (const { path, contract } of entries) {
      expect(Object.keys(contract.access).sort(), path).toEqual([...MATRIX_ROLES].sort());
      if ('noIds' in contract.isolation) expect(contract.isolation.noIds.length, path).toBeGreaterThan(10);
    }
  });

  it('names the procedure that has none', () => {
    const bare = { _def: { procedures: { 'x.y': { _def: { type: 'query', meta: { access: {} } } } } } };
    expect(() => procedureContracts(bare)).toThrow('x.y declares no complete contract');
  });
});
