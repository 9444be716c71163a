import { ok } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import {
  assignHubStaffInput,
  hubStaffEntry,
  hubStaffList,
  listHubStaffInput,
  removeHubStaffInput,
} from './hub-staff.schemas.ts';
import { assignHubStaff, listHubStaff, removeHubStaff } from './hub-staff.service.ts';
import { allow, foreignIds, hubWriters, townReaders } from '../../contracts.ts';

export const hubStaffRouter = router({
  list: tenantProcedure
    .meta({
      // Everyone in the town sees who works in a hub (emails only for those who manage its staff).
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(listHubStaffInput)
    .output(hubStaffList)
    .query(({ ctx, input }) => listHubStaff(ctx, input)),

  assign: tenantProcedure
    .meta({
      access: allow([...hubWriters, 'hub-manager']),
      isolation: foreignIds(),
    })
    .input(assignHubStaffInput)
    .output(hubStaffEntry)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...assignment } = input;
      return assignHubStaff(ctx, assignment);
    }),

  remove: tenantProcedure
    .meta({
      access: allow([...hubWriters, 'hub-manager']),
      isolation: foreignIds(),
    })
    .input(removeHubStaffInput)
    .output(ok)
    .mutation(({ ctx, input }) => removeHubStaff(ctx, input)),
});
