// GET /notes?scope=own|shared&limit=&cursor= → the caller's notes or the notes shared with them, newest first.
import { defineRoute } from '@photonotes/shared/http-route';
import { describes, named, pageOf } from '@photonotes/shared/openapi';
import { cursorParam, limitParam } from '@photonotes/shared/validation';
import * as z from 'zod/mini';
import type { ListNotesInput } from '../domain/note-input';
import type { NotePage } from '../domain/ports';
import { NoteSchema } from './note-resource';

export const listNotesQuery = describes<ListNotesInput>()(
  z.object({
    scope: z._default(z.enum(['own', 'shared']), 'own'),
    limit: limitParam,
    cursor: cursorParam,
  }),
);

const NotePageSchema = named('NotePage', describes<NotePage>()(pageOf(NoteSchema)));

export const listNotesRoute = defineRoute({
  service: 'core-api',
  method: 'GET',
  path: '/notes',
  operationId: 'listNotes',
  summary: 'Your notes, or the notes shared with you',
  description: 'Newest first, paginated.',
  tags: ['notes'],
  query: listNotesQuery,
  responses: { 200: { description: 'A page of notes', schema: NotePageSchema } },
  errors: { 400: 'Invalid scope or limit, or a cursor the server did not issue' },
});
