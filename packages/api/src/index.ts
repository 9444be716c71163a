export { appRouter, type AppRouter } from './root.ts';
export {
  bearerToken,
  createContext,
  type ApiDependencies,
  type Context,
  type RequestInfo,
  type RequestLogFields,
} from './context.ts';
export { createCallerFactory } from './trpc.ts';
export { DomainError, type ErrorData } from './errors.ts';
export { createMailWorker, type MailWorker, type MailWorkerOptions } from './mail/worker.ts';
export type { MailSettings } from './context.ts';
export { createDunningNotifier } from './mail/dunning.ts';
export { parseDataKey } from '@hubwerk/auth';
export { renderCalendarFeed } from './calendar-feed.ts';
export { importRegister } from './routers/register/register.service.ts';
export { isoDate } from './schemas.ts';
