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
