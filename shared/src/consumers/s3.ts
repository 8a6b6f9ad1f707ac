// The consumer factory for S3 notifications: each record is read with the S3 contract (shared/src/contracts)
// and handed over with its key decoded. S3 invokes Lambda asynchronously, so a failed record fails the
// invocation (after every record was tried): Lambda retries it, then sends it to the failure destination.
import type { Context, S3Event } from 'aws-lambda';
import type { S3ObjectEventContract, S3ObjectRecord } from '../contracts/s3-object-created';
import { consumerInvocation, consumerRunner, RecordsFailedError } from './outcome';
import type { ConsumerContext, ConsumerOptions, Outcome } from './outcome';

export { applied, ignored } from './outcome';
export type { ConsumerContext, Outcome } from './outcome';

export function s3Consumer<D>(
  options: ConsumerOptions<S3ObjectEventContract, D>,
  handle: (object: S3ObjectRecord, ctx: ConsumerContext<D>) => Promise<Outcome>,
): (event: S3Event, context: Context) => Promise<void> {
  const runner = consumerRunner(options);
  return (event, context) => consumerInvocation(async () => {
    runner.invocation(context);
    const failed = [];
    for (const record of event.Records) {
      const ids = { bucket: record.s3?.bucket?.name, rawKey: record.s3?.object?.key, sequencer: record.s3?.object?.sequencer };
      const outcome = await runner.run(
        { ids, parse: () => options.contract.parse(record), correlationOf: (object) => object.requestId, handle },
        context,
      );
      if (outcome.status === 'failed') failed.push(ids);
    }
    if (failed.length > 0) throw new RecordsFailedError(failed);
  });
}
