import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ApiEnv, billingEnv, dataEncryptionKeyEnv, mailEnv, parseEnv, ssoEnv } from './env.ts';
import { createLogger } from './logger.ts';
import { startApiServer } from './server.ts';
import { startTracing } from './tracing.ts';

let env: ApiEnv;
try {
  env = parseEnv(process.env);
} catch (error) {
  // One line per variable, no stack: this is the operator's message.
  console.error((error as Error).message);
  process.exit(1);
}
const logger = createLogger({ level: env.LOG_LEVEL });
const tracing = startTracing({ endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME });

/** The production bundle (dist/) carries its migrations beside it; from source the server finds the repository's. */
function migrationsDir(): string | undefined {
  if (env.MIGRATIONS_DIR) return env.MIGRATIONS_DIR;
  const bundled = fileURLToPath(new URL('./migrations', import.meta.url));
  return existsSync(bundled) ? bundled : undefined;
}

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
  ...(migrationsDir() ? { migrationsDir: migrationsDir()! } : {}),
  ...(env.METRICS_PORT > 0 ? { metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST ?? env.API_HOST } } : {}),
}).catch((error: unknown) => {
  logger.fatal({ err: error }, 'API failed to start');
  process.exit(1);
});
logger.info(
  { url: api.url, metrics: api.metricsUrl, tracing: tracing !== null, nodeEnv: env.NODE_ENV },
  'Hubwerk API listening',
);

/*
 * Graceful shutdown, inside Kubernetes' terminationGracePeriodSeconds
 * (infra/k8s): /readyz turns 503 at once and stays so for SHUTDOWN_DELAY_MS
 * while requests are still served (endpoints and load balancers take a moment
 * to stop sending); then the server stops accepting, closes idle keep-alive
 * connections, finishes in-flight requests and closes the pools. Exit 0 when
 * all of that finished within SHUTDOWN_TIMEOUT_MS, 1 otherwise.
 */
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal, delayMs: env.SHUTDOWN_DELAY_MS }, 'shutting down');
    api.drain();
    const force = setTimeout(() => {
      logger.error({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting with requests in flight');
      process.exit(1);
    }, env.SHUTDOWN_DELAY_MS + env.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    void new Promise((resolve) => setTimeout(resolve, env.SHUTDOWN_DELAY_MS))
      .then(() => api.close())
      .then(() => tracing?.shutdown())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  });
}
