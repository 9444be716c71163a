import type { UNSAFE_RouteConfig as RouteConfig } from '@remix-run/dev';

// Explicit route config (v3_routeConfig): the same shape React Router 7's
// app/routes.ts uses, so the move only swaps the helper import.
const route = (path: string, file: string) => ({ path, file });

export default [
  { index: true, file: 'routes/home.tsx' },
  route('login', 'routes/login.tsx'),
  route('logout', 'routes/logout.tsx'),
  route('forgot-password', 'routes/forgot-password.tsx'),
  route('reset-password/:token', 'routes/reset-password.tsx'),
  route('language', 'routes/language.tsx'),
  route('towns', 'routes/towns.tsx'),
  route('towns/new', 'routes/towns-new.tsx'),
  route('towns/:slug', 'routes/town.tsx'),
  route('towns/:slug/audit', 'routes/town-audit.tsx'),
  route('towns/:slug/audit.csv', 'routes/town-audit-csv.ts'),
  route('towns/:slug/billing', 'routes/town-billing.tsx'),
  route('towns/:slug/staff', 'routes/town-staff.tsx'),
  route('towns/:slug/support', 'routes/town-support.tsx'),
  route('support/end', 'routes/support-end.tsx'),
  route('audit', 'routes/audit-all.tsx'),
  route('switch-town', 'routes/switch-town.tsx'),
  route('audit.csv', 'routes/audit-all-csv.ts'),
  route('billing', 'routes/billing.tsx'),
  route('towns/:slug/hubs/:hubId', 'routes/hub.tsx'),
  route('towns/:slug/hubs/:hubId/occupancy', 'routes/occupancy.tsx'),
  route('towns/:slug/hubs/:hubId/occupancy.csv', 'routes/occupancy-csv.tsx'),
  route('towns/:slug/spaces/:spaceId', 'routes/space.tsx'),
  route('towns/:slug/bookings', 'routes/my-bookings.tsx'),
  route('towns/:slug/bookings/:bookingId/ics', 'routes/booking-ics.tsx'),
  route('partners', 'routes/partners.tsx'),
  route('partners/new', 'routes/partners-new.tsx'),
  route('partners/:id', 'routes/partner.tsx'),
  route('invite/:token', 'routes/invite.tsx'),
  route('account/password', 'routes/account-password.tsx'),
  route('dev/mails', 'routes/dev-mails.tsx'),
  route('*', 'routes/not-found.tsx'),
] satisfies RouteConfig;
