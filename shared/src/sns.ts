// Publishes domain events to an SNS topic in the shared envelope, with `type` as a message attribute
// so subscriptions can filter on it.
import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DomainEvent } from './domain-event';
import { optionalEnv } from './env';

export { domainEventEnvelope } from './domain-event';
export type { DomainEvent } from './domain-event';

/** The part of SNSClient the publisher uses; a fake only needs `send`. */
export interface SnsSender {
  send(command: PublishCommand): Promise<unknown>;
}

let shared: SNSClient | undefined;

/** Created on first use; SNS_ENDPOINT points it at serverless-offline-sns locally. */
export function snsClient(): SNSClient {
  const endpoint = optionalEnv('SNS_ENDPOINT');
  return (shared ??= new SNSClient({ region: optionalEnv('AWS_REGION', 'us-east-1'), ...(endpoint ? { endpoint } : {}) }));
}

export interface EventPublisherOptions {
  topicArn: string;
  /** The publishing service, recorded in every envelope. */
  source: string;
  client?: SnsSender;
}

export interface EventPublisher {
  publish<T, Type extends string>(type: Type, data: T, options?: { id?: string }): Promise<DomainEvent<T, Type>>;
}

export function createEventPublisher({ topicArn, source, client }: EventPublisherOptions): EventPublisher {
  return {
    async publish(type, data, options = {}) {
      const event = { id: options.id ?? randomUUID(), type, source, occurredAt: new Date().toISOString(), data };
      await (client ?? snsClient()).send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(event),
          MessageAttributes: { type: { DataType: 'String', StringValue: type } },
        }),
      );
      return event;
    },
  };
}
