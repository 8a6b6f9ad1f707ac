// The `thing-events` topic (owned by iot): what the owner of a thing is told about it.
import * as z from 'zod/mini';
import { defineEvent } from './event';

/**
 * An alert rule of a thing fired (its condition held for its `forSeconds`). The event id names the firing, so a
 * republished firing is recognisable and the owner is notified once.
 */
export const thingAlert = defineEvent({
  type: 'thing.alert',
  version: 1,
  topic: 'thing-events',
  producer: 'iot',
  data: z.object({
    thingId: z.string().check(z.minLength(1), z.maxLength(64)),
    /** The thing's owner (a Cognito sub): who is notified. */
    ownerId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
    ruleId: z.string().check(z.minLength(1), z.maxLength(64)),
    metric: z.string().check(z.minLength(1), z.maxLength(40)),
    value: z.number(),
    /** The reading's time, ISO-8601. */
    at: z.string().check(z.minLength(1)),
  }),
});

const thingId = z.string().check(z.minLength(1), z.maxLength(64));
const ownerId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/));
// Taken as it is, not rebuilt key by key: a document may hold a key named "__proto__" (iot allows any key), which a
// record schema would drop.
const jsonDocument = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'expected a JSON object');
const counter = z.number().check(z.int(), z.minimum(0));

/**
 * What an app sees of a thing changed: it was registered, went online or offline, or its reported or desired state
 * moved; or it was deleted. A `created`/`updated` event carries the whole picture (read after the change), so a
 * consumer never merges events: it keeps the one with the highest `revision` per thing. `revision` grows with every
 * change of the thing's presence or state (it is their two counters added up), so the newest picture has the highest
 * one; an event whose revision is not above the last one applied is a repeat or arrived late. A `deleted` event is
 * final: thing ids are never reused, so nothing about the thing after it counts.
 */
export const thingState = defineEvent({
  type: 'thing.state',
  version: 1,
  topic: 'thing-events',
  producer: 'iot',
  data: z.discriminatedUnion('change', [
    z.object({
      change: z.enum(['created', 'updated']),
      thingId,
      /** The thing's owner (a Cognito sub): who sees it. */
      ownerId,
      revision: counter,
      online: z.boolean(),
      /** As GET /things/{thingId} shows it. */
      state: z.object({ reported: jsonDocument, desired: jsonDocument, delta: jsonDocument, version: counter }),
    }),
    // Published from the things table's stream (KEYS_ONLY), which knows the id and nothing else.
    z.object({ change: z.literal('deleted'), thingId }),
  ]),
});

export type ThingStateData = z.output<typeof thingState.data>;

/** The same picture of a thing always gets the same id, so a republished one is a recognisable repeat. */
export function thingStateEventId(data: Pick<ThingStateData, 'thingId' | 'change'> & { revision?: number }): string {
  return data.change === 'deleted' ? `thing.state:${data.thingId}:deleted` : `thing.state:${data.thingId}:${data.revision ?? 0}`;
}

/**
 * One telemetry message a device sent and iot stored: its time and every metric in it. For apps watching the thing
 * live; history is GET /things/{thingId}/telemetry.
 */
export const thingTelemetry = defineEvent({
  type: 'thing.telemetry',
  version: 1,
  topic: 'thing-events',
  producer: 'iot',
  data: z.object({
    thingId,
    ownerId,
    /** The message's time (its `ts`), ISO-8601. */
    at: z.iso.datetime(),
    /** A list rather than an object, for the same reason as the state documents: a metric may be named "__proto__". */
    metrics: z.array(z.object({ name: z.string().check(z.minLength(1), z.maxLength(40)), value: z.number() })).check(z.minLength(1), z.maxLength(20)),
  }),
});

export type ThingTelemetryData = z.output<typeof thingTelemetry.data>;

/** A message's readings keep their time: a redelivered message is a recognisable repeat. */
export function thingTelemetryEventId(data: Pick<ThingTelemetryData, 'thingId' | 'at'>): string {
  return `thing.telemetry:${data.thingId}:${data.at}`;
}
