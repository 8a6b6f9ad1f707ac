// Publishes events to their SNS topic through their contract (shared/src/contracts): the payload's type is the
// contract's, the envelope is checked before it leaves, and `type` and `version` travel as message attributes
// so subscriptions can filter on them.
import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import type { EventContract, EventOf, EventPayload } from './contracts/event';
import { correlationId as currentCorrelationId } from './correlation';
import { optionalEnv } from './env';

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

export interface PublishOptions {
  /** Stable across retries of the same publish, so consumers can deduplicate; a fresh UUID by default. */
  id?: string;
  /** Defaults to the current one (the HTTP request's id, or the consumed event's), else the event's own id. */
  correlationId?: string;
  /** When it happened; now by default. */
  occurredAt?: string;
}

export interface EventPublisher<C extends EventContract> {
  publish(data: EventPayload<C>, options?: PublishOptions): Promise<EventOf<C>>;
}

export interface EventPublisherOptions {
  topicArn: string;
  client?: SnsSender;
}

export function eventPublisher<C extends EventContract>(contract: C, { topicArn, client }: EventPublisherOptions): EventPublisher<C> {
  return {
    async publish(data, options = {}) {
      const id = options.id ?? randomUUID();
      const candidate = {
        id,
        type: contract.type,
        version: contract.version,
        source: contract.producer,
        occurredAt: options.occurredAt ?? new Date().toISOString(),
        correlationId: options.correlationId ?? currentCorrelationId() ?? id,
        data,
      };
      // A producer bug (a value the types allow but the schema refuses) fails here, not in every consumer.
      const event = z.parse(contract.envelope, candidate) as EventOf<C>;
      await (client ?? snsClient()).send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(event),
          MessageAttributes: {
            type: { DataType: 'String', StringValue: contract.type },
            version: { DataType: 'String', StringValue: String(contract.version) },
          },
        }),
      );
      return event;
    },
  };
}
