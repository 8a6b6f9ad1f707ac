// The consumer factory for SNS: each message is read with its event contract (shared/src/contracts) and handed
// over as the typed envelope. SNS invokes Lambda asynchronously, so a failed record fails the invocation (after
// every record was tried): Lambda retries it, then sends it to the function's failure destination.
import type { Context, SNSEvent } from 'aws-lambda';
import { parseEvent } from '../contracts/event';
import type { EventContract, EventOf } from '../contracts/event';
import { consumerInvocation, consumerRunner, RecordsFailedError } from './outcome';
import type { ConsumerContext, ConsumerOptions, Outcome } from './outcome';

export { applied, ignored } from './outcome';
export type { ConsumerContext, Outcome } from './outcome';

/** Other event types on the topic are ignored (a filter policy normally keeps them away). */
export function snsConsumer<C extends EventContract, D>(
  options: ConsumerOptions<C, D>,
  handle: (event: EventOf<C>, ctx: ConsumerContext<D>) => Promise<Outcome>,
): (event: SNSEvent, context: Context) => Promise<void> {
  const runner = consumerRunner(options);
  return (event, context) => consumerInvocation(async () => {
    runner.invocation(context);
    const failed = [];
    for (const record of event.Records) {
      const ids = { messageId: record.Sns.MessageId, eventType: options.contract.type };
      const outcome = await runner.run(
        {
          ids,
          parse: () => parseEvent(options.contract, record.Sns.Message),
          idsOf: (envelope) => ({ eventId: envelope.id }),
          correlationOf: (envelope) => envelope.correlationId,
          handle,
        },
        context,
      );
      if (outcome.status === 'failed') failed.push(ids);
    }
    if (failed.length > 0) throw new RecordsFailedError(failed);
  });
}
