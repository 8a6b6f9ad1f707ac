// Publishes domain-event envelopes to the local SNS emulator, as the owning service would.
import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

export type LocalTopic = 'media-events' | 'user-events';

export const localTopicArn = (topic: LocalTopic): string => `arn:aws:sns:us-east-1:000000000000:photonotes-local-${topic}`;

/** Publishes `{ id, type, source, occurredAt, data }` with the `type` attribute consumers filter on; returns the id. */
export async function publishEvent(topic: LocalTopic, type: string, data: unknown, options: { id?: string; source?: string } = {}): Promise<string> {
  const client = new SNSClient({ endpoint: `http://127.0.0.1:${process.env.SNS_PORT ?? '4002'}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const id = options.id ?? randomUUID();
  try {
    const envelope = { id, type, source: options.source ?? 'tests', occurredAt: new Date().toISOString(), data };
    await client.send(new PublishCommand({ TopicArn: localTopicArn(topic), Message: JSON.stringify(envelope), MessageAttributes: { type: { DataType: 'String', StringValue: type } } }));
    return id;
  } finally {
    client.destroy();
  }
}
