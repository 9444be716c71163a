import { z } from 'zod';
import { email, id, optionalText, pageInput, slug, tenantRole } from '../../schemas.ts';

/** Roles a person can hold in one hub; town admins and members are town-wide. */
export const HUB_ROLES = ['hub-manager', 'hub-staff'] as const;
export const hubRole = z.enum(HUB_ROLES, { error: 'validation.invalid' });

export const listHubStaffInput = pageInput.extend({ tenant: slug, hubId: id }).strict();

export const assignHubStaffInput = z
  .object({ tenant: slug, hubId: id, email, role: hubRole, contactRole: optionalText(120) })
  .strict();

export const removeHubStaffInput = z.object({ tenant: slug, hubId: id, assignmentId: id }).strict();

export const hubStaffEntry = z
  .object({
    assignmentId: id,
    userId: id,
    name: z.string(),
    /** Only for those who may manage the hub's staff. */
    email: z.string().nullable(),
    role: tenantRole,
    contactRole: z.string().nullable(),
  })
  .strict();

export const hubStaffList = z
  .object({
    hub: z.object({ id, slug: z.string(), name: z.string() }).strict(),
    canManage: z.boolean(),
    items: z.array(hubStaffEntry),
    nextCursor: id.nullable(),
  })
  .strict();
