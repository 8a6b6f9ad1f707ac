// A message on an SQS queue, defined once for its producer and its consumer: its type, version, the queue it travels
// on and the zod/mini schema of its data, in a small envelope that carries the correlation id of the work that sent
// it. The producer sends through the contract, the consumer (shared/src/consumers/sqs.ts) parses with it.
import * as z from 'zod/mini';
import { invalid, issuesOf, parsed } from './contract';
import type { ParseResult } from './contract';

export interface QueueMessageEnvelope<Data, Type extends string = string, Version extends number = number> {
  type: Type;
  version: Version;
  /** The request (or event) that caused the message; carried into what its consumer does. */
  correlationId: string;
  data: Data;
}

export interface QueueMessageContract<Type extends string = string, Version extends number = number, Data extends z.ZodMiniType = z.ZodMiniType> {
  readonly type: Type;
  readonly version: Version;
  /** The queue's name without the `<service>-<stage>-` prefix. */
  readonly queue: string;
  readonly producer: string;
  readonly data: Data;
  readonly envelope: z.ZodMiniType<QueueMessageEnvelope<z.output<Data>, Type, Version>>;
}

export type QueueMessageOf<C extends QueueMessageContract> = QueueMessageEnvelope<z.output<C['data']>, C['type'], C['version']>;
export type QueueMessagePayload<C extends QueueMessageContract> = z.input<C['data']>;

export function defineQueueMessage<const Type extends string, const Version extends number, Data extends z.ZodMiniType>(definition: {
  type: Type;
  version: Version;
  queue: string;
  producer: string;
  data: Data;
}): QueueMessageContract<Type, Version, Data> {
  const envelope = z.object({
    type: z.literal(definition.type),
    version: z.literal(definition.version),
    correlationId: z.string().check(z.minLength(1), z.maxLength(200)),
    data: definition.data,
  }) as unknown as z.ZodMiniType<QueueMessageEnvelope<z.output<Data>, Type, Version>>;
  return { ...definition, envelope };
}

/** The body to send: checked against the contract before it leaves, so a producer bug fails at the producer. */
export function queueMessageBody<C extends QueueMessageContract>(contract: C, data: QueueMessagePayload<C>, correlationId: string): string {
  return JSON.stringify(z.parse(contract.envelope, { type: contract.type, version: contract.version, correlationId, data }));
}

/** Reads one message body. A queue carries one type of message, so anything that does not match is invalid. */
export function parseQueueMessage<C extends QueueMessageContract>(contract: C, body: string): ParseResult<QueueMessageOf<C>> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return invalid(['(root): not JSON']);
  }
  const result = z.safeParse(contract.envelope, json);
  return result.success ? parsed(result.data as QueueMessageOf<C>) : invalid(issuesOf(result.error));
}
