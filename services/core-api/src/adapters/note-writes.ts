// Note writes. Every change of a note is ONE transaction: the note, its share entries, its change-feed entry
// (and the owner's feed head) and its photo link, or nothing.
// Retries: each write is tried once here. The one retry layer of notes writes is the domain's optimistic
// loop (domain/write-attempts.ts), which reads the note again, recomputes the change and backs off; a race
// lost for a reason that is not the note's (another commit of the owner took the sequence number, or
// DynamoDB cancelled a conflicting transaction) reaches it as WriteConflictError.
import type { Clock } from '@photonotes/shared/clock';
import { ConditionFailedError, TransactionConflictError, TransactionTooLargeError } from '@photonotes/shared/dynamodb';
import type { AttributeMap, TableClient } from '@photonotes/shared/dynamodb';
import type { StoredNote } from '../domain/note';
import { ChangeTooLargeError, MediaChangedError, NoteChangedError, NoteIdTakenError, WriteConflictError } from '../domain/ports';
import type { NotesRepository, RemoveOptions, ReplaceOptions } from '../domain/ports';
import { entities, keys } from './keys';
import type { ChangeFeed, CommitTag, NotesTransaction } from './note-feed';
import { fromMediaItem, fromNoteItem, noteItem, tombstoneItem } from './note-items';
import type { notePhotos } from './note-photos';
import type { noteShares } from './note-shares';

/** How long a deleted note's id stays taken. */
const tombstoneTtlSeconds = 90 * 24 * 3600;

type Explain = (tag: CommitTag | undefined, item: AttributeMap | undefined) => Promise<Error>;

export interface NoteWriteParts {
  table: TableClient;
  feed: ChangeFeed;
  shares: ReturnType<typeof noteShares>;
  photos: ReturnType<typeof notePhotos>;
  clock: Clock;
  getNote(id: string): Promise<StoredNote | undefined>;
}

export function noteWrites({ table, feed, shares, photos, clock, getNote }: NoteWriteParts): Pick<NotesRepository, 'insertNote' | 'replaceNote' | 'removeNote'> {
  /**
   * Writes what `build` adds as one transaction. With an owner, the feed head joins it; a failed condition
   * other than the head's is the caller's to `explain`.
   */
  async function commit(ownerId: string | null, build: (tx: NotesTransaction, seq: number) => void, explain: Explain, previous?: StoredNote): Promise<void> {
    // Past the note's current feed entry in any case: that entry is deleted in the same transaction, and
    // another process's clock may have issued it a number this one's clock would issue again.
    const seq = feed.nextSeq((previous?.changeSeq ?? 0) + 1);
    const tx = table.transaction<CommitTag>();
    build(tx, seq);
    if (ownerId !== null) feed.advanceHead(tx, ownerId, seq);
    try {
      await tx.commit();
    } catch (err) {
      if (err instanceof TransactionTooLargeError) throw new ChangeTooLargeError(err.itemCount);
      if (err instanceof TransactionConflictError) throw new WriteConflictError({ cause: err });
      if (!(err instanceof ConditionFailedError)) throw err;
      const cause = err.failures.find((failure) => failure.tag !== 'head');
      if (cause) throw await explain(cause.tag as CommitTag | undefined, cause.item);
      // Another commit of this owner took the sequence number: the next attempt goes after it.
      if (ownerId !== null) await feed.catchUp(ownerId, err.item);
      throw new WriteConflictError({ cause: err });
    }
  }

  async function currentNote(id: string, item: AttributeMap | undefined): Promise<StoredNote | undefined> {
    // DynamoDB returns the item that failed the condition; read it when an emulator does not.
    if (item) return item.entity === entities.note ? fromNoteItem(item) : undefined;
    return getNote(id);
  }

  const changedNote =
    (id: string): Explain =>
    async (tag, item) => {
      if (tag === 'media') return new MediaChangedError(fromMediaItem(item));
      return new NoteChangedError(await currentNote(id, item));
    };

  return {
    async insertNote(note, link) {
      await commit(
        note.ownerId,
        (tx, seq) => {
          tx.put(noteItem(note, seq), { tag: 'note', condition: 'attribute_not_exists(pk)' });
          // A deleted note's id stays taken, so a late replay of its create cannot resurrect it.
          tx.check(keys.tombstone(note.id), 'attribute_not_exists(pk)', { tag: 'tombstone' });
          shares.write(tx, undefined, note);
          feed.recordUpsert(tx, note, seq);
          if (link) photos.link(tx, link, note);
        },
        async (tag, item) => {
          if (tag === 'media') return new MediaChangedError(fromMediaItem(item));
          if (tag === 'tombstone') return new NoteIdTakenError({ deleted: true, ownerId: String(item?.ownerId ?? '') });
          const existing = await currentNote(note.id, item);
          return existing ? new NoteIdTakenError(existing) : new NoteIdTakenError({ deleted: true, ownerId: '' });
        },
      );
    },

    async replaceNote(previous, next, options: ReplaceOptions = {}) {
      await commit(
        next.ownerId,
        (tx, seq) => {
          tx.put(noteItem(next, seq), { tag: 'note', condition: 'version = :expectedVersion', values: { ':expectedVersion': previous.version } });
          shares.write(tx, previous, next);
          feed.dropEntryOf(tx, previous);
          feed.recordUpsert(tx, next, seq);
          if (options.link) photos.link(tx, options.link, next);
          if (options.unlinkKey) photos.unlink(tx, options.unlinkKey, next.id);
        },
        changedNote(previous.id),
        previous,
      );
    },

    async removeNote(previous, deletedAt, options: RemoveOptions = { keepHistory: true }) {
      const removal = (tx: NotesTransaction) => {
        tx.delete(keys.note(previous.id), { tag: 'note', condition: 'version = :expectedVersion', values: { ':expectedVersion': previous.version } });
        shares.write(tx, previous, undefined);
        if (previous.photo) photos.unlink(tx, previous.photo.key, previous.id);
      };
      if (!options.keepHistory) {
        // The account is gone: no tombstone and no new feed entry, and the note's entry goes with it, so a
        // repeated clean-up of the account reads only the notes still left.
        await commit(
          null,
          (tx) => {
            removal(tx);
            feed.dropEntryOf(tx, previous);
          },
          changedNote(previous.id),
        );
        return;
      }
      const expiresAt = Math.floor(clock.now().getTime() / 1000) + tombstoneTtlSeconds;
      await commit(
        previous.ownerId,
        (tx, seq) => {
          removal(tx);
          tx.put(tombstoneItem(previous, deletedAt, expiresAt));
          feed.dropEntryOf(tx, previous);
          feed.recordDelete(tx, previous, seq, deletedAt);
        },
        changedNote(previous.id),
        previous,
      );
    },
  };
}
