// Invokes a function through serverless-offline's Lambda invoke API (the AWS Lambda Invoke path), as AWS IoT
// Core invokes an authorizer or a rule's target. Tells a function error apart from a call that never reached it,
// with the outcome the delivery layer's invoker gives (reachedFunction false: the invoke API itself failed).
import http from 'node:http';
import type { FailureDetail } from '../delivery/dead-letters';
import type { InvokeOutcome } from '../delivery/lambda-invoke';

export type { InvokeOutcome };

export type Invoke = (target: LambdaTarget, event: unknown, timeoutMs: number) => Promise<InvokeOutcome>;

export interface LambdaTarget {
  /** serverless-offline's Lambda port of the service that owns the function. */
  lambdaPort: number;
  /** The deployed-style name, `<service>-local-<function>`. */
  functionName: string;
}

function parse(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The error as Lambda reports it: `{ errorType, errorMessage }` from a function, `{ Message }` from the API. */
function describeError(payload: unknown, fallbackType: string): FailureDetail {
  const body = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown; Message?: unknown };
  const type = typeof body.errorType === 'string' ? body.errorType : fallbackType;
  if (typeof body.errorMessage === 'string') return { type, message: body.errorMessage };
  if (typeof body.Message === 'string') return { type, message: body.Message };
  return { type, message: JSON.stringify(payload) };
}

/** One line for a log: `Type: message`. */
export function describeFailure(error: FailureDetail): string {
  return `${error.type}: ${error.message}`;
}

// Connections to the invoke API are reused: a new loopback connection per CONNECT would cost the broker more
// than the authorizer itself. serverless-offline closes idle sockets on its own schedule, so a request written
// to a reused socket it has just closed (ECONNRESET before any answer; it never read the request) is sent
// once more on a fresh connection.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(target: LambdaTarget, body: Buffer, timeoutMs: number, fresh: boolean): Promise<InvokeOutcome> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.lambdaPort,
        method: 'POST',
        path: `/2015-03-31/functions/${encodeURIComponent(target.functionName)}/invocations`,
        headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-amz-invocation-type': 'RequestResponse' },
        agent: fresh ? false : agent,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => resolve({ ok: false, reachedFunction: false, error: { type: error.name, message: error.message } }));
        res.on('end', () => {
          const payload = parse(Buffer.concat(chunks).toString('utf8'));
          const status = res.statusCode ?? 500;
          const functionError = res.headers['x-amz-function-error'];
          if (functionError) resolve({ ok: false, reachedFunction: true, error: describeError(payload, String(functionError)) });
          else if (status >= 300) {
            const apiError = describeError(payload, String(res.headers['x-amzn-errortype'] ?? `HTTP${status}`));
            resolve({ ok: false, reachedFunction: false, error: { type: apiError.type, message: `invoke API answered ${status}: ${apiError.message}` } });
          } else resolve({ ok: true, payload });
        });
      },
    );
    // The request reached the invoke API and the function is still running: that counts as an attempt.
    req.on('timeout', () => {
      resolve({ ok: false, reachedFunction: true, error: { type: 'Timeout', message: `no answer within ${timeoutMs} ms` } });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!fresh && req.reusedSocket && error.code === 'ECONNRESET') resolve(post(target, body, timeoutMs, true));
      else resolve({ ok: false, reachedFunction: false, error: { type: error.code ?? error.name, message: error.message } });
    });
    req.end(body);
  });
}

/** POST /2015-03-31/functions/<name>/invocations, RequestResponse. */
export const invokeLambda: Invoke = (target, event, timeoutMs) => post(target, Buffer.from(JSON.stringify(event)), timeoutMs, false);
