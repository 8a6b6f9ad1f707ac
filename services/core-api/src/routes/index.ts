// Every route of the core-api service, in the order the OpenAPI document lists them (scripts/openapi). Handlers
// import their own route module, never this list.
import type { RouteSpec } from '@photonotes/shared/http-route';
import { createNoteRoute } from './create-note';
import { deleteNoteRoute } from './delete-note';
import { getNoteRoute } from './get-note';
import { healthRoute } from './health';
import { listNotesRoute } from './list-notes';
import { syncRoute } from './sync';
import { updateNoteRoute } from './update-note';

export const routes: RouteSpec[] = [healthRoute, createNoteRoute, listNotesRoute, getNoteRoute, updateNoteRoute, deleteNoteRoute, syncRoute];
