export { createAppClient, type AppClient, type AppClientOptions, type PoolStats } from './app-client.ts';
export {
  createPlatformClient,
  writeAuditEntry,
  type AuditEntry,
  type PlatformClient,
  type PlatformTx,
} from './platform-client.ts';
export { columnsOf, type PipelinedQuery, type ScopeTransport } from './scoped-pool.ts';
export { BatchQuery } from './pg-internals.ts';
export { InvalidScopeValueError } from './scope-settings.ts';
export { currentScope, runInScope, type DbScope } from './scope.ts';
export { Prisma, PrismaClient } from './generated/client.ts';
export type * from './generated/client.ts';
export { isPoolAcquireTimeout, PoolAcquireTimeoutError } from './pool-errors.ts';
