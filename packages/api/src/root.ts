import { auditRouter } from './routers/audit/audit.router.ts';
import { authRouter } from './routers/auth/auth.router.ts';
import { billingRouter } from './routers/billing/billing.router.ts';
import { bookingsRouter } from './routers/bookings/bookings.router.ts';
import { hubsRouter } from './routers/hubs/hubs.router.ts';
import { occupancyRouter } from './routers/occupancy/occupancy.router.ts';
import { invitationsRouter } from './routers/invitations/invitations.router.ts';
import { mailRouter } from './routers/mail/mail.router.ts';
import { partnersRouter } from './routers/partners/partners.router.ts';
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
  bookings: bookingsRouter,
  occupancy: occupancyRouter,
  mail: mailRouter,
  staff: staffRouter,
  support: supportRouter,
});

export type AppRouter = typeof appRouter;
