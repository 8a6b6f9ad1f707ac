// What HTTP handlers return; the chain serialises it to the API Gateway v2 result.

export interface HttpResponse<T = unknown> {
  statusCode: number;
  body?: T;
  headers?: Record<string, string>;
  /** Set by `raw()`: the body is sent as it is (base64-encoded when binary), not as JSON. */
  raw?: 'text' | 'base64';
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

/** A body that is not JSON (an HTML page, a script, an image), with its own content type. */
export function raw(statusCode: number, body: string | Uint8Array, contentType: string, headers?: Record<string, string>): HttpResponse<string> {
  const binary = typeof body !== 'string';
  return {
    statusCode,
    body: binary ? Buffer.from(body).toString('base64') : body,
    headers: { 'content-type': contentType, ...headers },
    raw: binary ? 'base64' : 'text',
  };
}
