// GET /sync?cursor= → the changes to the caller's notes after the cursor, in order, at most 500 a page.
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, describes, named, timestamp } from '@photonotes/shared/openapi';
import { cursorParam } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import type { ChangePage } from '../domain/ports';
import { NoteSchema } from './note-resource';

export const syncQuery = z.object({ cursor: cursorParam });

const ChangePageSchema = named(
  'ChangePage',
  describes<ChangePage>()(
    z.object({
      changes: z.array(
        z.discriminatedUnion('op', [
          z.object({ op: z.literal('upsert'), note: NoteSchema }),
          z.object({ op: z.literal('delete'), id: z.string(), deletedAt: timestamp }),
        ]),
      ),
      cursor: annotate(z.string(), { description: 'Pass it as ?cursor= for the changes after this page' }),
      hasMore: z.boolean(),
    }),
  ),
);

export const syncRoute = defineRoute({
  service: 'core-api',
  method: 'GET',
  path: '/sync',
  operationId: 'sync',
  summary: 'Changes to your notes since a cursor',
  description: 'Every change after `cursor` (all of them without one), in order, at most 500 per page. Replaying from any returned cursor never skips a change.',
  tags: ['notes'],
  query: syncQuery,
  responses: { 200: { description: 'A page of changes', schema: ChangePageSchema } },
  errors: { 400: 'A cursor the server did not issue' },
});
