// The search index table behind the domain's SearchIndex: document records with conditional writes,
// postings and share entries in batches (BatchWriteItem, 25 a request), candidates' records in batches
// (BatchGetItem, 100 a request); the table toolkit sends what DynamoDB leaves unprocessed again. The indexer's
// record reads and entry writes of notes handled side by side go out together (coalesce.ts).
import { systemClock } from '@photonotes/shared/clock';
import type { Clock } from '@photonotes/shared/clock';
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import type { Posting } from '../domain/index-entry';
import { coalesced } from './coalesce';
import { DocChangedError } from '../domain/ports';
import type { EntryWrites, IndexedDoc, Leftovers, NotePosting, PostingsPage, SearchIndex, SharedNote } from '../domain/ports';
import { entities, keys } from './keys';
import { decodeTerms, encodeTerms } from './term-codec';

/** Batch writes in flight at once (one note's, or the notes' whose writes went out together). */
const writeParallelism = 8;
/** Share entries per Query request (DynamoDB also ends a page at 1 MB). */
const sharesPageSize = 1000;
/** What a search result and its visibility check read of a record (not the write bookkeeping: sharees, pending). */
const resultAttributes = ['noteId', 'version', 'deleted', 'ownerId', 'title', 'body', 'updatedAt', 'principals', 'terms'] as const;
/** Tombstones outlive every stream record of their note (streams keep records 24 hours). */
const tombstoneTtlSeconds = 7 * 24 * 3600;

/**
 * An IndexedDoc as stored: its key, and `pending` left out (not null) when there is none. Records written before
 * share entries existed have neither `postedUnder` nor `sharees` (nor `pending.sharees`).
 */
interface DocItem extends Omit<IndexedDoc, 'pending' | 'postedUnder' | 'sharees' | 'terms'> {
  pk: string;
  sk: string;
  entity: string;
  /** term-codec.ts; a map in records written before it. */
  terms?: string | Record<string, number>;
  postedUnder?: string[];
  sharees?: string[];
  pending?: Omit<Leftovers, 'sharees'> & { sharees?: string[] };
  expiresAt?: number;
}

interface ShareItem {
  pk: string;
  sk: string;
  entity: string;
  ownerId: string;
  /** term-codec.ts; absent when the owner's postings hold the terms. */
  terms?: string;
}

export interface SearchIndexOptions {
  tableName: string;
  /** Defaults to the shared document client. */
  client?: DocumentSender;
  clock?: Clock;
}

export function searchIndex({ tableName, client, clock = systemClock }: SearchIndexOptions): SearchIndex {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });

  // Strongly consistent, as a note's next record must see what its previous one wrote.
  const getDocs = coalesced(async (noteIds: string[]): Promise<Array<IndexedDoc | undefined>> => {
    if (noteIds.length === 1) {
      const item = await table.getItem<DocItem>(keys.doc(noteIds[0] as string), { consistentRead: true });
      return [item ? fromDocItem(item) : undefined];
    }
    const items = await table.batchGet<DocItem>(noteIds.map((noteId) => keys.doc(noteId)), { consistentRead: true });
    const found = new Map(items.map((item) => [item.noteId, fromDocItem(item)]));
    return noteIds.map((noteId) => found.get(noteId));
  });

  // Different notes' entries never share a key (each key holds its note id), so their writes may go out together.
  const writeAllEntries = coalesced(async (changes: Array<{ noteId: string; writes: EntryWrites }>): Promise<void[]> => {
    const puts: object[] = [];
    const deletes: Array<{ pk: string; sk: string }> = [];
    for (const { noteId, writes } of changes) {
      const { postings, shares } = writes;
      puts.push(...shares.puts.map(({ userId, ownerId, terms }): ShareItem => ({ ...keys.share(userId, noteId), entity: entities.share, ownerId, ...(terms ? { terms: encodeTerms(terms) } : {}) })));
      puts.push(...postings.puts.map((posting: Posting) => keys.posting(noteId, posting)));
      deletes.push(...shares.deletes.map((userId) => keys.share(userId, noteId)), ...postings.deletes.map((posting: Posting) => keys.posting(noteId, posting)));
    }
    await table.batchWrite({ puts, deletes, concurrency: writeParallelism });
    return changes.map(() => undefined);
  });

  return {
    getDoc: (noteId) => getDocs(noteId),

    async putDoc(doc, expectedVersion) {
      try {
        await table.putItem(toDocItem(doc, clock), expectedVersion === null ? { condition: 'attribute_not_exists(pk)' } : { condition: 'version = :expected', values: { ':expected': expectedVersion } });
      } catch (err) {
        if (err instanceof ConditionFailedError) throw new DocChangedError(doc.noteId);
        throw err;
      }
    },

    async completeDoc(noteId, version) {
      try {
        await table.updateItem({ key: keys.doc(noteId), update: 'REMOVE pending', condition: 'version = :version', values: { ':version': version } });
      } catch (err) {
        // A newer version took over, and with it this version's leftovers.
        if (!(err instanceof ConditionFailedError)) throw err;
      }
    },

    async writeEntries(noteId, writes) {
      await writeAllEntries({ noteId, writes });
    },

    async queryPostings({ principal, term, prefix, limit }): Promise<PostingsPage> {
      const range = keys.postingRange(principal, term, prefix);
      const out = await table.query<{ sk: string }>({
        keyCondition: 'pk = :pk AND begins_with(sk, :sk)',
        values: { ':pk': range.pk, ':sk': range.skPrefix },
        projection: 'sk',
        limit,
      });
      const postings: NotePosting[] = [];
      for (const item of out.items) {
        const parsed = keys.parsePostingSortKey(String(item.sk));
        if (parsed) postings.push(parsed);
      }
      return { postings, truncated: out.hasMore };
    },

    async sharedWith(userId, limit) {
      const shared: SharedNote[] = [];
      const items = table.queryAll<ShareItem>({
        keyCondition: 'pk = :pk',
        values: { ':pk': keys.sharesOf(userId) },
        projection: 'sk, ownerId, #terms',
        names: { '#terms': 'terms' },
        pageSize: Math.min(limit, sharesPageSize),
        maxItems: Number.MAX_SAFE_INTEGER,
      });
      for await (const item of items) {
        shared.push({ noteId: String(item.sk), ownerId: String(item.ownerId), terms: item.terms === undefined ? null : decodeTerms(item.terms) });
        if (shared.length >= limit) break;
      }
      return shared;
    },

    async getDocs(noteIds) {
      const docs = new Map<string, IndexedDoc>();
      const items = await table.batchGet<DocItem>(
        noteIds.map((id) => keys.doc(id)),
        { projection: resultAttributes.map((name) => `#${name}`).join(', '), names: Object.fromEntries(resultAttributes.map((name) => [`#${name}`, name])) },
      );
      for (const item of items) docs.set(item.noteId, fromDocItem(item));
      return docs;
    },
  };
}

function toDocItem(doc: IndexedDoc, clock: Clock): DocItem {
  const item: DocItem = {
    ...keys.doc(doc.noteId),
    entity: entities.doc,
    noteId: doc.noteId,
    version: doc.version,
    deleted: doc.deleted,
    ownerId: doc.ownerId,
    title: doc.title,
    body: doc.body,
    updatedAt: doc.updatedAt,
    principals: doc.principals,
    postedUnder: doc.postedUnder,
    sharees: doc.sharees,
    terms: encodeTerms(doc.terms),
  };
  if (doc.pending) item.pending = doc.pending;
  if (doc.deleted) item.expiresAt = Math.floor(clock.now().getTime() / 1000) + tombstoneTtlSeconds;
  return item;
}

function fromDocItem(item: DocItem): IndexedDoc {
  return {
    noteId: item.noteId,
    version: Number(item.version),
    deleted: item.deleted === true,
    ownerId: item.ownerId ?? '',
    title: item.title ?? '',
    body: item.body ?? '',
    updatedAt: item.updatedAt ?? '',
    principals: item.principals ?? [],
    postedUnder: item.postedUnder ?? item.principals ?? [],
    sharees: item.sharees ?? [],
    terms: decodeTerms(item.terms),
    pending: item.pending ? { principals: item.pending.principals ?? [], terms: item.pending.terms ?? {}, sharees: item.pending.sharees ?? [] } : null,
  };
}
