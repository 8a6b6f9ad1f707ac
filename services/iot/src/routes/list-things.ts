// GET /things?limit=&cursor= → the caller's things, newest first.
import { defineRoute } from '@photonotes/shared/http-route';
import { named, pageOf } from '@photonotes/shared/openapi';
import { listThingsQuery } from '../domain/thing-input';
import { ThingSchema } from './thing-resource';

export const listThingsRoute = defineRoute({
  service: 'iot',
  method: 'GET',
  path: '/things',
  operationId: 'listThings',
  summary: 'List your things',
  description: 'Newest first.',
  tags: ['things'],
  query: listThingsQuery,
  responses: { 200: { description: 'A page of things', schema: named('ThingPage', pageOf(ThingSchema)) } },
  errors: { 400: 'An invalid limit, or a cursor the server did not issue' },
});
