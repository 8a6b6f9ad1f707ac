// Direct access to the local emulators for integration tests: the media bucket (s3rver) and the SNS
// emulator, where a tiny HTTP endpoint subscribes to a topic to see what the services publish.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';

const region = 'us-east-1';
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const snsEndpoint = `http://127.0.0.1:${process.env.SNS_PORT ?? '4002'}`;

export const mediaBucket = 'photonotes-local-media';
export const topicArn = (name: string) => `arn:aws:sns:${region}:000000000000:photonotes-local-${name}`;

export function localS3(): S3Client {
  return new S3Client({ region, credentials, endpoint: `http://127.0.0.1:${process.env.S3_PORT ?? '4569'}`, forcePathStyle: true });
}

export async function listKeys(s3: S3Client, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: mediaBucket, Prefix: prefix }));
  return (out.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
}

export interface ReceivedEvent<T = unknown> {
  id: string;
  type: string;
  source?: string;
  occurredAt: string;
  data: T;
}

export interface TopicListener {
  events: ReceivedEvent[];
  close(): Promise<void>;
}

/** Subscribes an HTTP endpoint in this process to a topic (raw delivery) and keeps every message. */
export async function listenToTopic(name: string): Promise<TopicListener> {
  const events: ReceivedEvent[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedEvent);
      } catch {
        // not an event
      }
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sns = new SNSClient({ region, credentials, endpoint: snsEndpoint });
  const subscription = await sns.send(
    new SubscribeCommand({ TopicArn: topicArn(name), Protocol: 'http', Endpoint: `http://127.0.0.1:${port}/`, Attributes: { RawMessageDelivery: 'true' } }),
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

/** Publishes a domain event as its owning service would. */
export async function publishEvent(topic: string, type: string, data: unknown): Promise<void> {
  const sns = new SNSClient({ region, credentials, endpoint: snsEndpoint });
  const event = { id: randomUUID(), type, source: 'test', occurredAt: new Date().toISOString(), data };
  await sns.send(new PublishCommand({ TopicArn: topicArn(topic), Message: JSON.stringify(event), MessageAttributes: { type: { DataType: 'String', StringValue: type } } }));
  sns.destroy();
}

/** Polls until `check` returns a value or the deadline passes (then returns the last value, undefined). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
