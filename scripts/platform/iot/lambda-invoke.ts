// Invokes a function through serverless-offline's Lambda invoke API (the AWS Lambda Invoke path), as AWS IoT
// Core invokes an authorizer or a rule's target. Tells a function error apart from a call that never reached it.
import http from 'node:http';

export type InvokeOutcome =
  | { ok: true; payload: unknown }
  /** reachedFunction false: the invoke API itself failed (service down, restarting, unknown function). */
  | { ok: false; reachedFunction: boolean; error: string };

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

function describeError(payload: unknown): string {
  const body = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown; Message?: unknown };
  if (typeof body.errorMessage === 'string') return `${typeof body.errorType === 'string' ? body.errorType : 'Error'}: ${body.errorMessage}`;
  if (typeof body.Message === 'string') return body.Message;
  return JSON.stringify(payload);
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
        res.on('error', (error) => resolve({ ok: false, reachedFunction: false, error: error.message }));
        res.on('end', () => {
          const payload = parse(Buffer.concat(chunks).toString('utf8'));
          const status = res.statusCode ?? 500;
          if (res.headers['x-amz-function-error']) resolve({ ok: false, reachedFunction: true, error: describeError(payload) });
          else if (status >= 300) resolve({ ok: false, reachedFunction: false, error: `invoke API answered ${status}: ${describeError(payload)}` });
          else resolve({ ok: true, payload });
        });
      },
    );
    // The request reached the invoke API and the function is still running: that counts as an attempt.
    req.on('timeout', () => {
      resolve({ ok: false, reachedFunction: true, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!fresh && req.reusedSocket && error.code === 'ECONNRESET') resolve(post(target, body, timeoutMs, true));
      else resolve({ ok: false, reachedFunction: false, error: error.message });
    });
    req.end(body);
  });
}

/** POST /2015-03-31/functions/<name>/invocations, RequestResponse. */
export const invokeLambda: Invoke = (target, event, timeoutMs) => post(target, Buffer.from(JSON.stringify(event)), timeoutMs, false);
