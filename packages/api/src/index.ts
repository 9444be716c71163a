export { appRouter, type AppRouter } from './root.ts';
export { procedureContracts, type ProcedureContract } from './contracts.ts';
export {
  bearerToken,
  createContext,
  type ApiDependencies,
  type Context,
  type RequestInfo,
  type RequestLogFields,
} from './context.ts';
export { createCallerFactory } from './trpc.ts';
export { DatabaseUnavailableError, DomainError, type ErrorData } from './errors.ts';
export { isDatabaseUnavailable } from './database-outage.ts';
export { DATABASE_RETRY_AFTER_SECONDS } from './trpc.ts';
export { createJobWorker, type JobWorker, type JobWorkerOptions } from './jobs/worker.ts';
export { createJobQueue, type JobQueue, type JobQueueOptions, type QueueLag } from './jobs/queue.ts';
export type { MailSettings } from './context.ts';
export { createDunningNotifier } from './mail/dunning.ts';
export { parseDataKey } from '@hubwerk/auth';
export { renderCalendarFeed } from './calendar-feed.ts';
export { importRegister } from './register/register.ts';
/** The single onboarding, handed to the job worker for bulk onboarding (jobs sit below the routers). */
export { onboardTown } from './routers/tenants/tenants.service.ts';
export { isoDate } from './schemas.ts';
