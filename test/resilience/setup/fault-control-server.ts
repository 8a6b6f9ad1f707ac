// The resilience platform's fault drills over loopback HTTP, for test files (they run apart from the jest process
// that owns the platform and see only the environment: FAULT_CONTROL_URL).
//   GET  /faults                      → 200 { components: [...], down: [...] }
//   POST /faults/<component>/stop     → 200 { component, action, ms }   (component: dynamodb, sns, mqtt, service:<name>)
//   POST /faults/<component>/start    → 200 { component, action, ms }   once it answers again
// An unknown component or action: 404; a drill that failed: 500 with its message.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnknownFaultComponentError, type FaultControl } from '../../../scripts/platform/faults';

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startFaultControlServer(faults: FaultControl): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/faults') return send(res, 200, { components: faults.components(), down: faults.down() });
    const match = /^\/faults\/([^/]+)\/(stop|start)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match) return send(res, 404, { error: 'POST /faults/<component>/stop|start or GET /faults' });
    const component = decodeURIComponent(match[1] as string);
    const action = match[2] as 'stop' | 'start';
    const started = Date.now();
    faults[action](component).then(
      () => send(res, 200, { component, action, ms: Date.now() - started }),
      (error: unknown) => send(res, error instanceof UnknownFaultComponentError ? 404 : 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
