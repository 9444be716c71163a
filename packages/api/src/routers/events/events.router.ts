import { z } from 'zod';
import { id } from '../../schemas.ts';
import { router, tenantProcedure } from '../../trpc.ts';
import {
  addSessionInput,
  checkInInput,
  createEventInput,
  eventOutput,
  eventRef,
  listEventsInput,
  registerInput,
  registrationOutput,
  registrationRef,
  setCapacityInput,
  updateEventInput,
  REGISTRATION_STATUSES,
} from './events.schemas.ts';
import {
  acceptOffer,
  addSession,
  cancelEvent,
  cancelRegistration,
  checkIn,
  createEvent,
  getEvent,
  listEvents,
  listRegistrations,
  publishEvent,
  register,
  removeRegistration,
  setCapacity,
  toEventOutput,
  updateEvent,
} from './events.service.ts';

const registrationResult = z
  .object({ id, status: z.enum(['confirmed', 'waitlisted']), waitlistPosition: z.number().int().nullable() })
  .strict();
const endedResult = z.object({ id, status: z.enum(REGISTRATION_STATUSES), promoted: z.number().int() }).strict();
const checkInResult = z.object({ id, checkedInAt: z.string().nullable() }).strict();

/** A hub's programme (docs/decisions/038): organisers run events, members register. */
export const eventsRouter = router({
  list: tenantProcedure
    .input(listEventsInput)
    .output(z.object({ items: z.array(eventOutput) }).strict())
    .query(({ ctx, input }) => listEvents(ctx, input)),

  get: tenantProcedure
    .input(eventRef)
    .output(eventOutput)
    .query(({ ctx, input }) => getEvent(ctx, input)),

  create: tenantProcedure
    .input(createEventInput)
    .output(eventOutput)
    .mutation(async ({ ctx, input }) => {
      const { tenant: _tenant, ...event } = input;
      return toEventOutput(ctx, await createEvent(ctx, event));
    }),

  update: tenantProcedure
    .input(updateEventInput)
    .output(eventOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...change } = input;
      return updateEvent(ctx, change);
    }),

  addSession: tenantProcedure
    .input(addSessionInput)
    .output(eventOutput)
    .mutation(({ ctx, input }) => addSession(ctx, input)),

  /** Books the space for every session (all or none) and opens registration. */
  publish: tenantProcedure
    .input(eventRef)
    .output(eventOutput)
    .mutation(({ ctx, input }) => publishEvent(ctx, input)),

  /** Frees the room and tells every participant by mail. */
  cancel: tenantProcedure
    .input(eventRef)
    .output(eventOutput)
    .mutation(({ ctx, input }) => cancelEvent(ctx, input)),

  register: tenantProcedure
    .input(registerInput)
    .output(registrationResult)
    .mutation(({ ctx, input }) => register(ctx, input)),

  /** The caller's own registration. */
  cancelRegistration: tenantProcedure
    .input(eventRef)
    .output(endedResult)
    .mutation(({ ctx, input }) => cancelRegistration(ctx, input)),

  acceptOffer: tenantProcedure
    .input(eventRef)
    .output(registrationResult)
    .mutation(({ ctx, input }) => acceptOffer(ctx, input)),

  registrations: tenantProcedure
    .input(eventRef)
    .output(z.object({ items: z.array(registrationOutput) }).strict())
    .query(({ ctx, input }) => listRegistrations(ctx, input)),

  removeRegistration: tenantProcedure
    .input(registrationRef)
    .output(endedResult)
    .mutation(({ ctx, input }) => removeRegistration(ctx, input)),

  setCapacity: tenantProcedure
    .input(setCapacityInput)
    .output(eventOutput)
    .mutation(({ ctx, input }) => setCapacity(ctx, input)),

  checkIn: tenantProcedure
    .input(checkInInput)
    .output(checkInResult)
    .mutation(({ ctx, input }) => checkIn(ctx, input, false)),

  undoCheckIn: tenantProcedure
    .input(checkInInput)
    .output(checkInResult)
    .mutation(({ ctx, input }) => checkIn(ctx, input, true)),
});
