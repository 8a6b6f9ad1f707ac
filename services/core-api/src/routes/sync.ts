// GET /sync?scope=own|shared|all&cursor= → the changes to the caller's notes (own, the default), to the notes shared
// with them (shared), or both in one order (all), after the cursor, at most 500 a page.
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, describes, named, timestamp } from '@photonotes/shared/openapi';
import { cursorParam } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import type { ChangePage } from '../domain/ports';
import type { SyncInput } from '../domain/read-notes';
import { NoteSchema } from './note-resource';

export const syncQuery = describes<SyncInput>()(
  z.object({
    scope: annotate(z._default(z.enum(['own', 'shared', 'all']), 'own'), {
      description: '`own`: your notes; `shared`: notes shared with you (an unshare arrives as a delete); `all`: both in one order',
    }),
    cursor: cursorParam,
  }),
);

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
  summary: 'Changes to your notes, or to notes shared with you, since a cursor',
  description:
    'Every change after `cursor` (all of them without one), in order, at most 500 per page. Replaying from any returned cursor never skips a change; ' +
    'several changes of one note may come as its latest state, but a note deleted (or unshared from you) after the cursor always comes as a `delete`. ' +
    'A cursor works only with the scope that returned it.',
  tags: ['notes'],
  query: syncQuery,
  responses: { 200: { description: 'A page of changes', schema: ChangePageSchema } },
  errors: { 400: 'An unknown scope, or a cursor the server did not issue for this scope' },
});
