import { z } from 'zod';
import { id, slug } from '../../schemas.ts';
import { requestFingerprint, tenantIdempotently } from '../../idempotency.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import { editSeries, previewSeriesEdit } from './booking-series-edit.service.ts';
import {
  cancelSeriesInput,
  createSeriesInput,
  editPreviewOutput,
  editSeriesInput,
  editSeriesOutput,
  previewOutput,
  seriesInput,
  seriesOutput,
} from './booking-series.schemas.ts';
import { cancelSeries, createSeries, getSeries, previewSeries } from './booking-series.service.ts';
import { allow, bookers, foreignIds, townReaders } from '../../contracts.ts';

/** Recurring bookings (RFC 5545 RRULE), docs/decisions/013. */
export const bookingSeriesRouter = router({
  preview: tenantProcedure
    .meta({
      // Recurring bookings (docs/decisions/013): booking for oneself, like bookings.create; the cell's series is the member's own.
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(seriesInput)
    .output(previewOutput)
    .query(({ ctx, input }) => previewSeries(ctx, input)),

  create: tenantProcedure
    .meta({
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(createSeriesInput)
    .output(seriesOutput)
    .mutation(({ ctx, input }) => {
      const { idempotencyKey, ...series } = input;
      return tenantIdempotently(
        ctx,
        idempotencyKey
          ? {
              key: idempotencyKey,
              operation: 'bookingSeries.create',
              fingerprint: requestFingerprint('bookingSeries.create', ctx.session.userId, series),
            }
          : null,
        (idempotency) => createSeries(ctx, series, idempotency),
        (seriesId) => getSeries(ctx, { seriesId }),
      );
    }),

  get: tenantProcedure
    .meta({
      access: allow(townReaders),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, seriesId: id }).strict())
    .output(seriesOutput)
    .query(({ ctx, input }) => getSeries(ctx, input)),

  cancel: tenantProcedure
    .meta({
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(cancelSeriesInput)
    .output(z.object({ cancelled: z.number().int(), series: seriesOutput }).strict())
    .mutation(({ ctx, input }) => cancelSeries(ctx, input)),

  /** "Diesen und alle folgenden Termine ändern", checked first (docs/decisions/020). Writes nothing. */
  previewEdit: tenantProcedure
    .meta({
      // Editing from a date on (docs/decisions/020): whoever may change the series, like cancel; support only reads.
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(editSeriesInput)
    .output(editPreviewOutput)
    .query(({ ctx, input }) => previewSeriesEdit(ctx, input)),

  /** Cancels the series' occurrences from `from` on and books the new ones as a linked series, all or nothing. */
  edit: tenantProcedure
    .meta({
      access: allow(bookers),
      isolation: foreignIds(),
    })
    .input(editSeriesInput)
    .output(editSeriesOutput)
    .mutation(({ ctx, input }) => editSeries(ctx, input)),
});
