// The local IoT data-plane endpoint: the REST paths `@aws-sdk/client-iot-data-plane` calls, answered by the
// local broker, so a service's Publish / DeleteConnection / GetRetainedMessage code runs unchanged locally
// (the client only needs `endpoint: IOT_DATA_ENDPOINT`). Errors use the REST-JSON shape the SDK parses
// (`x-amzn-ErrorType` and a `message`). Like every local emulator it checks no signature and no IAM.
//   POST   /topics/{topic}?qos=0|1&retain=true|false   body = payload        → Publish
//   DELETE /connections/{clientId}?cleanSession=&preventWillMessage=        → DeleteConnection
//   GET    /retainedMessage/{topic}                                         → GetRetainedMessage
//   GET    /retainedMessage?maxResults=&nextToken=                          → ListRetainedMessages
//   GET    /health                                                          → the broker's state (not an AWS API)
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { maxPayloadBytes, type IotBroker } from './broker';
import type { RetainedMessages } from './retained';
import { topicLimitError, topicNameError } from './topics';

export interface DataPlaneOptions {
  broker: IotBroker;
  retained: RetainedMessages;
  health(): Record<string, unknown>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === null ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => (size > limit ? reject(new ApiError(413, 'RequestEntityTooLargeException', `The payload exceeds the maximum size of ${limit} bytes`)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

const flag = (value: string | null, name: string): boolean => {
  if (value === null || value === 'false') return false;
  if (value === 'true') return true;
  throw new ApiError(400, 'InvalidRequestException', `${name} must be true or false`);
};

/** The one path parameter after `prefix`, percent-decoded (the SDK encodes `/` in a topic as %2F). */
function parameter(pathname: string, prefix: string): string | null {
  if (!pathname.startsWith(prefix) || pathname.length === prefix.length) return null;
  try {
    return decodeURIComponent(pathname.slice(prefix.length));
  } catch {
    throw new ApiError(400, 'InvalidRequestException', 'The path is not valid percent-encoding');
  }
}

async function route(req: IncomingMessage, res: ServerResponse, options: DataPlaneOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://iot-data');
  const method = req.method ?? 'GET';
  const topic = parameter(url.pathname, '/topics/');
  if (method === 'POST' && topic !== null) {
    const problem = topicNameError(topic) ?? topicLimitError(topic);
    if (problem) throw new ApiError(400, 'InvalidRequestException', `Invalid topic: ${problem}`);
    const qos = Number(url.searchParams.get('qos') ?? '0');
    if (qos !== 0 && qos !== 1) throw new ApiError(400, 'InvalidRequestException', 'qos must be 0 or 1');
    const retain = flag(url.searchParams.get('retain'), 'retain');
    const payload = await readBody(req, maxPayloadBytes);
    await options.broker.publish({ topic, payload, qos, retain });
    return send(res, 200, null);
  }
  const clientId = parameter(url.pathname, '/connections/');
  if (method === 'DELETE' && clientId !== null) {
    const cleanSession = flag(url.searchParams.get('cleanSession'), 'cleanSession');
    const preventWillMessage = flag(url.searchParams.get('preventWillMessage'), 'preventWillMessage');
    if (!options.broker.deleteConnection(clientId, { cleanSession, preventWillMessage })) {
      throw new ApiError(404, 'ResourceNotFoundException', `No connection for client ${clientId}`);
    }
    return send(res, 200, null);
  }
  const retainedTopic = parameter(url.pathname, '/retainedMessage/');
  if (method === 'GET' && retainedTopic !== null) {
    const message = options.retained.get(retainedTopic);
    if (!message) throw new ApiError(404, 'ResourceNotFoundException', `No retained message on ${retainedTopic}`);
    return send(res, 200, { topic: message.topic, payload: message.payload.toString('base64'), qos: message.qos, lastModifiedTime: message.lastModifiedTime });
  }
  if (method === 'GET' && url.pathname === '/retainedMessage') {
    const maxResults = Math.min(Math.max(Number(url.searchParams.get('maxResults') ?? '200') || 200, 1), 200);
    const start = Number(url.searchParams.get('nextToken') ?? '0') || 0;
    const all = options.retained.list();
    const page = all.slice(start, start + maxResults);
    const retainedTopics = page.map((m) => ({ topic: m.topic, payloadSize: m.payload.length, qos: m.qos, lastModifiedTime: m.lastModifiedTime }));
    return send(res, 200, { retainedTopics, ...(start + maxResults < all.length ? { nextToken: String(start + maxResults) } : {}) });
  }
  if (method === 'GET' && url.pathname === '/health') return send(res, 200, options.health());
  throw new ApiError(404, 'UnknownOperationException', `The local IoT data plane has no ${method} ${url.pathname}`);
}

export function startDataPlane(options: DataPlaneOptions, port: number, host = '127.0.0.1'): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    route(req, res, options).catch((error: unknown) => {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalFailureException', error instanceof Error ? error.message : String(error));
      req.resume();
      if (!res.headersSent) send(res, apiError.status, { message: apiError.message }, { 'x-amzn-errortype': apiError.type });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
