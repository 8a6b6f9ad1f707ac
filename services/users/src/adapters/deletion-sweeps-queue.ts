// The account sweeps queue (an SQS queue whose DelaySeconds is the sweep's delay, services/users/serverless.yml): one
// message per deletion, which the sweepDeletedAccount function receives once the delay is over. Locally the
// platform's queue emulator holds and delivers it the same way (scripts/platform/delivery/sqs-queues.ts).
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import { defineQueueMessage, queueMessageBody } from '@photonotes/shared/contracts/queue-message';
import { correlationId } from '@photonotes/shared/correlation';
import { optionalEnv } from '@photonotes/shared/env';
import type { DeletionSweeps } from '../domain/account-deletion';

/** The message, read by src/functions/sweep-deleted-account.ts. Same id pattern as `user.deleted`. */
export const accountSweep = defineQueueMessage({
  type: 'account.sweep',
  version: 1,
  queue: 'account-sweeps',
  producer: 'users',
  data: z.object({ userId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)) }),
});

/** The part of SQSClient the sender uses; a fake only needs `send`. */
export interface SqsSender {
  send(command: SendMessageCommand): Promise<unknown>;
}

let shared: SQSClient | undefined;

/** Created on first use; SQS_ENDPOINT points it at the platform's queue emulator locally. */
function sqsClient(): SQSClient {
  const endpoint = optionalEnv('SQS_ENDPOINT');
  return (shared ??= new SQSClient({ region: optionalEnv('AWS_REGION', 'us-east-1'), ...(endpoint ? { endpoint } : {}) }));
}

export function deletionSweepsQueue(queueUrl: string, client?: SqsSender): DeletionSweeps {
  return {
    async schedule(userId) {
      // The delay is the queue's own (DelaySeconds), so nothing here can make it shorter than the stage says.
      await (client ?? sqsClient()).send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: queueMessageBody(accountSweep, { userId }, correlationId() ?? `account.sweep:${userId}`) }),
      );
    },
  };
}
