// A test's WebSocket client of /realtime through the gateway (the `ws` package, as an app's would be): the handshake's
// outcome, the frames received in order, and the close.
import WebSocket from 'ws';
import { baseUrl } from '../../../../test/support/api';

export interface RealtimeClient {
  socket: WebSocket;
  /** Every frame received so far, parsed. */
  frames: unknown[];
  /** The next frame not yet taken by `next` (waits up to `timeoutMs`). */
  next(timeoutMs?: number): Promise<unknown>;
  /** Resolves with the close code once the server (or the client) closed the connection. */
  closed: Promise<number>;
  isOpen(): boolean;
}

export function realtimeUrl(token?: string, path = '/realtime'): string {
  const url = new URL(path, baseUrl().replace(/^http/, 'ws'));
  if (token !== undefined) url.searchParams.set('token', token);
  return url.toString();
}

/** Opens a connection; rejects with the handshake's HTTP status when the server refuses it. */
export function connectRealtime(token?: string, path?: string): Promise<RealtimeClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(realtimeUrl(token, path));
    const frames: unknown[] = [];
    let taken = 0;
    const waiting: Array<() => void> = [];
    let closeCode: number | null = null;
    const closed = new Promise<number>((done) => socket.once('close', (code) => done((closeCode = code))));
    socket.on('message', (data) => {
      frames.push(JSON.parse(String(data)));
      waiting.splice(0).forEach((wake) => wake());
    });
    socket.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`handshake refused with ${res.statusCode}`), { status: res.statusCode }));
      socket.terminate();
    });
    socket.once('error', (err) => reject(err));
    socket.once('open', () =>
      resolve({
        socket,
        frames,
        closed,
        isOpen: () => closeCode === null && socket.readyState === WebSocket.OPEN,
        async next(timeoutMs = 5_000) {
          const deadline = Date.now() + timeoutMs;
          while (frames.length <= taken) {
            if (Date.now() > deadline) throw new Error(`no frame within ${timeoutMs} ms (received ${JSON.stringify(frames)})`);
            await new Promise<void>((wake) => {
              const timer = setTimeout(wake, 100);
              waiting.push(() => {
                clearTimeout(timer);
                wake();
              });
            });
          }
          return frames[taken++];
        },
      }),
    );
  });
}

/** The handshake's HTTP status when the server refuses the connection; throws when it accepts it. */
export async function refusedStatus(token?: string, path?: string): Promise<number> {
  try {
    const client = await connectRealtime(token, path);
    client.socket.terminate();
    throw new Error('the handshake was accepted');
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === undefined) throw err;
    return status;
  }
}
