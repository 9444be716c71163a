import { z } from 'zod';
import { email, id, idempotencyKey, optionalText, requesterName, slug } from '../../schemas.ts';
import { publicProcedure, router } from '../../trpc.ts';
import { availabilityOutput, instant } from '../bookings/bookings.schemas.ts';
import { isoDate } from '../spaces/spaces.schemas.ts';
import {
  confirmPublicBooking,
  publicAvailability,
  publicHub,
  requestPublicBooking,
} from './public-bookings.service.ts';
import { allow, everyone, noIds } from '../../contracts.ts';

const where = { town: slug, hub: slug };

export const publicBookingsRouter = router({
  /** The hub's public page: the spaces the public may request. Nothing about bookings. */
  hub: publicProcedure
    .meta({
      // The hub's public page: anyone, signed in or not (a taken slot or a bad link is a business answer).
      access: allow(everyone),
      isolation: noIds(
        "public by design: a town's public hub page by slug; foreign space ids: organisations.integration.test.ts",
      ),
    })
    .input(z.object(where).strict())
    .output(
      z
        .object({
          townName: z.string(),
          hubName: z.string(),
          timezone: z.string(),
          spaces: z.array(
            z
              .object({
                id,
                name: z.string(),
                kind: z.string(),
                capacity: z.number().int(),
                granularityMinutes: z.number().int(),
                minDurationMinutes: z.number().int(),
                maxDurationMinutes: z.number().int(),
                approvalRequired: z.boolean(),
                desks: z.array(z.object({ id, name: z.string() }).strict()),
              })
              .strict(),
          ),
        })
        .strict(),
    )
    .query(({ ctx, input }) => publicHub(ctx, input)),

  /** Free time of the public hub's spaces open to the public: free slots only, nothing about bookings. Rate-limited per client IP. */
  availability: publicProcedure
    .meta({
      // Free slots of a public hub's public spaces: no login, nothing about bookings but busy/free.
      access: allow(everyone),
      isolation: noIds(
        "public; a foreign town's, another hub's and a missing space id answer alike (and each call counts against the rate limit): public-availability.integration.test.ts",
      ),
    })
    .input(
      z
        .object({
          ...where,
          spaceId: id.optional(),
          date: isoDate,
          days: z
            .number({ error: 'validation.invalid' })
            .int('validation.invalid')
            .min(1, 'validation.invalid')
            .max(7, 'validation.invalid')
            .default(7),
        })
        .strict(),
    )
    .output(availabilityOutput)
    .query(({ ctx, input }) => publicAvailability(ctx, input)),

  request: publicProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds('public; foreign and missing space ids answer alike: organisations.integration.test.ts'),
    })
    .input(
      z
        .object({
          ...where,
          spaceId: id,
          deskId: id.optional(),
          startsAt: instant,
          endsAt: instant,
          name: requesterName,
          email,
          purpose: optionalText(300),
          attendees: z
            .number({ error: 'validation.invalid' })
            .int('validation.invalid')
            .min(1, 'validation.attendees')
            .max(10_000, 'validation.attendees')
            .default(1),
          idempotencyKey: idempotencyKey.optional(),
        })
        .strict(),
    )
    .output(z.object({ ok: z.literal(true), expiresInHours: z.number().int() }).strict())
    .mutation(({ ctx, input }) => requestPublicBooking(ctx, input)),

  confirm: publicProcedure
    .meta({
      access: allow(everyone),
      isolation: noIds('public; the emailed token is the credential'),
    })
    .input(
      z.object({ ...where, token: z.string().min(20, 'validation.invalid').max(200, 'validation.invalid') }).strict(),
    )
    .output(
      z
        .object({
          status: z.enum(['pending', 'confirmed']),
          spaceName: z.string(),
          deskName: z.string().nullable(),
          startsAt: z.string(),
          endsAt: z.string(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => confirmPublicBooking(ctx, input)),
});
