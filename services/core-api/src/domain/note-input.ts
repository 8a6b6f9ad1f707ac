// What clients may write on a note (API.md's limits) and the inputs the note rules take. The routes' request
// schemas (src/routes) enforce these limits and are checked against these types at compile time.
import type { Visibility } from './note';

export const limits = {
  title: 200,
  body: 20_000,
  tags: 20,
  tag: 40,
  sharedWith: 50,
  userId: 128,
  photoKey: 512,
} as const;

/** A lower-case UUID. */
export const noteIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Note ids are UUIDs, compared lower-case. */
export function normaliseNoteId(value: string): string | undefined {
  const id = value.toLowerCase();
  return noteIdPattern.test(id) ? id : undefined;
}

/** The fields a client writes on a note, after validation: tags trimmed and lower-cased, ids lower-cased. */
export interface NoteFieldsInput {
  title: string;
  body?: string;
  tags?: string[];
  visibility?: Visibility;
  sharedWith?: string[];
  /** A key from POST /media/uploads, or null for no photo. */
  photoKey?: string | null;
}

export interface CreateNoteInput extends NoteFieldsInput {
  /** Chosen by the client for offline-first creation. */
  id?: string;
}

/** At least one field (the route refuses an empty patch). */
export type UpdateNoteInput = Partial<NoteFieldsInput>;

export interface ListNotesInput {
  scope: 'own' | 'shared';
  limit: number;
  cursor?: string;
}
