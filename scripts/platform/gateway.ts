// The local stand-in for API Gateway: one port (3000 by default) in front of every service's
// serverless-offline port, routing by the httpApi events each service declares.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { admissionGate } from './admission';
import type { HttpRoute, ServiceDefinition } from './service-definitions';
import { isWebAppPath, serveWebApp, type WebAppMode } from './web-app';

interface CompiledRoute {
  service: ServiceDefinition;
  method: string;
  segments: string[];
  /** Higher wins: literal segments beat parameters, which beat greedy parameters and the catch-all. */
  rank: number;
}

function compile(service: ServiceDefinition, route: HttpRoute): CompiledRoute {
  const segments = route.path === '*' ? ['*'] : route.path.split('/').filter(Boolean);
  const rank = segments.reduce((sum, segment) => sum * 4 + (segment === '*' ? 0 : segment.endsWith('+}') ? 1 : segment.startsWith('{') ? 2 : 3), 1) + (route.method === '*' ? 0 : 0.5);
  return { service, method: route.method, segments, rank };
}

function matches(route: CompiledRoute, method: string, parts: string[]): boolean {
  if (route.method !== '*' && route.method !== method && !(route.method === 'GET' && method === 'HEAD')) return false;
  if (route.segments[0] === '*') return true;
  for (let i = 0; i < route.segments.length; i += 1) {
    const segment = route.segments[i] as string;
    if (segment.endsWith('+}')) return parts.length > i;
    const part = parts[i];
    if (part === undefined) return false;
    if (!segment.startsWith('{') && segment !== part) return false;
  }
  return parts.length === route.segments.length;
}

export function createRouter(services: ServiceDefinition[]): (method: string, pathname: string) => ServiceDefinition | null {
  const routes = services.flatMap((service) => service.routes.map((route) => compile(service, route))).sort((a, b) => b.rank - a.rank);
  return (method, pathname) => {
    const parts = pathname.split('/').filter(Boolean);
    return routes.find((route) => matches(route, method, parts))?.service ?? null;
  };
}

function isDecodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function sendError(res: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  const body = JSON.stringify({ error: { code, message, requestId } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * serverless-offline's own refusal (hapi's, before any handler ran) as the API's error: a Content-Type hapi cannot
 * parse (`application/json, text/plain`) is the 415 the chain gives a wrong content type; any other 4xx keeps its
 * status with the contract's code. Null when the answer is no such refusal (a crash: the caller answers 500).
 */
export function offlineRefusal(status: number, body: string): { status: number; code: string; message: string } | null {
  if (status === 415 || (status === 400 && /invalid content-type/i.test(body))) return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Content-Type must be application/json' };
  if (status === 413) return { status, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' };
  if (status === 400) return { status, code: 'VALIDATION_FAILED', message: 'The request could not be read' };
  return null;
}

/**
 * Requests in flight per service at once; the rest wait their turn in arrival order. serverless-offline starts a
 * new worker (its own heap, the handler loaded again) for every concurrent invocation of a function, so a burst of
 * 40 requests would load 40 copies on a 2-core machine and run into the Lambda timeout. On AWS each would be its own
 * warm container; here a short queue gives the same answers, later.
 */
export const maxInFlightPerService = 6;

/**
 * Health requests (`GET /health`, `GET /health/<service>`) in flight per service, beside the others: they must not
 * wait behind a service's slow requests. `GET /health` asks every service's own route with a time limit, so under
 * load a probe queued behind six requests of a few seconds each timed out and `GET /health` answered 503 with every
 * service up. On AWS the health function scales on its own like any other.
 */
export const maxHealthInFlightPerService = 2;

/** The aggregate health route and each service's own. */
export const isHealthPath = (pathname: string): boolean => /^\/health(\/[a-z-]+)?$/.test(pathname);


export interface GatewayOptions {
  port: number;
  host: string;
  services: ServiceDefinition[];
  /** Answers GET /health when the service that owns it is down, so the 503 still names what failed. */
  fallbackHealth: () => Promise<{ status: number; body: unknown }>;
  /** The web app at /app (scripts/platform/web-app.ts); none: /app is a 404 like any unknown path. */
  web?: WebAppMode;
}

export function startGateway(options: GatewayOptions): Promise<http.Server> {
  const route = createRouter(options.services);
  // No keep-alive to the services: serverless-offline closes idle sockets on its own schedule, and a request
  // written to a socket it just closed fails with ECONNRESET. A loopback connect costs far less than that.
  const agent = new http.Agent({ keepAlive: false, maxSockets: 64 });
  const gates = new Map(options.services.map((service) => [service.name, admissionGate(maxInFlightPerService)]));
  const healthGates = new Map(options.services.map((service) => [service.name, admissionGate(maxHealthInFlightPerService)]));
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const incomingId = req.headers['x-request-id'];
    const requestId = typeof incomingId === 'string' && /^[A-Za-z0-9._-]{8,128}$/.test(incomingId) ? incomingId : randomUUID();
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = (req.method ?? 'GET').toUpperCase();
    // serverless-offline answers an undecodable path with its own 400 body; the API's error body it is.
    if (!isDecodable(url.pathname)) {
      sendError(res, 400, 'VALIDATION_FAILED', 'The path is not valid percent-encoding', requestId);
      req.resume();
      return;
    }
    if (options.web && isWebAppPath(url.pathname)) {
      serveWebApp(options.web, req, res, url.pathname, url.search);
      return;
    }
    const target = route(method, url.pathname);
    if (!target) {
      sendError(res, 404, 'NOT_FOUND', `No route for ${method} ${url.pathname}`, requestId);
      req.resume();
      return;
    }
    const gate = (method === 'GET' && isHealthPath(url.pathname) ? healthGates.get(target.name) : gates.get(target.name)) ?? admissionGate(maxInFlightPerService);
    void gate.enter().then((leave) => {
      // Held until the answer is sent (or the client went away), whatever the upstream did.
      res.once('close', leave);
      if (req.destroyed) return;
      forward(req, res, target, method, url, requestId);
    });
  });

  function forward(req: IncomingMessage, res: ServerResponse, target: ServiceDefinition, method: string, url: URL, requestId: string): void {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: target.httpPort,
        method,
        path: req.url,
        agent,
        headers: { ...req.headers, 'x-request-id': requestId, 'x-forwarded-for': req.socket.remoteAddress ?? '', 'x-forwarded-proto': 'http', 'x-forwarded-host': req.headers.host ?? '' },
        timeout: 30_000,
      },
      (upstreamRes) => {
        // Every answer of our handlers carries x-request-id. One without it comes from serverless-offline
        // itself: a handler that crashed or timed out, which it reports as a 200 with `errorMessage`.
        // API Gateway would answer 500 there, so the API's error body it is (CORS preflights excepted).
        // A 4xx without it is hapi (inside serverless-offline) refusing a request it could not read before any
        // handler ran; API Gateway would have passed it on, and our chain refuses it the same way.
        if (!upstreamRes.headers['x-request-id'] && method !== 'OPTIONS') {
          const chunks: Buffer[] = [];
          upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
          upstreamRes.on('end', () => {
            const refusal = offlineRefusal(upstreamRes.statusCode ?? 500, Buffer.concat(chunks).toString('utf8').slice(0, 2000));
            if (refusal) sendError(res, refusal.status, refusal.code, refusal.message, requestId);
            else sendError(res, 500, 'INTERNAL', 'Internal server error', requestId);
          });
          return;
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (method === 'GET' && url.pathname === '/health') {
        void options.fallbackHealth().then(({ status, body }) => {
          const text = JSON.stringify(body);
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId });
          res.end(text);
        });
        return;
      }
      const timedOut = error.message === 'timeout';
      sendError(res, 503, 'SERVICE_UNAVAILABLE', timedOut ? `Service ${target.name} did not answer in time` : `Service ${target.name} is not running`, requestId);
    });
    req.pipe(upstream);
  }
  // API Gateway's WebSocket API for the service that declares `websocket` events, at /realtime.
  const realtime = options.services.find((service) => service.websocketPort !== null);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    // Vite's hot-reload socket, under the app's base path.
    if (options.web?.mode === 'dev' && isWebAppPath(url.pathname)) {
      proxyUpgrade(req, socket, head, options.web.port);
      return;
    }
    if (url.pathname !== realtimePath || !realtime?.websocketPort) {
      refuseUpgrade(socket, 404, 'NOT_FOUND', `No WebSocket at ${url.pathname}`);
      return;
    }
    proxyUpgrade(req, socket, head, realtime.websocketPort);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

/** The path apps open the realtime WebSocket on (API.md "Realtime"). */
export const realtimePath = '/realtime';

function refuseUpgrade(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { code, message } });
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

function rawHeaders(headers: string[]): string {
  let text = '';
  for (let i = 0; i + 1 < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return text;
}

/**
 * Hands a WebSocket handshake to serverless-offline's WebSocket server and, once it switches protocols, joins the two
 * sockets. A refusal ($connect answering 401) reaches the client as that status; an unreachable server as a 503.
 */
function proxyUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, port: number): void {
  const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent: false });
  socket.on('error', () => upstream.destroy());
  upstream.on('upgrade', (res, upstreamSocket, upstreamHead) => {
    socket.write(`HTTP/1.1 ${res.statusCode ?? 101} ${res.statusMessage ?? 'Switching Protocols'}\r\n${rawHeaders(res.rawHeaders)}\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
    upstreamSocket.pipe(socket);
    socket.pipe(upstreamSocket);
  });
  upstream.on('response', (res) => {
    // Refused before the upgrade: pass the status and body on, then close (no WebSocket follows).
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      socket.end(`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.toString('utf8')}`);
    });
  });
  upstream.on('error', () => {
    if (!socket.destroyed) refuseUpgrade(socket, 503, 'SERVICE_UNAVAILABLE', 'The realtime service is not running');
  });
  upstream.end();
}
