// Reads the notes table's stream records: the notes (entity 'note') become index changes; every other item
// of that table (share copies, change feed, media, tombstones) is none of search's business.
import * as z from 'zod/mini';
import type { StreamChange } from '@photonotes/shared/events';
import type { NoteSnapshot } from './index-entry';

export type NoteChange = { kind: 'upsert'; note: NoteSnapshot } | { kind: 'delete'; noteId: string; version: number };

export type StreamOutcome = { kind: 'change'; change: NoteChange } | { kind: 'ignore' } | { kind: 'invalid'; issues: string[] };

const noteEntity = 'note';

const noteImage = z.object({
  id: z.string().check(z.minLength(1)),
  ownerId: z.string().check(z.minLength(1)),
  title: z.string(),
  body: z._default(z.string(), ''),
  tags: z._default(z.array(z.string()), []),
  visibility: z.enum(['private', 'public']),
  sharedWith: z._default(z.array(z.string()), []),
  version: z.number().check(z.int(), z.minimum(1)),
  updatedAt: z.string(),
});

const removedNote = z.object({ id: z.string().check(z.minLength(1)), version: z.number().check(z.int(), z.minimum(1)) });

type Image = Record<string, unknown> | undefined;

const isNote = (image: Image): image is Record<string, unknown> => image?.entity === noteEntity;

function issuesOf(error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
}

export function noteChangeFrom(change: StreamChange<Record<string, unknown>>): StreamOutcome {
  if (change.eventName === 'REMOVE') {
    if (!isNote(change.oldImage)) return { kind: 'ignore' };
    const parsed = z.safeParse(removedNote, change.oldImage);
    if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
    return { kind: 'change', change: { kind: 'delete', noteId: parsed.data.id, version: parsed.data.version } };
  }
  if (!isNote(change.newImage)) return { kind: 'ignore' };
  const parsed = z.safeParse(noteImage, change.newImage);
  if (!parsed.success) return { kind: 'invalid', issues: issuesOf(parsed.error) };
  return { kind: 'change', change: { kind: 'upsert', note: parsed.data } };
}
