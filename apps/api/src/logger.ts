import pino, { type Logger } from 'pino';
import { traceFields } from './tracing.ts';

/** Paths whose values never reach a log line, wherever they appear. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.tokenHash',
  '*.sessionToken',
  'input.password',
  'input.token',
  // SSO (ADR 010): the client secret, the callback query (carries the code) and flow secrets.
  '*.clientSecret',
  '*.clientSecretEncrypted',
  'input.query',
  '*.codeVerifier',
  '*.nonce',
  // Also where they sit one level deeper, e.g. { req: { headers: … } } or { err: { config: … } }.
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'headers["set-cookie"]',
  '*.headers["x-hubwerk-proxy-secret"]',
  'headers["x-hubwerk-proxy-secret"]',
  '*.*.password',
  '*.*.token',
  '*.secret',
  '*.proxySecret',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'hubwerk-api' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The trace and span of the request being served (when tracing is on), on every line.
      mixin: traceFields,
    },
    options.destination,
  );
}
