import { TRPCError } from '@trpc/server';
import { ZodError, type core } from 'zod';

/**
 * Errors a user can act on. `messageKey` and the field error strings are
 * keys of the admin app's message catalogues (German first, English second),
 * so the API never sends prose that a client would have to parse.
 */
export type DomainErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'TOO_MANY_REQUESTS'
  | 'PRECONDITION_FAILED'
  | 'SERVICE_UNAVAILABLE';

export class DomainError extends TRPCError {
  readonly messageKey: string;
  readonly fieldErrors: Record<string, string[]> | undefined;
  /** Values the message interpolates (e.g. the time of a colliding booking); never prose. */
  readonly params: Record<string, string> | undefined;

  constructor(
    code: DomainErrorCode,
    messageKey: string,
    fieldErrors?: Record<string, string[]>,
    params?: Record<string, string>,
  ) {
    super({ code, message: messageKey });
    this.messageKey = messageKey;
    this.fieldErrors = fieldErrors;
    this.params = params;
  }
}

/** The one answer for "does not exist" and "not yours": no existence oracle. */
export const notFound = () => new DomainError('NOT_FOUND', 'errors.notFound');
export const fieldError = (field: string, key: string) => new DomainError('BAD_REQUEST', key, { [field]: [key] });

/** A rate limit: the client may try again after `retryAfterSeconds` (also sent as Retry-After). */
export class TooManyRequestsError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(messageKey: string, retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', messageKey);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The database had no connection free for this request in time (the pool is
 * saturated): nothing was done, and the same request will most likely
 * succeed shortly. 503 with Retry-After, not a 500.
 */
export class ServiceBusyError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('SERVICE_UNAVAILABLE', 'errors.busy');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * PostgreSQL cannot be reached right now (down, restarting, connection lost):
 * nothing was committed by this request (or its answer is lost with the
 * connection — a retry with the same idempotency key sorts that out), and the
 * same request will work once the database is back. 503 with Retry-After.
 */
export class DatabaseUnavailableError extends DomainError {
  readonly retryAfterSeconds: number;

  /** The driver's error, for the one log line of the outage. */
  readonly reason: string;

  constructor(retryAfterSeconds: number, cause: unknown) {
    super('SERVICE_UNAVAILABLE', 'errors.unavailable');
    this.retryAfterSeconds = retryAfterSeconds;
    this.reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : '';
  }
}

export interface ErrorData {
  messageKey: string;
  fieldErrors?: Record<string, string[]>;
  retryAfterSeconds?: number;
  params?: Record<string, string>;
}

/** Maps any error that reaches the edge to a key and, for input, per-field keys. */
export function describeError(error: TRPCError): ErrorData {
  if (
    error instanceof TooManyRequestsError ||
    error instanceof ServiceBusyError ||
    error instanceof DatabaseUnavailableError
  )
    return { messageKey: error.messageKey, retryAfterSeconds: error.retryAfterSeconds };
  if (error instanceof DomainError) {
    return {
      messageKey: error.messageKey,
      ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
      ...(error.params ? { params: error.params } : {}),
    };
  }
  if (error.cause instanceof ZodError) {
    return { messageKey: 'errors.invalidInput', fieldErrors: zodFieldErrors(error.cause) };
  }
  switch (error.code) {
    case 'UNAUTHORIZED':
      return { messageKey: 'errors.unauthorized' };
    case 'FORBIDDEN':
    case 'NOT_FOUND':
      return { messageKey: 'errors.notFound' };
    case 'TOO_MANY_REQUESTS':
      return { messageKey: 'errors.tooManyRequests' };
    case 'BAD_REQUEST':
    case 'PARSE_ERROR':
      return { messageKey: 'errors.invalidInput' };
    default:
      return { messageKey: 'errors.internal' };
  }
}

function zodFieldErrors(error: ZodError): Record<string, string[]> {
  // A Map, not an object literal: a field may be named "__proto__" (a refused key), which an object would treat as its prototype.
  const fields = new Map<string, string[]>();
  for (const issue of error.issues) {
    const add = (field: string, key: string) => fields.set(field, [...(fields.get(field) ?? []), key]);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path.map(String), key].join('.'), 'validation.unknownField');
      continue;
    }
    add(issue.path.length > 0 ? issue.path.map(String).join('.') : '_form', issueKey(issue));
  }
  return Object.fromEntries(fields);
}

// Schemas give their own keys ("validation.ags.format"); zod's built-in
// messages are prose and become a generic key per kind of problem.
function issueKey(issue: core.$ZodIssue): string {
  if (issue.message.startsWith('validation.') || issue.message.startsWith('errors.')) return issue.message;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'validation.required';
  if (issue.code === 'too_big') return 'validation.tooLong';
  if (issue.code === 'too_small') return 'validation.required';
  return 'validation.invalid';
}
