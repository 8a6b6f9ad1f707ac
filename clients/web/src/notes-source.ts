// Where the notes screens get and put notes: straight through the API client (`apiNotesSource`), or through
// the offline data layer (`offlineNotesSource` in offline-notes.ts: IndexedDB cache + outbox), which also says
// each note's local state and when anything changed.
import type { Client, Note } from '@photonotes/client';
import type { NoteUpdateFields } from './offline/types';

export type Scope = 'own' | 'shared';
export interface NoteDraft {
  title: string;
  body: string;
  tags: string[];
}
/** The fields an edit sets (the editor's draft, a photo, sharing, visibility): only the ones given change. */
export type NoteEdit = NoteUpdateFields;

/** Where a note stands against the server, when the source keeps notes locally (absent: as the server has it). */
export type LocalState = 'synced' | 'pending' | 'failed' | 'conflict';
export type ListedNote = Note & { local?: LocalState };

export interface NotesPage {
  items: ListedNote[];
  nextCursor: string | null;
}

export interface NotesSource {
  /** One page of the caller's notes (`own`) or of notes shared with the caller, newest first. */
  list(scope: Scope, cursor: string | null): Promise<NotesPage>;
  create(draft: NoteDraft): Promise<Note>;
  /** Changes a note the caller owns; `version` is the one the edit started from (a stale one is refused: 412). */
  update(id: string, version: number, change: NoteEdit): Promise<Note>;
  /** Calls `listener` whenever what `list` answers may have changed (a local source only); returns the unsubscribe. */
  watch?(listener: () => void): () => void;
}

export function apiNotesSource(api: Client): NotesSource {
  return {
    list: (scope, cursor) => api.get('/notes', { query: { scope, ...(cursor ? { cursor } : {}) } }),
    create: (draft) => api.post('/notes', { body: { ...draft, id: crypto.randomUUID() } }),
    update: (id, version, change) => api.patch('/notes/{id}', { params: { id }, ifMatch: version, body: change }),
  };
}

/**
 * Own notes and notes shared with the caller as one list, newest first: pages of both are read as needed and
 * merged by creation time. `next()` gives the following items (at least `size` unless the lists ran out).
 */
export function mergedFeed(source: NotesSource, size = 20): { next(): Promise<ListedNote[]>; readonly done: boolean } {
  const lanes = (['own', 'shared'] as const).map((scope) => ({ scope, buffer: [] as ListedNote[], cursor: null as string | null, exhausted: false }));
  const done = () => lanes.every((lane) => lane.exhausted && lane.buffer.length === 0);
  return {
    get done() {
      return done();
    },
    async next() {
      const out: ListedNote[] = [];
      while (out.length < size) {
        await Promise.all(
          lanes
            .filter((lane) => lane.buffer.length === 0 && !lane.exhausted)
            .map(async (lane) => {
              const page = await source.list(lane.scope, lane.cursor);
              lane.buffer.push(...page.items);
              lane.cursor = page.nextCursor;
              lane.exhausted = page.nextCursor === null;
            }),
        );
        const candidates = lanes.filter((lane) => lane.buffer.length > 0);
        if (candidates.length === 0) break;
        const newest = candidates.reduce((a, b) => ((a.buffer[0] as Note).createdAt >= (b.buffer[0] as Note).createdAt ? a : b));
        out.push(newest.buffer.shift() as ListedNote);
      }
      return out;
    },
  };
}
