// The notes table behind the domain's NotesRepository. Every note change is ONE transaction: the note, its
// share entries (copies, so a shared list is one Query), its change-feed entry (the previous entry of the
// note is dropped: the feed is compacted) and its photo link. The owner's feed head is part of the same
// transaction with the condition `lastSeq < seq`: commits of one owner are serialised and their sequence
// numbers grow in commit order, so a reader that saw seq N can never later find a new entry below N.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { NoteItemImage } from '@photonotes/shared/contracts/notes-stream';
import { correlationId } from '@photonotes/shared/correlation';
import { decodeCursor, encodeCursor } from '@photonotes/shared/cursor';
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { AttributeMap, TransactWriteItem } from '@photonotes/shared/dynamodb';
import { ValidationError } from '@photonotes/shared/errors';
import { toNote } from '../domain/note';
import type { Note, ProcessedMedia, StoredNote } from '../domain/note';
import { ChangeTooLargeError, MediaChangedError, NoteChangedError, NoteIdTakenError } from '../domain/ports';
import type { Change, ChangePage, NotesRepository, PageRequest, PhotoLink, RemoveOptions, ReplaceOptions } from '../domain/ports';
import { entities, keys, ownerIndex } from './keys';

/** DynamoDB's limits for one TransactWriteItems call. */
const maxTransactionItems = 100;
const maxTransactionBytes = 4 * 1024 * 1024;
/** How long a deleted note's id stays taken. */
const tombstoneTtlSeconds = 90 * 24 * 3600;
// One owner's commits are serialised by the feed head: under a burst of concurrent writes each round has
// one winner, so losers need room to retry (full-jitter backoff, at most ~1.5 s in all).
const maxCommitAttempts = 25;
const purgeParallelism = 10;

type Role = 'note' | 'tombstone' | 'media' | 'head' | 'plain';

interface Op {
  role: Role;
  item: TransactWriteItem;
}

interface NoteItem extends StoredNote {
  pk: string;
  sk: string;
}

interface MediaItem {
  mediaKey: string;
  processedStatus?: 'ready' | 'failed';
  thumbnails?: ProcessedMedia['thumbnails'];
  noteIds?: Set<string>;
}

interface ChangeItem {
  seq: number;
  op: 'upsert' | 'delete';
  noteId: string;
  note?: Note;
  deletedAt?: string;
}

export interface NotesRepositoryOptions {
  tableName: string;
  client?: DynamoDBDocumentClient;
  /** Injected by tests; defaults to the system clock. */
  now?: () => number;
}

export function notesRepository({ tableName, client = documentClient(), now = Date.now }: NotesRepositoryOptions): NotesRepository {
  const table = tableClient({ tableName, client });

  // Sequence numbers are microseconds; within one process they never repeat, across processes the head decides.
  let lastIssued = 0;
  const nextSeq = (atLeast = 0): number => (lastIssued = Math.max(now() * 1000, lastIssued + 1, atLeast));

  function put(item: object, role: Role = 'plain', condition?: Condition): Op {
    return { role, item: { Put: { TableName: tableName, Item: item as AttributeMap, ...conditionFields(condition) } } };
  }

  function del(key: object, role: Role = 'plain', condition?: Condition): Op {
    return { role, item: { Delete: { TableName: tableName, Key: key as AttributeMap, ...conditionFields(condition) } } };
  }

  function update(key: object, expression: string, values: AttributeMap, role: Role = 'plain', condition?: Condition): Op {
    const fields = conditionFields(condition);
    return {
      role,
      item: {
        Update: {
          TableName: tableName,
          Key: key as AttributeMap,
          UpdateExpression: expression,
          ...fields,
          ExpressionAttributeValues: { ...values, ...fields.ExpressionAttributeValues },
        },
      },
    };
  }

  const noteItem = (note: StoredNote, seq: number) => {
    // What search and the note-events publisher read from the stream: the compiler holds it to their contract.
    const image = { entity: entities.note, ...toNote(note), ...correlation() } satisfies NoteItemImage;
    return {
      ...keys.note(note.id),
      gsi1pk: keys.ownNotes(note.ownerId),
      gsi1sk: keys.newestFirst(note),
      ...image,
      createHash: note.createHash,
      changeSeq: seq,
    };
  };

  const shareItem = (note: StoredNote, userId: string) => ({
    ...keys.share(note.id, userId),
    entity: entities.share,
    gsi1pk: keys.sharedNotes(userId),
    gsi1sk: keys.newestFirst(note),
    noteId: note.id,
    ownerId: note.ownerId,
    userId,
    note: toNote(note),
  });

  const upsertChange = (note: StoredNote, seq: number) =>
    put({ ...keys.feedChange(note.ownerId, seq), entity: entities.feedChange, ownerId: note.ownerId, seq, op: 'upsert', noteId: note.id, note: toNote(note) });

  const deleteChange = (note: StoredNote, seq: number, deletedAt: string) =>
    put({ ...keys.feedChange(note.ownerId, seq), entity: entities.feedChange, ownerId: note.ownerId, seq, op: 'delete', noteId: note.id, deletedAt });

  /** Compaction: the note's previous feed entry goes when the new one is written. */
  const dropPreviousChange = (note: StoredNote): Op[] => (note.changeSeq === undefined ? [] : [del(keys.feedChange(note.ownerId, note.changeSeq))]);

  const headUpdate = (ownerId: string, seq: number) =>
    update(keys.feedHead(ownerId), 'SET entity = :headEntity, ownerId = :owner, lastSeq = :seq', { ':headEntity': entities.feedHead, ':owner': ownerId, ':seq': seq }, 'head', {
      expression: 'attribute_not_exists(lastSeq) OR lastSeq < :seq',
    });

  const linkPhoto = (link: PhotoLink, note: StoredNote) =>
    update(
      keys.media(link.key),
      'SET entity = :mediaEntity, mediaKey = :mediaKey, ownerId = :owner, gsi1pk = :uploads, gsi1sk = :mediaKey ADD noteIds :noteIds',
      { ':mediaEntity': entities.media, ':mediaKey': link.key, ':owner': note.ownerId, ':uploads': keys.uploads(note.ownerId), ':noteIds': new Set([note.id]) },
      'media',
      // The write is valid only while the upload is in the state the note's photo was computed from.
      link.processed
        ? { expression: 'processedStatus = :processedStatus', values: { ':processedStatus': link.processed.status } }
        : { expression: 'attribute_not_exists(processedStatus)' },
    );

  const unlinkPhoto = (key: string, noteId: string) => update(keys.media(key), 'DELETE noteIds :noteIds', { ':noteIds': new Set([noteId]) });

  const shareChanges = (previous: StoredNote | undefined, next: StoredNote | undefined): Op[] => {
    const kept = new Set(next?.sharedWith ?? []);
    const removed = (previous?.sharedWith ?? []).filter((userId) => !kept.has(userId));
    return [
      ...(next ? next.sharedWith.map((userId) => put(shareItem(next, userId))) : []),
      ...(previous ? removed.map((userId) => del(keys.share(previous.id, userId))) : []),
    ];
  };

  /**
   * Writes the operations as one transaction. With an owner, the feed head joins it and a lost race for the
   * sequence number is retried with a later one; every other failed condition is the caller's to explain.
   */
  async function commit(
    ownerId: string | null,
    build: (seq: number) => Op[],
    explain: (role: Role, item: AttributeMap | undefined) => Promise<Error>,
    previous?: StoredNote,
  ): Promise<void> {
    // Past the note's current feed entry in any case: that entry is deleted in the same transaction, and
    // another process's clock may have issued it a number this one's clock would issue again.
    let seq = nextSeq((previous?.changeSeq ?? 0) + 1);
    for (let attempt = 1; ; attempt++) {
      const ops = build(seq);
      if (ownerId !== null) ops.push(headUpdate(ownerId, seq));
      assertFits(ops);
      try {
        await table.transactWrite(ops.map((op) => op.item));
        return;
      } catch (err) {
        if (err instanceof ConditionFailedError) {
          const failed = err.failedIndexes.map((index) => ({ role: ops[index]?.role ?? 'plain', item: err.reasons[index]?.item }));
          const cause = failed.find((failure) => failure.role !== 'head');
          if (cause) throw await explain(cause.role, cause.item);
          // Another commit of this owner took the sequence number: go after it.
          const head = failed.find((failure) => failure.role === 'head');
          seq = nextSeq(Number(head?.item?.lastSeq ?? 0) + 1);
        } else if (!isTransactionConflict(err)) {
          throw err;
        }
        if (attempt >= maxCommitAttempts) throw err;
        // Jittered, so writers that collided do not collide again in step.
        await backoff(attempt);
      }
    }
  }

  async function currentNote(id: string, item: AttributeMap | undefined): Promise<StoredNote | undefined> {
    // DynamoDB returns the item that failed the condition; read it when an emulator does not.
    if (item) return item.entity === entities.note ? fromNoteItem(item as NoteItem) : undefined;
    return repository.getNote(id);
  }

  const changedNote = (id: string) => async (role: Role, item: AttributeMap | undefined): Promise<Error> => {
    if (role === 'media') return new MediaChangedError(fromMediaItem(item));
    return new NoteChangedError(await currentNote(id, item));
  };

  async function* queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): AsyncGenerator<AttributeMap> {
    let startKey: AttributeMap | undefined;
    do {
      const out = await client.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey: startKey }));
      yield* out.Items ?? [];
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  const repository: NotesRepository = {
    async getNote(id) {
      const item = await table.getItem<NoteItem>(keys.note(id), { consistentRead: true });
      return item ? fromNoteItem(item) : undefined;
    },

    async insertNote(note, link) {
      await commit(
        note.ownerId,
        (seq) => [
          put(noteItem(note, seq), 'note', { expression: 'attribute_not_exists(pk)' }),
          // A deleted note's id stays taken, so a late replay of its create cannot resurrect it.
          {
            role: 'tombstone',
            item: {
              ConditionCheck: { TableName: tableName, Key: keys.tombstone(note.id), ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' },
            },
          },
          ...shareChanges(undefined, note),
          upsertChange(note, seq),
          ...(link ? [linkPhoto(link, note)] : []),
        ],
        async (role, item) => {
          if (role === 'media') return new MediaChangedError(fromMediaItem(item));
          if (role === 'tombstone') return new NoteIdTakenError({ deleted: true, ownerId: String(item?.ownerId ?? '') });
          const existing = await currentNote(note.id, item);
          return existing ? new NoteIdTakenError(existing) : new NoteIdTakenError({ deleted: true, ownerId: '' });
        },
      );
    },

    async replaceNote(previous, next, options: ReplaceOptions = {}) {
      await commit(
        next.ownerId,
        (seq) => [
          put(noteItem(next, seq), 'note', { expression: 'version = :expectedVersion', values: { ':expectedVersion': previous.version } }),
          ...shareChanges(previous, next),
          ...dropPreviousChange(previous),
          upsertChange(next, seq),
          ...(options.link ? [linkPhoto(options.link, next)] : []),
          ...(options.unlinkKey ? [unlinkPhoto(options.unlinkKey, next.id)] : []),
        ],
        changedNote(previous.id),
        previous,
      );
    },

    async removeNote(previous, deletedAt, options: RemoveOptions = { keepHistory: true }) {
      const expiresAt = Math.floor(now() / 1000) + tombstoneTtlSeconds;
      const removal = [
        del(keys.note(previous.id), 'note', { expression: 'version = :expectedVersion', values: { ':expectedVersion': previous.version } }),
        ...shareChanges(previous, undefined),
        ...(previous.photo ? [unlinkPhoto(previous.photo.key, previous.id)] : []),
      ];
      if (!options.keepHistory) {
        await commit(null, () => removal, changedNote(previous.id));
        return;
      }
      await commit(
        previous.ownerId,
        (seq) => [
          ...removal,
          put({ ...keys.tombstone(previous.id), entity: entities.tombstone, id: previous.id, ownerId: previous.ownerId, deletedAt, expiresAt }),
          ...dropPreviousChange(previous),
          deleteChange(previous, seq, deletedAt),
        ],
        changedNote(previous.id),
        previous,
      );
    },

    async listOwnNotes(ownerId, page) {
      const result = await listIndex<NoteItem>(keys.ownNotes(ownerId), `notes:own:${ownerId}`, page);
      return { items: result.items.map((item) => toNote(fromNoteItem(item))), nextCursor: result.nextCursor };
    },

    async listSharedNotes(userId, page) {
      const result = await listIndex<{ note: Note }>(keys.sharedNotes(userId), `notes:shared:${userId}`, page);
      return { items: result.items.map((item) => toNote(item.note)), nextCursor: result.nextCursor };
    },

    async changesSince(ownerId, cursor, limit): Promise<ChangePage> {
      const scope = `sync:${ownerId}`;
      const after = cursor === undefined ? 0 : seqFromCursor(decodeCursor(cursor, scope));
      const range = keys.feedRangeAfter(after);
      const out = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': keys.feedPartition(ownerId), ':from': range.from, ':to': range.to },
          // Strong consistency: an entry committed before this read is in it, so no later page can skip it.
          ConsistentRead: true,
          // One more than a page tells whether another page follows.
          Limit: limit + 1,
        }),
      );
      const items = (out.Items ?? []) as ChangeItem[];
      const page = items.slice(0, limit);
      const last = page.at(-1)?.seq ?? after;
      return {
        changes: page.map(toChange),
        cursor: encodeCursor({ seq: last }, scope),
        hasMore: items.length > limit || (out.LastEvaluatedKey !== undefined && page.length > 0),
      };
    },

    async recordProcessedMedia(media) {
      const owner = media.ownerId === undefined ? {} : { ':owner': media.ownerId, ':uploads': keys.uploads(media.ownerId) };
      const out = await table.updateItem<MediaItem>({
        key: keys.media(media.key),
        update: `SET entity = :mediaEntity, mediaKey = :mediaKey, processedStatus = :status, thumbnails = :thumbnails, processedAt = :at${
          media.ownerId === undefined ? '' : ', ownerId = :owner, gsi1pk = :uploads, gsi1sk = :mediaKey'
        }`,
        values: {
          ':mediaEntity': entities.media,
          ':mediaKey': media.key,
          ':status': media.status,
          ':thumbnails': media.thumbnails,
          ':at': new Date(now()).toISOString(),
          ...owner,
        },
      });
      return [...(out.noteIds ?? [])];
    },

    async *ownNoteIds(ownerId) {
      const range = keys.feedRangeAfter(0);
      for await (const item of queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': keys.feedPartition(ownerId), ':from': range.from, ':to': range.to },
        ProjectionExpression: 'noteId, op',
        ConsistentRead: true,
      })) {
        if (item.op === 'upsert') yield String(item.noteId);
      }
    },

    async *sharedNoteIds(userId) {
      for await (const item of queryAll({
        IndexName: ownerIndex,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.sharedNotes(userId) },
        ProjectionExpression: 'noteId',
      })) {
        yield String(item.noteId);
      }
    },

    async purgeAccount(ownerId) {
      const doomed: AttributeMap[] = [];
      for await (const item of queryAll({
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.feedPartition(ownerId) },
        ProjectionExpression: 'pk, sk, op, noteId',
        ConsistentRead: true,
      })) {
        doomed.push({ pk: item.pk, sk: item.sk });
        if (item.op === 'delete') doomed.push(keys.tombstone(String(item.noteId)));
      }
      for await (const item of queryAll({
        IndexName: ownerIndex,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.uploads(ownerId) },
        ProjectionExpression: 'pk, sk',
      })) {
        doomed.push({ pk: item.pk, sk: item.sk });
      }
      for (let i = 0; i < doomed.length; i += purgeParallelism) {
        await Promise.all(doomed.slice(i, i + purgeParallelism).map((key) => table.deleteItem(key)));
      }
    },
  };

  async function listIndex<T>(partition: string, cursorScope: string, page: PageRequest): Promise<{ items: T[]; nextCursor: string | null }> {
    return table.queryPage<T>({
      index: ownerIndex,
      keyCondition: 'gsi1pk = :pk',
      values: { ':pk': partition },
      limit: page.limit,
      cursor: page.cursor,
      cursorScope,
      scanForward: false,
    });
  }

  return repository;
}

interface Condition {
  expression: string;
  values?: AttributeMap;
}

interface ConditionFields {
  ConditionExpression?: string;
  ExpressionAttributeValues?: AttributeMap;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD';
}

function conditionFields(condition: Condition | undefined): ConditionFields {
  if (!condition) return {};
  return {
    ConditionExpression: condition.expression,
    ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
    // The failed item comes back with the error: 409/412 answers need no second read.
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

function assertFits(ops: Op[]): void {
  if (ops.length > maxTransactionItems) throw new ChangeTooLargeError(ops.length);
  // JSON is a little larger than DynamoDB's own measure, so this errs on the safe side.
  const bytes = ops.reduce((sum, op) => sum + Buffer.byteLength(JSON.stringify(op.item, (_key, value: unknown) => (value instanceof Set ? [...value] : value))), 0);
  if (bytes > maxTransactionBytes) throw new ChangeTooLargeError(ops.length);
}

function isTransactionConflict(err: unknown): boolean {
  // Cancelled without a failed condition (a concurrent transaction on the same items), or a conflicting write.
  return err instanceof Error && ['TransactionCanceledException', 'TransactionConflictException', 'TransactionInProgressException'].includes(err.name);
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(100, 5 * 2 ** attempt) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The request (or event) this write serves, stored on the note so the note.changed it leads to names it. */
function correlation(): { correlationId?: string } {
  const id = correlationId();
  return id === undefined ? {} : { correlationId: id };
}

function fromNoteItem(item: NoteItem | AttributeMap): StoredNote {
  const stored = item as NoteItem;
  const note: StoredNote = { ...toNote(stored), createHash: String(stored.createHash ?? '') };
  if (typeof stored.changeSeq === 'number') note.changeSeq = stored.changeSeq;
  return note;
}

function fromMediaItem(item: AttributeMap | undefined): ProcessedMedia | null {
  const media = item as MediaItem | undefined;
  if (!media?.processedStatus) return null;
  return { key: media.mediaKey, status: media.processedStatus, thumbnails: media.thumbnails ?? null };
}

function toChange(item: ChangeItem): Change {
  if (item.op === 'delete') return { op: 'delete', id: item.noteId, deletedAt: String(item.deletedAt) };
  return { op: 'upsert', note: toNote(item.note as Note) };
}

function seqFromCursor(payload: Record<string, unknown>): number {
  const { seq } = payload;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw new ValidationError('Invalid cursor', [{ location: 'query', path: 'cursor', message: 'Invalid cursor', code: 'invalid_cursor' }]);
  }
  return seq;
}
