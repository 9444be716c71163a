/**
 * Who may call what lives in each procedure's contract (`access`, contracts.ts,
 * docs/decisions/040); `authorization-matrix.integration.test.ts` reads it from
 * the router and calls every cell for real. This file keeps the second half:
 * who may grant which role, called for real by the same test.
 */
import { type Decision, MATRIX_ROLES, type MatrixRole } from './contracts.ts';

export { type Decision, MATRIX_ROLES, type MatrixRole };

/**
 * Who may grant which role, in Einbeck (managed by the demo IT partner) and
 * the IT partner itself: nobody grants a role at or above their own, except
 * that a town admin grants hub manager; a further town admin comes from the
 * partner's admins or the provider, a further partner admin only from the
 * provider. Hub roles are granted in the hub (a hub manager: only hub staff,
 * only in their own hub). The test grants each cell for real through the
 * procedure that grants it (staff.invite, hubStaff.assign, staff.changeRole,
 * partners.inviteStaff).
 */
export const GRANTABLE_ROLES = ['town-admin', 'hub-manager', 'hub-staff', 'member', 'partner-staff'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];
const grants = (roles: readonly GrantableRole[]): Record<GrantableRole, Decision> =>
  Object.fromEntries(GRANTABLE_ROLES.map((r) => [r, roles.includes(r) ? 'allow' : 'deny'])) as Record<
    GrantableRole,
    Decision
  >;

export const GRANT_MATRIX: Record<Exclude<MatrixRole, 'anonymous'>, Record<GrantableRole, Decision>> = {
  'platform-admin': grants(['town-admin', 'hub-manager', 'hub-staff', 'member', 'partner-staff']),
  // Support reads everything and changes nothing.
  'platform-support': grants([]),
  'partner-admin': grants(['town-admin', 'hub-manager', 'hub-staff', 'member', 'partner-staff']),
  // Acts as the town's admin: up to hub manager, like one; adds nobody to the partner.
  'partner-staff': grants(['hub-manager', 'hub-staff', 'member']),
  'town-admin': grants(['hub-manager', 'hub-staff', 'member']),
  'hub-manager': grants(['hub-staff']),
  'hub-staff': grants([]),
  member: grants([]),
};
