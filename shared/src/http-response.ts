// What HTTP handlers return; the chain serialises it to the API Gateway v2 result.

export interface HttpResponse<T = unknown> {
  statusCode: number;
  body?: T;
  headers?: Record<string, string>;
}

export function json<T>(statusCode: number, body: T, headers?: Record<string, string>): HttpResponse<T> {
  return headers ? { statusCode, body, headers } : { statusCode, body };
}

export function ok<T>(body: T, headers?: Record<string, string>): HttpResponse<T> {
  return json(200, body, headers);
}

export function created<T>(body: T, headers?: Record<string, string>): HttpResponse<T> {
  return json(201, body, headers);
}

export function noContent(headers?: Record<string, string>): HttpResponse<never> {
  return headers ? { statusCode: 204, headers } : { statusCode: 204 };
}
