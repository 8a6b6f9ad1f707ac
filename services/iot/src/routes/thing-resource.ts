// What the thing routes share: the thing as they answer it, its credentials, its state, its id in the path.
import { ifMatchHeaderSchema } from '@photonotes/shared/if-match';
import type { HeaderParameter } from '@photonotes/shared/http-route';
import { annotate, named, timestamp } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';

export { thingIdPath } from '../domain/thing-input';

const jsonObject = (description: string) => annotate(z.record(z.string(), z.unknown()), { description });

export const ThingSchema = named(
  'Thing',
  z.object({
    thingId: annotate(z.string(), { description: 'The MQTT client id of the device too' }),
    name: z.string(),
    attributes: z.record(z.string(), z.string()),
    online: annotate(z.boolean(), { description: 'A device is connected now' }),
    lastSeenAt: z.nullable(timestamp),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
);

export const CredentialsSchema = named(
  'ThingCredentials',
  z.object({
    mqttUrl: annotate(z.string(), { description: '`mqtt://<host>:1883` locally, `mqtts://<endpoint>:443` deployed', example: 'mqtt://localhost:1883' }),
    clientId: z.string(),
    username: annotate(z.string(), { description: 'Used exactly as given' }),
    password: annotate(z.string(), { description: 'Shown this once; only an HMAC is kept' }),
    topics: z.object({ telemetry: z.string(), reported: z.string(), desired: z.string() }),
  }),
);

export const StateSchema = named(
  'ThingState',
  z.object({
    desired: jsonObject('What the app asked for'),
    reported: jsonObject('What the device reported'),
    delta: jsonObject('The desired keys whose value differs from reported'),
    version: annotate(z.int(), { minimum: 0, description: 'Grows with every change of desired or reported; send it as If-Match' }),
  }),
);

export const AlertRulesSchema = named(
  'ThingAlertRules',
  z.object({
    rules: z.array(
      z.object({ id: z.string(), metric: z.string(), op: z.enum(['gt', 'gte', 'lt', 'lte']), threshold: z.number(), forSeconds: z.int() }),
    ),
  }),
);

export const stateIfMatch: HeaderParameter = {
  name: 'If-Match',
  description: 'The state version the change was computed from; a stale one is a 412 whose `details[0].current` is the current state.',
  schema: ifMatchHeaderSchema(true),
  example: '3',
};

export const ownedThingErrors = { 404: 'No such thing, or another user’s' } as const;


/**
 * A request body checked by the domain's schema (whose hand-written checks JSON Schema cannot express),
 * documented by `jsonSchema`: clients see the JSON Schema, the domain schema decides.
 */
export function documentedBody<S extends z.ZodMiniType>(jsonSchema: Record<string, unknown>, schema: S) {
  return z.pipe(annotate(z.unknown(), jsonSchema), schema);
}

const attributesJson = {
  type: 'object',
  maxProperties: 20,
  propertyNames: { pattern: '^[A-Za-z0-9_.-]{1,40}$' },
  additionalProperties: { type: 'string', maxLength: 200 },
};
export const thingBodyJson = (required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', minLength: 1, maxLength: 80 }, attributes: attributesJson },
  ...(required.length > 0 ? { required } : { minProperties: 1 }),
});
