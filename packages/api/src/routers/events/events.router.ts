import { z } from 'zod';
import { id } from '../../schemas.ts';
import { allow, bookers, foreignIds, organisers, townReaders } from '../../contracts.ts';
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
    // The hub's programme (docs/decisions/038). Organising includes hub staff (the second argument); registering is
    // booking for oneself (support only reads).
    .meta({ access: allow(townReaders), isolation: foreignIds() })
    .input(listEventsInput)
    .output(z.object({ items: z.array(eventOutput) }).strict())
    .query(({ ctx, input }) => listEvents(ctx, input)),

  get: tenantProcedure
    .meta({ access: allow(townReaders), isolation: foreignIds() })
    .input(eventRef)
    .output(eventOutput)
    .query(({ ctx, input }) => getEvent(ctx, input)),

  create: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(createEventInput)
    .output(eventOutput)
    .mutation(async ({ ctx, input }) => {
      const { tenant: _tenant, ...event } = input;
      return toEventOutput(ctx, await createEvent(ctx, event));
    }),

  update: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(updateEventInput)
    .output(eventOutput)
    .mutation(({ ctx, input }) => {
      const { tenant: _tenant, ...change } = input;
      return updateEvent(ctx, change);
    }),

  addSession: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(addSessionInput)
    .output(eventOutput)
    .mutation(({ ctx, input }) => addSession(ctx, input)),

  /** Books the space for every session (all or none) and opens registration. */
  publish: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(eventRef)
    .output(eventOutput)
    .mutation(({ ctx, input }) => publishEvent(ctx, input)),

  /** Frees the room and tells every participant by mail. */
  cancel: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(eventRef)
    .output(eventOutput)
    .mutation(({ ctx, input }) => cancelEvent(ctx, input)),

  register: tenantProcedure
    .meta({ access: allow(bookers), isolation: foreignIds() })
    .input(registerInput)
    .output(registrationResult)
    .mutation(({ ctx, input }) => register(ctx, input)),

  /** The caller's own registration. */
  cancelRegistration: tenantProcedure
    .meta({ access: allow(bookers), isolation: foreignIds() })
    .input(eventRef)
    .output(endedResult)
    .mutation(({ ctx, input }) => cancelRegistration(ctx, input)),

  acceptOffer: tenantProcedure
    .meta({ access: allow(bookers), isolation: foreignIds() })
    .input(eventRef)
    .output(registrationResult)
    .mutation(({ ctx, input }) => acceptOffer(ctx, input)),

  registrations: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(eventRef)
    .output(z.object({ items: z.array(registrationOutput) }).strict())
    .query(({ ctx, input }) => listRegistrations(ctx, input)),

  removeRegistration: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(registrationRef)
    .output(endedResult)
    .mutation(({ ctx, input }) => removeRegistration(ctx, input)),

  setCapacity: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(setCapacityInput)
    .output(eventOutput)
    .mutation(({ ctx, input }) => setCapacity(ctx, input)),

  checkIn: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(checkInInput)
    .output(checkInResult)
    .mutation(({ ctx, input }) => checkIn(ctx, input, false)),

  undoCheckIn: tenantProcedure
    .meta({ access: allow(organisers, ['hub-staff']), isolation: foreignIds() })
    .input(checkInInput)
    .output(checkInResult)
    .mutation(({ ctx, input }) => checkIn(ctx, input, true)),
});
