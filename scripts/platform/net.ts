// Small network helpers for starting the local platform: free-port checks and readiness polling.
import net from 'node:net';
import os from 'node:os';

export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function assertPortsFree(ports: Array<{ port: number; owner: string }>): Promise<void> {
  const busy: string[] = [];
  for (const { port, owner } of ports) if (!(await isPortFree(port))) busy.push(`${port} (${owner})`);
  if (busy.length > 0) {
    throw new Error(
      `Ports already in use: ${busy.join(', ')}. Another 'npm run dev' or test run may still be running; ` +
        `stop it, or find the owner with 'lsof -i :<port>' (see README, Troubleshooting).`,
    );
  }
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, isAborted: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  while (Date.now() < deadline) {
    if (isAborted()) throw new Error(`${what}: aborted`);
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
  }
  throw new Error(`${what} was not ready within ${Math.round(timeoutMs / 1000)} s`);
}

export async function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The first IPv4 address of this machine on a real network interface: what a phone on the same Wi-Fi uses. */
export function lanAddress(interfaces = os.networkInterfaces()): string | null {
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) if (entry.family === 'IPv4' && !entry.internal) return entry.address;
  }
  return null;
}
