// Typed errors that carry the HTTP contract's status and code (API.md "Errors"), and the one
// function that turns any thrown value into the error body clients see.

export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PRECONDITION_FAILED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL';

export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: unknown[] | undefined;

  constructor(status: number, code: ErrorCode, message: string, details?: unknown[], options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends AppError {
  constructor(message = 'Request validation failed', details?: unknown[], options?: ErrorOptions) {
    super(400, 'VALIDATION_FAILED', message, details, options);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Unauthorized', details?: unknown[], options?: ErrorOptions) {
    super(401, 'UNAUTHORIZED', message, details, options);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Forbidden', details?: unknown[], options?: ErrorOptions) {
    super(403, 'FORBIDDEN', message, details, options);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found', details?: unknown[], options?: ErrorOptions) {
    super(404, 'NOT_FOUND', message, details, options);
  }
}

export class ConflictError extends AppError {
  constructor(message = 'Conflict', details?: unknown[], options?: ErrorOptions) {
    super(409, 'CONFLICT', message, details, options);
  }
}

export class PreconditionFailedError extends AppError {
  constructor(message = 'Precondition failed', details?: unknown[], options?: ErrorOptions) {
    super(412, 'PRECONDITION_FAILED', message, details, options);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'Payload too large', details?: unknown[], options?: ErrorOptions) {
    super(413, 'PAYLOAD_TOO_LARGE', message, details, options);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(message = 'Unsupported media type', details?: unknown[], options?: ErrorOptions) {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message, details, options);
  }
}

export class RateLimitedError extends AppError {
  /** Sent as the `Retry-After` header (API.md: every 429 of a rate limit has one). */
  readonly retryAfterSeconds: number | undefined;

  constructor(message = 'Too many requests', details?: unknown[], options?: ErrorOptions & { retryAfterSeconds?: number }) {
    super(429, 'RATE_LIMITED', message, details, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export class ServiceUnavailableError extends AppError {
  /** Sent as the `Retry-After` header when set. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message = 'Service unavailable', details?: unknown[], options?: ErrorOptions & { retryAfterSeconds?: number }) {
    super(503, 'SERVICE_UNAVAILABLE', message, details, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export class InternalError extends AppError {
  constructor(message = 'Internal server error', details?: unknown[], options?: ErrorOptions) {
    super(500, 'INTERNAL', message, details, options);
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown[]; requestId: string };
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Socket errors that mean the other side is down or unreachable, not that the request was wrong. */
const unreachableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
/** AWS SDK errors of a dependency that is overloaded or failing on its side, worth retrying later. */
const retryLaterNames = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ServiceUnavailable', 'ServiceUnavailableException', 'InternalServerError', 'InternalFailure', 'ThrottlingException', 'Throttling', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TooManyRequestsException']);

function unreachable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const { code, name, errors, cause, $metadata } = err as { code?: unknown; name?: unknown; errors?: unknown; cause?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (typeof code === 'string' && unreachableCodes.has(code)) return true;
  if (typeof name === 'string' && retryLaterNames.has(name)) return true;
  if (typeof $metadata?.httpStatusCode === 'number' && $metadata.httpStatusCode >= 500) return true;
  // Node's connection attempts to each address of a host fail together as one AggregateError.
  if (Array.isArray(errors) && errors.some((inner) => unreachable(inner, depth + 1))) return true;
  return unreachable(cause, depth + 1);
}

/**
 * A dependency (DynamoDB, SNS, S3, another service) that is down, unreachable, timing out or throttling: a 503 the
 * caller may retry, with the original error as its cause (logged, never sent). Null for anything else, which stays
 * a 500: a request must never answer 500 because an emulator or an AWS endpoint is briefly away.
 */
export function dependencyUnavailable(err: unknown): ServiceUnavailableError | null {
  if (isAppError(err) || !unreachable(err)) return null;
  return new ServiceUnavailableError('A service this request depends on is unavailable; try again', undefined, { cause: err, retryAfterSeconds: 1 });
}

/** Anything that is not an AppError becomes a generic 500: its message may hold AWS or stack details. */
export function errorBody(err: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (!isAppError(err)) {
    return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal server error', requestId } } };
  }
  const error: ErrorBody['error'] = { code: err.code, message: err.message, requestId };
  if (err.details !== undefined) error.details = err.details;
  return { status: err.status, body: { error } };
}
