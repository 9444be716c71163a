import { z } from 'zod';
import { id, ok, slug } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import {
  addDeskInput,
  bookingRules,
  closedDayInput,
  createSpaceInput,
  deskOutput,
  openingHoursOutput,
  importHolidaysInput,
  removeClosedDayInput,
  specialHoursInput,
  setOpeningHoursInput,
  spaceOutput,
  updateSpaceInput,
  setSpaceArchivedInput,
  deleteSpaceInput,
  updateDeskInput,
  setDeskArchivedInput,
  deleteDeskInput,
} from './spaces.schemas.ts';
import {
  deleteDesk,
  deleteSpace,
  setDeskArchived,
  setSpaceArchived,
  updateDesk,
  updateSpace,
} from './space-lifecycle.service.ts';
import { importHolidays, setSpecialHours } from './opening-exceptions.service.ts';
import {
  addClosedDay,
  addDesk,
  createSpace,
  getOpeningHours,
  getSpace,
  listSpaces,
  removeClosedDay,
  setOpeningHours,
  updateRules,
} from './spaces.service.ts';
import { allow, foreignIds, hubConfigurers, townReaders } from '../../contracts.ts';

export const spacesRouter = router({
  list: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id }).strict())
    .output(
      z
        .object({
          hub: z.object({ id, slug: z.string(), name: z.string(), archived: z.boolean() }).strict(),
          canConfigure: z.boolean(),
          items: z.array(spaceOutput),
          archived: z.array(spaceOutput),
        })
        .strict(),
    )
    .query(({ ctx, input }) => listSpaces(ctx, input)),

  get: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, spaceId: id }).strict())
    .output(spaceOutput.extend({ canConfigure: z.boolean(), canBookForOthers: z.boolean() }).strict())
    .query(({ ctx, input }) => getSpace(ctx, input)),

  create: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(createSpaceInput)
    .output(spaceOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...space } = input;
      return createSpace(ctx, space);
    }),

  updateRules: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, spaceId: id, rules: bookingRules }).strict())
    .output(spaceOutput)
    .mutation(({ ctx, input }) => updateRules(ctx, input)),

  update: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(updateSpaceInput)
    .output(spaceOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...space } = input;
      return updateSpace(ctx, space);
    }),

  /** Archived: kept with its bookings, no longer bookable or public; refused while bookings lie ahead. */
  setArchived: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(setSpaceArchivedInput)
    .output(spaceOutput)
    .mutation(({ ctx, input }) => setSpaceArchived(ctx, input)),

  /** Only a space that never had a booking; otherwise archive it. */
  delete: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(deleteSpaceInput)
    .output(ok)
    .mutation(({ ctx, input }) => deleteSpace(ctx, input)),

  updateDesk: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(updateDeskInput)
    .output(spaceOutput)
    .mutation(({ ctx, input }) => updateDesk(ctx, input)),

  setDeskArchived: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(setDeskArchivedInput)
    .output(spaceOutput)
    .mutation(({ ctx, input }) => setDeskArchived(ctx, input)),

  deleteDesk: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(deleteDeskInput)
    .output(spaceOutput)
    .mutation(({ ctx, input }) => deleteDesk(ctx, input)),

  addDesk: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(addDeskInput)
    .output(deskOutput)
    .mutation(({ ctx, input }) => addDesk(ctx, input)),

  openingHours: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, hubId: id }).strict())
    .output(openingHoursOutput)
    .query(({ ctx, input }) => getOpeningHours(ctx, input)),

  setOpeningHours: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(setOpeningHoursInput)
    .output(openingHoursOutput)
    .mutation(({ ctx, input }) => setOpeningHours(ctx, input)),

  addClosedDay: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(closedDayInput)
    .output(openingHoursOutput)
    .mutation(({ ctx, input }) => addClosedDay(ctx, input)),

  removeClosedDay: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(removeClosedDayInput)
    .output(openingHoursOutput)
    .mutation(({ ctx, input }) => removeClosedDay(ctx, input)),

  /** "Feiertage {year} übernehmen": closed days for the Bundesland's public holidays (idempotent). */
  importHolidays: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(importHolidaysInput)
    .output(
      z
        .object({
          year: z.number().int(),
          holidays: z.number().int(),
          created: z.number().int(),
          hours: openingHoursOutput,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => importHolidays(ctx, input)),

  setSpecialHours: tenantProcedure
    .meta({
      access: allow(hubConfigurers),
      isolation: foreignIds(),
    })
    .input(specialHoursInput)
    .output(openingHoursOutput)
    .mutation(({ ctx, input }) => setSpecialHours(ctx, input)),
});
