// An event between services: its type, version, the topic it travels on, the service that publishes it and
// the zod/mini schema of its data, defined once (shared/src/contracts/*-events.ts). The producer publishes
// through the contract (shared/src/sns.ts), every consumer parses with it (shared/src/consumers/sns.ts).
import * as z from 'zod/mini';
import { foreign, invalid, issuesOf, parsed } from './contract';
import type { ParseResult } from './contract';

/** The envelope every event travels in. */
export interface EventEnvelope<Data, Type extends string = string, Version extends number = number> {
  /** Unique per event and stable across retries of one publish: consumers deduplicate on it. */
  id: string;
  type: Type;
  /** The contract's version: a breaking change is a new version, published next to the old one until every consumer moved. */
  version: Version;
  /** The publishing service. */
  source: string;
  /** ISO-8601 UTC. */
  occurredAt: string;
  /**
   * The `x-request-id` of the HTTP request that caused the event (carried through every event it leads to), or,
   * when no request did, the id of the first event of the chain.
   */
  correlationId: string;
  data: Data;
}

export interface EventContract<Type extends string = string, Version extends number = number, Data extends z.ZodMiniType = z.ZodMiniType> {
  readonly type: Type;
  readonly version: Version;
  /** The topic's name without the `photonotes-<stage>-` prefix. */
  readonly topic: string;
  readonly producer: string;
  readonly data: Data;
  /** The whole message. */
  readonly envelope: z.ZodMiniType<EventEnvelope<z.output<Data>, Type, Version>>;
}

/** What a consumer receives. */
export type EventData<C extends EventContract> = z.output<C['data']>;
/** What the producer must give: publishing anything else does not compile. */
export type EventPayload<C extends EventContract> = z.input<C['data']>;
/** The whole message, as a consumer receives it. */
export type EventOf<C extends EventContract> = EventEnvelope<EventData<C>, C['type'], C['version']>;

export function defineEvent<const Type extends string, const Version extends number, Data extends z.ZodMiniType>(definition: {
  type: Type;
  version: Version;
  topic: string;
  producer: string;
  data: Data;
}): EventContract<Type, Version, Data> {
  const envelope = z.object({
    id: z.string().check(z.minLength(1)),
    type: z.literal(definition.type),
    version: z.literal(definition.version),
    source: z.string().check(z.minLength(1)),
    occurredAt: z.iso.datetime(),
    correlationId: z.string().check(z.minLength(1), z.maxLength(200)),
    data: definition.data,
  }) as unknown as z.ZodMiniType<EventEnvelope<z.output<Data>, Type, Version>>;
  return { ...definition, envelope };
}

/**
 * Reads one message (the JSON text SNS delivers). Another event type is foreign (a topic carries several); the
 * right type in another version, or with data that does not match, is invalid.
 */
export function parseEvent<C extends EventContract>(contract: C, message: string): ParseResult<EventOf<C>> {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return invalid(['(root): not JSON']);
  }
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (typeof type === 'string' && type !== contract.type) return foreign(`event type ${type}`);
  const result = z.safeParse(contract.envelope, json);
  return result.success ? parsed(result.data as EventOf<C>) : invalid(issuesOf(result.error));
}
