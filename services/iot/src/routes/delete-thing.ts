// DELETE /things/{thingId} → 204; its credentials stop working at once and a connected device is cut off.
import { defineRoute } from '@photonotes/shared/http-route';
import { ownedThingErrors, thingIdPath } from './thing-resource';

export const deleteThingRoute = defineRoute({
  service: 'iot',
  method: 'DELETE',
  path: '/things/{thingId}',
  operationId: 'deleteThing',
  summary: 'Delete a thing',
  description: 'Its credentials stop working at once, a connected device is disconnected, its telemetry is deleted asynchronously.',
  tags: ['things'],
  params: thingIdPath,
  responses: { 204: { description: 'Deleted' } },
  errors: ownedThingErrors,
});
