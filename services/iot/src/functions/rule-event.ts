// What the device-message rules select: `encode(*, 'base64') AS payload, topic(2) AS thingId, timestamp() AS
// receivedAt` (the payload as bytes, so a message that is not JSON still reaches the function and is dropped there).
import type { DeviceMessage } from '../domain/ingest';

export interface RuleEvent {
  payload?: string;
  thingId?: string;
  receivedAt?: number;
}

export function deviceMessageFrom(event: RuleEvent): DeviceMessage {
  return {
    thingId: String(event.thingId ?? ''),
    payload: Buffer.from(typeof event.payload === 'string' ? event.payload : '', 'base64'),
    receivedAt: typeof event.receivedAt === 'number' ? event.receivedAt : Date.now(),
  };
}
