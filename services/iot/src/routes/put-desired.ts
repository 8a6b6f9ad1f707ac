// PUT /things/{thingId}/state/desired { desired } (If-Match optional) → the state; the device gets it retained.
import { defineRoute } from '@photonotes/shared/http-route';
import { putDesiredBody } from '../domain/state-input';
import { documentedBody, ownedThingErrors, StateSchema, stateIfMatch, thingIdPath } from './thing-resource';

export const putDesiredRoute = defineRoute({
  service: 'iot',
  method: 'PUT',
  path: '/things/{thingId}/state/desired',
  operationId: 'putThingDesiredState',
  summary: 'Change a thing’s desired state',
  description: 'Merged key by key, recursively (`null` removes a key); at most 8 KB, depth 4. The device receives `{ version, desired }` retained on its desired topic.',
  tags: ['things'],
  params: thingIdPath,
  headers: [stateIfMatch],
  body: documentedBody({ type: 'object', additionalProperties: false, required: ['desired'], properties: { desired: { type: 'object', description: 'Merged key by key, recursively; null removes a key; at most 8 KB of JSON, depth 4' } } }, putDesiredBody),
  bodyExample: { desired: { targetTemp: 21 } },
  responses: { 200: { description: 'The state after the change', schema: StateSchema } },
  errors: {
    400: 'Not an object, too large or too deep, or a malformed If-Match',
    ...ownedThingErrors,
    409: 'The state is being changed by other requests; try again',
    412: 'If-Match names an older version: `details[0].current` is the current state',
  },
});
