// SNS → Lambda, locally: one HTTP subscription per (function, topic) on the SNS emulator, with the function's
// filter policy, so the emulator decides what matches; each notification becomes the event AWS gives a
// subscribed function and goes through the asynchronous invocation (retries, then the dead-letter store).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import type { SNSEvent } from 'aws-lambda';
import { localAccountId, localCredentials, localRegion } from '../emulators';
import type { SnsConsumer } from './consumers';

/** The JSON SNS posts to an HTTP subscriber (and parks in a subscription's dead-letter queue). */
export interface SnsNotification {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string | null;
  Message: string;
  Timestamp: string;
  SignatureVersion?: string;
  Signature?: string;
  SigningCertURL?: string;
  SigningCertUrl?: string;
  UnsubscribeURL?: string;
  UnsubscribeUrl?: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export function isSnsNotification(value: unknown): value is SnsNotification {
  const v = value as Partial<SnsNotification> | null;
  return typeof v === 'object' && v !== null && v.Type === 'Notification' && typeof v.MessageId === 'string' && typeof v.TopicArn === 'string' && typeof v.Message === 'string';
}

/** The event Lambda receives for one SNS message. */
export function snsLambdaEvent(notification: SnsNotification, subscriptionArn: string): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: subscriptionArn,
        Sns: {
          Type: 'Notification',
          MessageId: notification.MessageId,
          TopicArn: notification.TopicArn,
          // aws-lambda types Subject as a string; SNS sends null when the publisher gave none.
          Subject: (notification.Subject ?? null) as string,
          Message: notification.Message,
          Timestamp: notification.Timestamp,
          SignatureVersion: notification.SignatureVersion ?? '1',
          Signature: notification.Signature ?? 'EXAMPLE',
          SigningCertUrl: notification.SigningCertURL ?? notification.SigningCertUrl ?? 'EXAMPLE',
          UnsubscribeUrl: notification.UnsubscribeURL ?? notification.UnsubscribeUrl ?? 'EXAMPLE',
          MessageAttributes: notification.MessageAttributes ?? {},
        },
      },
    ],
  };
}

export const localTopicArn = (topicName: string): string => `arn:aws:sns:${localRegion}:${localAccountId}:${topicName}`;

export interface SnsDispatch {
  (consumer: SnsConsumer, event: SNSEvent, notification: SnsNotification): void;
}

/**
 * Subscribes every consumer to its topic on the SNS emulator and passes each notification to `dispatch`.
 * The endpoint answers at once, as Lambda accepts an asynchronous invocation before it runs it.
 */
export async function startSnsDelivery(options: { snsPort: number; consumers: SnsConsumer[]; dispatch: SnsDispatch; log(text: string): void }): Promise<{ close(): Promise<void> }> {
  const byPath = new Map(options.consumers.map((consumer) => [`/sns/${consumer.id}`, consumer]));
  const subscriptionArns = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const consumer = byPath.get(req.url ?? '');
      let notification: unknown;
      try {
        notification = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        notification = undefined;
      }
      if (!consumer || !isSnsNotification(notification)) {
        res.writeHead(400).end();
        options.log(`SNS delivery: refused a post to ${req.url ?? ''} that is not a notification for a known consumer`);
        return;
      }
      res.writeHead(200).end();
      options.dispatch(consumer, snsLambdaEvent(notification, subscriptionArns.get(consumer.id) ?? `${notification.TopicArn}:local`), notification);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const sns = new SNSClient({ endpoint: `http://127.0.0.1:${options.snsPort}`, region: localRegion, credentials: localCredentials });
  for (const consumer of options.consumers) {
    const out = await sns.send(
      new SubscribeCommand({
        TopicArn: localTopicArn(consumer.topicName),
        Protocol: 'http',
        Endpoint: `http://127.0.0.1:${port}/sns/${consumer.id}`,
        ...(consumer.filterPolicy ? { Attributes: { FilterPolicy: JSON.stringify(consumer.filterPolicy) } } : {}),
      }),
    );
    if (out.SubscriptionArn) subscriptionArns.set(consumer.id, out.SubscriptionArn);
  }

  return {
    async close() {
      await Promise.all([...subscriptionArns.values()].map((arn) => sns.send(new UnsubscribeCommand({ SubscriptionArn: arn })).catch(() => undefined)));
      sns.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
