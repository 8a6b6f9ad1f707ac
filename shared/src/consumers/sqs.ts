// The consumer factory for SQS (an event source mapping with ReportBatchItemFailures): each message body is read with
// its contract (shared/src/contracts/queue-message.ts) and handed over typed. Failed messages are reported, so only
// they become visible again; after the queue's maxReceiveCount SQS moves them to its dead-letter queue.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseQueueMessage } from '../contracts/queue-message';
import type { QueueMessageContract, QueueMessageOf } from '../contracts/queue-message';
import { consumerInvocation, consumerRunner } from './outcome';
import type { ConsumerContext, ConsumerOptions, Outcome } from './outcome';

export { applied, ignored } from './outcome';
export type { ConsumerContext, Outcome } from './outcome';

/** Messages are handled one after the other; each failed one is reported by its message id. */
export function sqsConsumer<C extends QueueMessageContract, D>(
  options: ConsumerOptions<C, D>,
  handle: (message: QueueMessageOf<C>, ctx: ConsumerContext<D>) => Promise<Outcome>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const runner = consumerRunner(options);
  return (event, context) => consumerInvocation(async () => {
    runner.invocation(context);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const outcome = await runner.run(
        {
          ids: { messageId: record.messageId, messageType: options.contract.type, receiveCount: record.attributes?.ApproximateReceiveCount },
          parse: () => parseQueueMessage(options.contract, record.body),
          correlationOf: (message) => message.correlationId,
          handle,
        },
        context,
      );
      if (outcome.status === 'failed') batchItemFailures.push({ itemIdentifier: record.messageId });
    }
    return { batchItemFailures };
  });
}
