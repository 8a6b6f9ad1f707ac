// The web app (clients/web) behind the gateway at /app: in `npm run dev` Vite's dev server (a child on its own port,
// hot reloading through its WebSocket, which the gateway passes on too); in the test platform the built files
// (npm run build:web) from clients/web/dist.
import { createReadStream, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';

/** Where the app lives on the gateway. */
export const webAppPath = '/app';

export type WebAppMode = { mode: 'dev'; port: number } | { mode: 'static'; dir: string };

export const isWebAppPath = (pathname: string): boolean => pathname === webAppPath || pathname.startsWith(`${webAppPath}/`);

/** Content-Type per file extension, here and in the deployed bucket (scripts/web/upload-plan.ts). */
export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

function sendText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

/**
 * The file under `dir` for a request path below /app/, or null when it would leave `dir`. Paths without a file
 * (the app's own screens) are the app's index.html.
 */
export function staticFileFor(dir: string, pathname: string): string | null {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.slice(webAppPath.length + 1));
  } catch {
    return null;
  }
  const root = path.resolve(dir);
  const file = path.resolve(root, relative);
  if (file !== root && !file.startsWith(`${root}${path.sep}`)) return null;
  const isFile = (candidate: string) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  };
  if (isFile(file)) return file;
  return path.extname(relative) === '' ? path.join(root, 'index.html') : null;
}

function serveStatic(dir: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  const file = staticFileFor(dir, pathname);
  if (!file) return sendText(res, 404, 'Not found');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return sendText(res, 404, 'The web app is not built: run npm run build:web -- --stage local');
  }
  // Hashed asset names never change content; index.html must be asked for again each time.
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}

function proxyToDevServer(port: number, req: IncomingMessage, res: ServerResponse): void {
  const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent: false }, (upstreamRes) => {
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
    upstreamRes.pipe(res);
  });
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else sendText(res, 503, 'The web app dev server is starting (or stopped); try again in a moment.', { 'retry-after': '1' });
  });
  req.pipe(upstream);
}

/** Answers a request under /app: `/app` itself moves to `/app/`; the rest is the dev server's or a built file. */
export function serveWebApp(web: WebAppMode, req: IncomingMessage, res: ServerResponse, pathname: string, search: string): void {
  const method = (req.method ?? 'GET').toUpperCase();
  if (pathname === webAppPath) return sendText(res, 308, 'Moved', { location: `${webAppPath}/${search}` });
  if (web.mode === 'dev') return proxyToDevServer(web.port, req, res);
  if (method !== 'GET' && method !== 'HEAD') return sendText(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
  req.resume();
  serveStatic(web.dir, req, res, pathname);
}
