// The envelope every domain event travels in over SNS. Kept apart from sns.ts so consumers validate
// events without bundling the SNS client.
import * as z from 'zod/mini';

export interface DomainEvent<T, Type extends string = string> {
  /** Unique per event: consumers deduplicate retries on it. */
  id: string;
  type: Type;
  /** The publishing service. */
  source?: string | undefined;
  /** ISO-8601 UTC. */
  occurredAt: string;
  data: T;
}

export function domainEventEnvelope<D extends z.ZodMiniType>(data: D): z.ZodMiniType<DomainEvent<z.output<D>>>;
export function domainEventEnvelope<D extends z.ZodMiniType, const Type extends string>(
  data: D,
  type: Type,
): z.ZodMiniType<DomainEvent<z.output<D>, Type>>;
export function domainEventEnvelope(data: z.ZodMiniType, type?: string): z.ZodMiniType<DomainEvent<unknown>> {
  return z.object({
    id: z.string().check(z.minLength(1)),
    type: type === undefined ? z.string().check(z.minLength(1)) : z.literal(type),
    source: z.optional(z.string()),
    occurredAt: z.iso.datetime(),
    data,
  });
}
