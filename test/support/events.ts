// The local SNS emulator as the integration tests use it: publish an event through its contract, as its producer
// would, and listen to a topic to see what the services publish.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { EventContract, EventEnvelope, EventOf, EventPayload } from '@photonotes/shared/contracts/event';
import { eventPublisher } from '@photonotes/shared/sns';
import type { PublishOptions } from '@photonotes/shared/sns';

const region = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const snsEndpoint = () => `http://127.0.0.1:${process.env.SNS_PORT ?? '4002'}`;

/** `topic` as the contracts name it (`user-events`...). */
export const localTopicArn = (topic: string): string => `arn:aws:sns:${region}:000000000000:photonotes-local-${topic}`;

/** Publishes to the contract's topic, with the attributes subscriptions filter on; returns the envelope. */
export async function publishEvent<C extends EventContract>(contract: C, data: EventPayload<C>, options: PublishOptions = {}): Promise<EventOf<C>> {
  const client = new SNSClient({ endpoint: snsEndpoint(), region, credentials });
  try {
    return await eventPublisher(contract, { topicArn: localTopicArn(contract.topic), client }).publish(data, options);
  } finally {
    client.destroy();
  }
}

/**
 * Publishes a message no producer could send through its contract (a misbehaving or outdated producer), with the
 * `type` attribute subscriptions filter on; returns the envelope's id. For tests of how consumers fail.
 */
export async function publishRawEvent(topic: string, type: string, envelope: { id: string } & Record<string, unknown>): Promise<string> {
  const client = new SNSClient({ endpoint: snsEndpoint(), region, credentials });
  try {
    await client.send(new PublishCommand({ TopicArn: localTopicArn(topic), Message: JSON.stringify(envelope), MessageAttributes: { type: { DataType: 'String', StringValue: type } } }));
    return envelope.id;
  } finally {
    client.destroy();
  }
}

export interface TopicListener {
  /** Every message published to the topic since the listener subscribed, parsed. */
  events: Array<EventEnvelope<unknown>>;
  close(): Promise<void>;
}

/** Subscribes an HTTP endpoint in this process to a topic (raw delivery) and keeps every message. */
export async function listenToTopic(topic: string): Promise<TopicListener> {
  const events: Array<EventEnvelope<unknown>> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as EventEnvelope<unknown>);
      } catch {
        // not an event
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sns = new SNSClient({ region, credentials, endpoint: snsEndpoint() });
  const subscription = await sns.send(
    new SubscribeCommand({ TopicArn: localTopicArn(topic), Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/`, Attributes: { RawMessageDelivery: 'true' } }),
  );
  return {
    events,
    async close() {
      if (subscription.SubscriptionArn) await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscription.SubscriptionArn }));
      sns.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
