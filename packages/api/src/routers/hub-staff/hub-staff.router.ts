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

export const hubStaffRouter = router({
  list: tenantProcedure
    .input(listHubStaffInput)
    .output(hubStaffList)
    .query(({ ctx, input }) => listHubStaff(ctx, input)),

  assign: tenantProcedure
    .input(assignHubStaffInput)
    .output(hubStaffEntry)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...assignment } = input;
      return assignHubStaff(ctx, assignment);
    }),

  remove: tenantProcedure
    .input(removeHubStaffInput)
    .output(ok)
    .mutation(({ ctx, input }) => removeHubStaff(ctx, input)),
});
