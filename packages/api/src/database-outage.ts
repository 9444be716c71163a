/**
 * Whether an error means "the database cannot be reached right now" (down,
 * restarting, network gone) rather than a bug: such requests are answered
 * 503 with Retry-After and logged once per outage, not with a stack per request.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017']);
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
// SQLSTATE class 08 (connection exception) and 57P01–57P03 (admin/crash shutdown, cannot connect now).
const SQLSTATE = /^(08...|57P0[123])$/;

export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth += 1) {
    const e = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
    };
    const code = typeof e.code === 'string' ? e.code : '';
    if (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || SQLSTATE.test(code)) return true;
    const adapter = e.meta?.driverAdapterError?.cause;
    if (typeof adapter?.kind === 'string' && ADAPTER_KINDS.has(adapter.kind)) return true;
    if (typeof adapter?.originalCode === 'string' && SQLSTATE.test(adapter.originalCode)) return true;
    if (typeof e.message === 'string' && /Connection terminated|Can't reach database server/.test(e.message))
      return true;
    current = e.cause;
  }
  return false;
}
