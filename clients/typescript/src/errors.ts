// Every failure of a call is an ApiError: the API's error body (code, message, details, requestId) for a
// non-2xx answer, NETWORK_ERROR when no answer came, INVALID_RESPONSE when the answer was not what the API sends.
import type { components } from './schema';

export type ErrorBody = components['schemas']['ErrorBody'];
/** API.md's codes, plus the client's own for calls that got no usable answer. */
export type ApiErrorCode = ErrorBody['error']['code'] | 'NETWORK_ERROR' | 'ABORTED' | 'INVALID_RESPONSE';

const codeByStatus: Record<number, ErrorBody['error']['code']> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

export interface ApiErrorInit {
  status: number;
  code: ApiErrorCode;
  message: string;
  details?: unknown[] | undefined;
  requestId?: string | null | undefined;
  /** Seconds to wait before trying again (a 429's or 503's Retry-After header), when the answer said. */
  retryAfter?: number | undefined;
  /** The parsed body of an answer that was not an error body (a health route's 503, a proxy's page). */
  body?: unknown;
  cause?: unknown;
}

export class ApiError extends Error {
  /** The HTTP status; 0 when no answer came. */
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly details: unknown[] | undefined;
  /** The request's id in the API's logs (the x-request-id header), when an answer came. */
  readonly requestId: string | null;
  /** Seconds to wait before trying again, from the answer's Retry-After header (undefined when it sent none). */
  readonly retryAfter: number | undefined;
  readonly body: unknown;

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.requestId = init.requestId ?? null;
    this.retryAfter = init.retryAfter;
    this.body = init.body;
  }

  /** On a 412 from If-Match: the resource as it is now (`details[0].current`), to merge with and retry. */
  current<T = components['schemas']['Note']>(): T | undefined {
    const first = this.details?.[0];
    return typeof first === 'object' && first !== null && 'current' in first ? (first as { current: T }).current : undefined;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { message?: unknown }).message === 'string';
}

/**
 * A Retry-After header in seconds: delay-seconds as sent, an HTTP date as the seconds from `now` (at least 0);
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(header: string | null | undefined, now: Date = new Date()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** The ApiError for a non-2xx answer: its error body when it has one, else what the status says. */
export function errorFromResponse(status: number, body: unknown, requestIdHeader: string | null, retryAfterHeader?: string | null): ApiError {
  const retryAfter = parseRetryAfter(retryAfterHeader);
  if (isErrorBody(body)) {
    const { code, message, details, requestId } = body.error;
    return new ApiError({ status, code, message, details, requestId: requestId ?? requestIdHeader, retryAfter });
  }
  return new ApiError({ status, code: codeByStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_RESPONSE'), message: `HTTP ${status}`, requestId: requestIdHeader, retryAfter, body });
}
