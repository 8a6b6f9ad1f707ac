// A device that connects and then goes silent: a raw MQTT 3.1.1 CONNECT over TCP, then nothing, not even the
// PINGREQs its keep-alive promises (mqtt.js always pings, so it cannot play this part). The broker must drop
// it once 1.5 × the keep-alive has passed without a packet, as AWS IoT Core does.
import net from 'node:net';
import type { Credentials } from './things-client';

export interface SilentDevice {
  /** When the broker accepted the connection (CONNACK 0), epoch ms. */
  connectedAt: number;
  /** Resolves with the time the broker closed the connection, epoch ms. */
  closedAt: Promise<number>;
  socket: net.Socket;
}

/** A length-prefixed UTF-8 string, as MQTT encodes them. */
function mqttString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** MQTT's variable-length "remaining length": 7 bits a byte, the high bit saying another byte follows. */
function remainingLength(length: number): Buffer {
  const bytes: number[] = [];
  let rest = length;
  do {
    const digit = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? digit | 0x80 : digit);
  } while (rest > 0);
  return Buffer.from(bytes);
}

export function connectPacket(credentials: Pick<Credentials, 'clientId' | 'username' | 'password'>, keepAliveSeconds: number): Buffer {
  // Protocol "MQTT" level 4 (3.1.1); flags: user name, password, clean session.
  const keepAlive = Buffer.alloc(2);
  keepAlive.writeUInt16BE(keepAliveSeconds);
  const variableHeader = Buffer.concat([mqttString('MQTT'), Buffer.from([0x04, 0xc2]), keepAlive]);
  const payload = Buffer.concat([mqttString(credentials.clientId), mqttString(credentials.username), mqttString(credentials.password)]);
  const body = Buffer.concat([variableHeader, payload]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

export function connectSilently(url: string, credentials: Pick<Credentials, 'clientId' | 'username' | 'password'>, keepAliveSeconds: number): Promise<SilentDevice> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const closedAt = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      socket.off('data', onData);
      // CONNACK: type 2, remaining length 2, session present, return code.
      if (received[0] !== 0x20 || received[3] !== 0) {
        socket.destroy();
        reject(new Error(`CONNECT refused: ${received.subarray(0, 4).toString('hex')}`));
        return;
      }
      resolve({ connectedAt: Date.now(), closedAt, socket });
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('connect', () => socket.write(connectPacket(credentials, keepAliveSeconds)));
  });
}
