// In-memory NotesRepository with the same conditional-write contract as the DynamoDB one, plus a hook
// that lets a test slip a concurrent write in between a read and the write that depends on it.
import { ValidationError } from '@photonotes/shared/errors';
import { toNote } from '../../../src/domain/note';
import type { Note, ProcessedMedia, StoredNote } from '../../../src/domain/note';
import { ChangeTooLargeError, MediaChangedError, NoteChangedError, NoteIdTakenError, WriteConflictError } from '../../../src/domain/ports';
import type { Change, NotesRepository, PageRequest, PhotoLink, RemoveOptions, ReplaceOptions, SyncScope } from '../../../src/domain/ports';
import { mergeFeeds } from '../../../src/domain/shared-feed';
import type { FeedSlice } from '../../../src/domain/shared-feed';
import { FakeSharedFeed } from './fake-shared-feed';

interface FeedEntry {
  seq: number;
  change: Change;
}

interface MediaRecord {
  processed: ProcessedMedia | null;
  noteIds: Set<string>;
  ownerId?: string;
}

const clone = <T>(value: T): T => structuredClone(value);

export class FakeNotesRepository implements NotesRepository {
  readonly notes = new Map<string, StoredNote>();
  readonly tombstones = new Map<string, string>();
  readonly feeds = new Map<string, FeedEntry[]>();
  readonly media = new Map<string, MediaRecord>();
  readonly purged: string[] = [];
  writes = 0;
  /** Runs once before the next write is checked, e.g. to simulate a concurrent writer. */
  beforeNextWrite: (() => void) | undefined;
  /** The next this-many writes lose a race that is not the note's, as a commit whose feed number another write took. */
  conflictingWrites = 0;
  /** Writes with more share entries than this fail like an oversized transaction. */
  maxShareEntries = Infinity;
  private seq = 0;
  /** The users' shared feeds, numbered from the same sequence as the owners' feeds. */
  readonly shared = new FakeSharedFeed(() => ++this.seq);

  async getNote(id: string): Promise<StoredNote | undefined> {
    const note = this.notes.get(id);
    return note ? clone(note) : undefined;
  }

  async insertNote(note: StoredNote, link?: PhotoLink): Promise<void> {
    this.interject();
    const existing = this.notes.get(note.id);
    if (existing) throw new NoteIdTakenError(clone(existing));
    const deletedBy = this.tombstones.get(note.id);
    if (deletedBy !== undefined) throw new NoteIdTakenError({ deleted: true, ownerId: deletedBy });
    this.checkSize(note.sharedWith.length);
    if (link) this.checkLink(link);
    this.writes++;
    if (link) this.linkPhoto(link.key, note);
    this.store(note);
  }

  async replaceNote(previous: StoredNote, next: StoredNote, options: ReplaceOptions = {}): Promise<void> {
    this.interject();
    this.checkVersion(previous);
    this.checkSize(new Set([...previous.sharedWith, ...next.sharedWith]).size);
    if (options.link) this.checkLink(options.link);
    this.writes++;
    if (options.link) this.linkPhoto(options.link.key, next);
    if (options.unlinkKey) this.media.get(options.unlinkKey)?.noteIds.delete(next.id);
    this.store(next);
  }

  async removeNote(previous: StoredNote, deletedAt: string, options: RemoveOptions = { keepHistory: true }): Promise<void> {
    this.interject();
    this.checkVersion(previous);
    this.writes++;
    this.notes.delete(previous.id);
    if (previous.photo) this.media.get(previous.photo.key)?.noteIds.delete(previous.id);
    if (!options.keepHistory) {
      // The account is gone: the note's feed entry goes with it.
      this.feeds.set(previous.ownerId, (this.feeds.get(previous.ownerId) ?? []).filter((entry) => entry.change.op !== 'upsert' || entry.change.note.id !== previous.id));
      return;
    }
    this.tombstones.set(previous.id, previous.ownerId);
    this.append(previous.ownerId, previous.id, { op: 'delete', id: previous.id, deletedAt });
  }

  async listOwnNotes(ownerId: string, page: PageRequest) {
    return this.paginate([...this.notes.values()].filter((note) => note.ownerId === ownerId), page, `own:${ownerId}`);
  }

  async listSharedNotes(userId: string, page: PageRequest) {
    return this.paginate([...this.notes.values()].filter((note) => note.sharedWith.includes(userId)), page, `shared:${userId}`);
  }

  /** Cursors are `sync|<scope>|<userId>|<own position>|<shared position>`: another scope's or user's is refused. */
  async changesSince(userId: string, scope: SyncScope, cursor: string | undefined, limit: number) {
    const from = { own: 0, shared: 0 };
    if (cursor !== undefined) {
      const [tag, cursorScope, cursorUser, own, shared] = cursor.split('|');
      from.own = Number(own);
      from.shared = Number(shared);
      if (tag !== 'sync' || cursorScope !== scope || cursorUser !== userId || !Number.isSafeInteger(from.own) || !Number.isSafeInteger(from.shared)) throw new ValidationError('Invalid cursor');
    }
    const none: FeedSlice = { entries: [], hasMore: false };
    const own = scope === 'shared' ? none : this.ownSlice(userId, from.own, limit);
    const shared = scope === 'own' ? none : this.shared.sliceAfter(userId, from.shared, limit);
    const page = mergeFeeds(own, shared, from, limit);
    return { changes: page.changes, cursor: `sync|${scope}|${userId}|${page.positions.own}|${page.positions.shared}`, hasMore: page.hasMore };
  }

  private ownSlice(ownerId: string, after: number, limit: number): FeedSlice {
    const entries = (this.feeds.get(ownerId) ?? []).filter((entry) => entry.seq > after);
    return { entries: entries.slice(0, limit).map((entry) => ({ seq: entry.seq, change: clone(entry.change) })), hasMore: entries.length > limit };
  }

  async recordProcessedMedia(media: ProcessedMedia): Promise<string[]> {
    const record = this.mediaRecord(media.key);
    record.processed = { key: media.key, status: media.status, thumbnails: media.thumbnails };
    if (media.ownerId !== undefined) record.ownerId = media.ownerId;
    return [...record.noteIds];
  }

  async *ownNoteIds(ownerId: string): AsyncIterable<string> {
    for (const entry of [...(this.feeds.get(ownerId) ?? [])]) if (entry.change.op === 'upsert') yield entry.change.note.id;
  }

  async *sharedNoteIds(userId: string): AsyncIterable<string> {
    for (const note of [...this.notes.values()]) if (note.sharedWith.includes(userId)) yield note.id;
  }

  async purgeAccount(ownerId: string): Promise<void> {
    this.purged.push(ownerId);
    this.shared.purge(ownerId);
    // As the table does: the entries of live notes stay, so a later run finds them.
    const live = (this.feeds.get(ownerId) ?? []).filter((entry) => entry.change.op === 'upsert');
    if (live.length > 0) this.feeds.set(ownerId, live);
    else this.feeds.delete(ownerId);
    for (const [key, record] of this.media) if (record.ownerId === ownerId && record.noteIds.size === 0) this.media.delete(key);
  }

  /** Test helper: a note as if it had been written earlier. */
  seed(note: StoredNote): void {
    this.store(note);
  }

  feedOf(ownerId: string): Change[] {
    return (this.feeds.get(ownerId) ?? []).map((entry) => entry.change);
  }

  private interject(): void {
    const hook = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    hook?.();
    if (this.conflictingWrites > 0) {
      this.conflictingWrites--;
      throw new WriteConflictError();
    }
  }

  private checkVersion(previous: StoredNote): void {
    const current = this.notes.get(previous.id);
    if (!current || current.version !== previous.version) throw new NoteChangedError(current ? clone(current) : undefined);
  }

  private checkSize(shareEntries: number): void {
    if (shareEntries > this.maxShareEntries) throw new ChangeTooLargeError(shareEntries + 3);
  }

  private checkLink(link: PhotoLink): void {
    const processed = this.media.get(link.key)?.processed ?? null;
    if ((processed?.status ?? null) !== (link.processed?.status ?? null)) throw new MediaChangedError(processed ? clone(processed) : null);
  }

  private mediaRecord(key: string): MediaRecord {
    let record = this.media.get(key);
    if (!record) this.media.set(key, (record = { processed: null, noteIds: new Set() }));
    return record;
  }

  private linkPhoto(key: string, note: StoredNote): void {
    const record = this.mediaRecord(key);
    record.noteIds.add(note.id);
    record.ownerId = note.ownerId;
  }

  private store(note: StoredNote): void {
    this.notes.set(note.id, clone(note));
    this.append(note.ownerId, note.id, { op: 'upsert', note: toNote(clone(note)) });
  }

  private append(ownerId: string, noteId: string, change: Change): void {
    const feed = (this.feeds.get(ownerId) ?? []).filter((entry) => (entry.change.op === 'upsert' ? entry.change.note.id : entry.change.id) !== noteId);
    feed.push({ seq: ++this.seq, change });
    this.feeds.set(ownerId, feed);
  }

  private paginate(notes: Note[], page: PageRequest, scope: string) {
    const sorted = notes.map((note) => toNote(clone(note))).sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
    let start = 0;
    if (page.cursor !== undefined) {
      const [cursorScope, offset] = page.cursor.split('|');
      if (cursorScope !== scope || !offset) throw new ValidationError('Invalid cursor');
      start = Number(offset);
    }
    const items = sorted.slice(start, start + page.limit);
    const end = start + items.length;
    return { items, nextCursor: end < sorted.length ? `${scope}|${end}` : null };
  }
}
