import { accountRouter } from './routers/account/account.router.ts';
import { approvalsRouter } from './routers/approvals/approvals.router.ts';
import { auditRouter } from './routers/audit/audit.router.ts';
import { authRouter } from './routers/auth/auth.router.ts';
import { billingRouter } from './routers/billing/billing.router.ts';
import { bookingSeriesRouter } from './routers/booking-series/booking-series.router.ts';
import { bulkOnboardingRouter } from './routers/bulk-onboarding/bulk-onboarding.router.ts';
import { bookingsRouter } from './routers/bookings/bookings.router.ts';
import { eventFormatsRouter } from './routers/event-formats/event-formats.router.ts';
import { eventsRouter } from './routers/events/events.router.ts';
import { exportsRouter } from './routers/exports/exports.router.ts';
import { hubCalendarRouter } from './routers/hub-calendar/hub-calendar.router.ts';
import { hubStaffRouter } from './routers/hub-staff/hub-staff.router.ts';
import { calendarFeedsRouter } from './routers/calendar-feeds/calendar-feeds.router.ts';
import { checkInRouter } from './routers/check-in/check-in.router.ts';
import { hubsRouter } from './routers/hubs/hubs.router.ts';
import { occupancyRouter } from './routers/occupancy/occupancy.router.ts';
import { organisationsRouter } from './routers/organisations/organisations.router.ts';
import { registerRouter } from './routers/register/register.router.ts';
import { publicBookingsRouter } from './routers/public-bookings/public-bookings.router.ts';
import { invitationsRouter } from './routers/invitations/invitations.router.ts';
import { mailRouter } from './routers/mail/mail.router.ts';
import { mfaRouter } from './routers/mfa/mfa.router.ts';
import { sessionsRouter } from './routers/sessions/sessions.router.ts';
import { partnersRouter } from './routers/partners/partners.router.ts';
import { ssoRouter } from './routers/sso/sso.router.ts';
import { spacePhotosRouter } from './routers/space-photos/space-photos.router.ts';
import { spacesRouter } from './routers/spaces/spaces.router.ts';
import { staffRouter } from './routers/staff/staff.router.ts';
import { supportRouter } from './routers/support/support.router.ts';
import { tenantsRouter } from './routers/tenants/tenants.router.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  auth: authRouter,
  tenants: tenantsRouter,
  partners: partnersRouter,
  hubs: hubsRouter,
  invitations: invitationsRouter,
  audit: auditRouter,
  billing: billingRouter,
  spaces: spacesRouter,
  spacePhotos: spacePhotosRouter,
  bookings: bookingsRouter,
  bookingSeries: bookingSeriesRouter,
  approvals: approvalsRouter,
  checkIn: checkInRouter,
  calendarFeeds: calendarFeedsRouter,
  occupancy: occupancyRouter,
  mail: mailRouter,
  staff: staffRouter,
  mfa: mfaRouter,
  sessions: sessionsRouter,
  exports: exportsRouter,
  hubStaff: hubStaffRouter,
  hubCalendar: hubCalendarRouter,
  sso: ssoRouter,
  organisations: organisationsRouter,
  publicBookings: publicBookingsRouter,
  support: supportRouter,
  account: accountRouter,
  register: registerRouter,
  bulkOnboarding: bulkOnboardingRouter,
  events: eventsRouter,
  eventFormats: eventFormatsRouter,
});

export type AppRouter = typeof appRouter;
