import { allow, catalogueWriters, foreignIds, noIds, organisers, signedIn } from '../../contracts.ts';
import { authedProcedure, router, tenantProcedure } from '../../trpc.ts';
import { eventOutput } from '../events/events.schemas.ts';
import { toEventOutput } from '../events/events.service.ts';
import {
  adoptFormatInput,
  createFormatInput,
  formatOutput,
  listFormatsInput,
  updateFormatInput,
} from './event-formats.schemas.ts';
import { adoptFormat, createFormat, listFormats, updateFormat } from './event-formats.service.ts';
import { z } from 'zod';

/** The cross-town format catalogue (docs/decisions/038). */
export const eventFormatsRouter = router({
  list: authedProcedure
    // The cross-town catalogue: read by everyone signed in; a partner's formats written by its admins (not its staff).
    .meta({
      access: allow(signedIn),
      isolation: noIds('the global catalogue: no town data, readable by everyone signed in'),
    })
    .input(listFormatsInput)
    .output(z.object({ items: z.array(formatOutput) }).strict())
    .query(({ ctx, input }) => listFormats(ctx, input)),

  create: authedProcedure
    .meta({ access: allow(catalogueWriters, ['partner-staff']), isolation: foreignIds() })
    .input(createFormatInput)
    .output(formatOutput)
    .mutation(({ ctx, input }) => createFormat(ctx, input)),

  update: authedProcedure
    .meta({ access: allow(catalogueWriters, ['partner-staff']), isolation: foreignIds() })
    .input(updateFormatInput)
    .output(formatOutput)
    .mutation(({ ctx, input }) => updateFormat(ctx, input)),

  /** A hub takes a format into its programme: the town's own draft event. */
  adopt: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(adoptFormatInput)
    .output(eventOutput)
    .mutation(async ({ ctx, input }) => {
      const { tenant: _tenant, ...adopt } = input;
      return toEventOutput(ctx, await adoptFormat(ctx, adopt));
    }),
});
