// The domain's DevicePlane on AWS IoT's data plane (locally the platform's twin, scripts/platform/iot): the
// desired state as a retained message on the thing's desired topic, and DeleteConnection to cut a device off.
import { DeleteConnectionCommand, IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { thingTopics } from '../domain/credentials';
import type { DevicePlane } from '../domain/ports';

/** The part of IoTDataPlaneClient the plane uses; a fake only needs `send`. */
export interface DataPlaneSender {
  send(command: PublishCommand | DeleteConnectionCommand): Promise<unknown>;
}

export function devicePlane(client: DataPlaneSender): DevicePlane {
  const publishRetained = (topic: string, payload: Uint8Array) => client.send(new PublishCommand({ topic, qos: 1, retain: true, payload }));
  return {
    async publishDesired(thingId, message) {
      await publishRetained(thingTopics(thingId).desired, new TextEncoder().encode(JSON.stringify(message)));
    },
    async clearDesired(thingId) {
      // An empty retained message removes the retained one (MQTT 3.1.1, and AWS IoT's retained messages).
      await publishRetained(thingTopics(thingId).desired, new Uint8Array());
    },
    async disconnect(thingId) {
      try {
        await client.send(new DeleteConnectionCommand({ clientId: thingId, cleanSession: true, preventWillMessage: true }));
      } catch (err) {
        // Not connected: nothing to cut.
        if (err instanceof Error && err.name === 'ResourceNotFoundException') return;
        throw err;
      }
    },
  };
}

/** The data-plane client; `endpoint` is the account's `iot:Data-ATS` endpoint (https://...), or the local twin's. */
export function dataPlaneClient(endpoint: string): IoTDataPlaneClient {
  return new IoTDataPlaneClient({ endpoint, maxAttempts: 3 });
}
