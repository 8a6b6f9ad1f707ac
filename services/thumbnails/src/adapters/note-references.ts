// Which notes use which uploads, in the media table (keys.ts): per note the last note.changed applied (its version
// and the upload it holds), and on each upload's record the set of notes (`noteIds`) with a counter of its changes
// (`refsVersion`). A note's move from one upload to another is one transaction, conditional on the note's stored
// state being the one the move was computed from.
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { NoteReference, NoteReferences } from '../domain/ports';
import { keys } from './keys';

interface NoteItem {
  version: number;
  deleted: boolean;
  photoKey?: string;
}

type Part = 'note' | 'from' | 'to';

export interface NoteReferencesOptions {
  tableName: string;
  client?: DocumentSender;
}

export function noteReferences({ tableName, client }: NoteReferencesOptions): NoteReferences {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });

  return {
    async get(ownerId, noteId): Promise<NoteReference | undefined> {
      const item = await table.getItem<NoteItem>(keys.noteReference(ownerId, noteId), { consistentRead: true, projection: '#version, deleted, photoKey', names: { '#version': 'version' } });
      return item ? { version: item.version, deleted: item.deleted, photoKey: item.photoKey ?? null } : undefined;
    },

    async move({ ownerId, noteId, current, next, expiresAt }) {
      const from = current?.photoKey ?? null;
      const to = next.photoKey;
      // Records found missing (an upload that never arrived and expired, or was removed): left out on the next try.
      const missing = new Set<Part>();
      for (let attempt = 0; attempt < 3; attempt++) {
        const tx = table.transaction<Part>();
        tx.put(
          { ...keys.noteReference(ownerId, noteId), version: next.version, deleted: next.deleted, ...(to ? { photoKey: to } : {}), ...(expiresAt === undefined ? {} : { expiresAt }) },
          current
            ? { tag: 'note', condition: '#version = :seenVersion AND deleted = :seenDeleted', names: { '#version': 'version' }, values: { ':seenVersion': current.version, ':seenDeleted': current.deleted } }
            : { tag: 'note', condition: 'attribute_not_exists(pk)' },
        );
        const note = new Set([noteId]);
        if (from !== to && from && !missing.has('from')) {
          tx.update(keys.media(ownerId, from), 'DELETE noteIds :note ADD refsVersion :one', { tag: 'from', condition: 'attribute_exists(pk)', values: { ':note': note, ':one': 1 } });
        }
        if (from !== to && to && !missing.has('to')) {
          tx.update(keys.media(ownerId, to), 'ADD noteIds :note, refsVersion :one', { tag: 'to', condition: 'attribute_exists(pk)', values: { ':note': note, ':one': 1 } });
        }
        try {
          await tx.commit();
          return 'applied';
        } catch (err) {
          if (!(err instanceof ConditionFailedError)) throw err;
          const failed = err.failures.map((reason) => reason.tag);
          if (failed.includes('note')) return 'changed';
          for (const part of failed) if (part === 'from' || part === 'to') missing.add(part);
        }
      }
      throw new Error(`The photo reference of note ${noteId} could not be moved`);
    },
  };
}
