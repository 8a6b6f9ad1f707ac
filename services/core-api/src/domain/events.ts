// The SNS events core-api consumes. Each topic carries other event types too: those are ignored, and a
// message of the right type with malformed data is dropped (a retry could not fix it).
import * as z from 'zod/mini';
import type { DomainEvent } from '@photonotes/shared/domain-event';
import { parseMediaKey } from '@photonotes/shared/media-keys';
import type { ProcessedMedia } from './note';

const thumbnail = z.object({ url: z.string().check(z.minLength(1)), width: z.number(), height: z.number() });

export const mediaProcessedData = z.object({
  key: z.string().check(z.minLength(1)),
  ownerId: z.optional(z.string()),
  status: z.enum(['ready', 'failed']),
  thumbnails: z.nullable(z.object({ small: thumbnail, medium: thumbnail, large: thumbnail })),
});

export const userDeletedData = z.object({ userId: z.string().check(z.minLength(1)) });

export type EventOutcome<T> = { kind: 'apply'; data: T } | { kind: 'ignore' } | { kind: 'invalid'; issues: string[] };

function parseEvent<S extends z.ZodMiniType>(event: DomainEvent<unknown>, type: string, schema: S): EventOutcome<z.output<S>> {
  if (event.type !== type) return { kind: 'ignore' };
  const parsed = z.safeParse(schema, event.data);
  if (!parsed.success) return { kind: 'invalid', issues: parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`) };
  return { kind: 'apply', data: parsed.data };
}

export function mediaProcessedEvent(event: DomainEvent<unknown>): EventOutcome<ProcessedMedia> {
  const outcome = parseEvent(event, 'media.processed', mediaProcessedData);
  if (outcome.kind !== 'apply') return outcome;
  const { key, status, thumbnails } = outcome.data;
  const ownerId = outcome.data.ownerId ?? parseMediaKey(key)?.userId;
  // A failed upload has no thumbnails, whatever the event says.
  const media: ProcessedMedia = { key, status, thumbnails: status === 'ready' ? thumbnails : null };
  if (ownerId !== undefined) media.ownerId = ownerId;
  return { kind: 'apply', data: media };
}

export function userDeletedEvent(event: DomainEvent<unknown>): EventOutcome<{ userId: string }> {
  return parseEvent(event, 'user.deleted', userDeletedData);
}
