import { billingEnv, dataEncryptionKeyEnv, mailEnv, parseEnv, ssoEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { startApiServer } from './server.ts';

const env = parseEnv(process.env);
const logger = createLogger({ level: env.LOG_LEVEL });

const api = await startApiServer({
  port: env.API_PORT,
  host: env.API_HOST,
  databaseUrl: env.DATABASE_URL,
  platformDatabaseUrl: env.PLATFORM_DATABASE_URL,
  poolSize: env.DB_POOL_SIZE,
  poolAcquireTimeoutMs: env.DB_POOL_ACQUIRE_TIMEOUT_MS,
  logger,
  proxySecret: env.API_PROXY_SECRET,
  trustedProxyCount: env.TRUSTED_PROXY_COUNT,
  hsts: env.NODE_ENV === 'production',
  billing: billingEnv(env),
  mail: mailEnv(env),
  dataEncryptionKey: dataEncryptionKeyEnv(env),
  sso: ssoEnv(env),
});
logger.info({ url: api.url }, 'Hubwerk API listening');

// Graceful shutdown: stop accepting, finish in-flight requests, close pools.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    void api.close().then(() => process.exit(0));
  });
}
