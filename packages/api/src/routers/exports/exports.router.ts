import { z } from 'zod';
import { id, slug } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import { downloadExport, getExport, listExports, startExport } from './exports.service.ts';
import { allow, exporters, foreignIds } from '../../contracts.ts';

const exportItem = z.object({
  id,
  status: z.enum(['queued', 'running', 'ready', 'failed']),
  progress: z.number().int().min(0).max(100),
  step: z.string().nullable(),
  errorKey: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  sizeBytes: z.number().int().nullable(),
  downloadable: z.boolean(),
});
const exportRef = z.object({ tenant: slug, exportId: id }).strict();

/** DSGVO data export of a town: a job with progress, then a single-user, expiring download. */
export const exportsRouter = router({
  start: tenantProcedure
    .meta({
      access: allow(exporters),
      isolation: foreignIds(),
      whileReadOnly: true,
    })
    .input(z.object({ tenant: slug }).strict())
    .output(z.object({ id }))
    .mutation(({ ctx }) => startExport(ctx)),

  list: tenantProcedure
    .meta({
      access: allow(exporters),
      isolation: foreignIds(),
    })
    .input(
      z.object({ tenant: slug, cursor: id.optional(), limit: z.number().int().min(1).max(100).default(20) }).strict(),
    )
    .output(z.object({ items: z.array(exportItem), nextCursor: id.nullable() }))
    .query(({ ctx, input }) => listExports(ctx, input)),

  get: tenantProcedure
    .meta({
      // The cell's export is the caller's own (one per exporter, planted by the test).
      access: allow(exporters),
      isolation: foreignIds(),
    })
    .input(exportRef)
    .output(exportItem)
    .query(({ ctx, input }) => getExport(ctx, input)),

  download: tenantProcedure
    .meta({
      access: allow(exporters),
      isolation: foreignIds(),
    })
    .input(z.object({ tenant: slug, exportId: id, offset: z.number().int().min(0).default(0) }).strict())
    .output(
      z.object({
        fileName: z.string(),
        sizeBytes: z.number().int(),
        chunkBase64: z.string(),
        nextOffset: z.number().int().nullable(),
      }),
    )
    .query(({ ctx, input }) => downloadExport(ctx, input)),
});
