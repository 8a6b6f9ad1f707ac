// Applies one note change from the stream to the index, idempotently and in version order:
//   1. read the note's document record; an equal or newer version means a re-delivery (finish its
//      interrupted write, if any) or an out-of-order older record (ignore it);
//   2. write the new record with `pending` = every posting and share entry an earlier version may have left,
//      conditional on the version read (so two writers cannot both win);
//   3. put the new postings and share entries, delete the stale ones (all idempotent);
//   4. clear `pending`.
// When nothing can be stale (a new note, an edit that only adds terms or sharees), steps 2-4 shrink to: the
// writes, then the record.
// A crash anywhere leaves a record whose `pending` says what to finish; the retried record (same version)
// or the next version (which merges that `pending` into its own) completes it. Deletions keep a tombstone
// record with the deleted version, so a late re-delivery of an older upsert cannot bring a note back.
//
// What one change writes is bounded (index-entry.ts, maxWritesPerChange): a note's postings go to one partition
// (homeOf) whatever its sharees, and each sharee gets one share entry; an edit writes only what differs.
import { emptyPostingSet, homeOf, isEmptyPostingSet, mergePostingSets, postingSetOf, postingsNotIn, postingsOf, principalsOf, sameShareTerms, shareesOf, shareTermsOf, termImpacts } from './index-entry';
import type { NoteSnapshot, PostingSet, ShareEntry } from './index-entry';
import type { NoteChange } from './note-change';
import { DocChangedError } from './ports';
import type { EntryWrites, IndexedDoc, Leftovers, SearchIndex } from './ports';

export interface IndexDeps {
  index: SearchIndex;
}

export type ApplyOutcome = 'indexed' | 'deleted' | 'resumed' | 'duplicate' | 'stale';

/** A concurrent writer of the same note is retried this often (the stream serialises a note's records anyway). */
const maxAttempts = 3;

export async function applyNoteChange(change: NoteChange, deps: IndexDeps): Promise<ApplyOutcome> {
  const noteId = change.kind === 'upsert' ? change.note.id : change.noteId;
  for (let attempt = 1; ; attempt++) {
    try {
      return change.kind === 'upsert' ? await upsert(change.note, deps) : await remove(noteId, change.version, deps);
    } catch (err) {
      if (!(err instanceof DocChangedError) || attempt >= maxAttempts) throw err;
    }
  }
}

const writtenBy = (doc: IndexedDoc): PostingSet => postingSetOf(doc.postedUnder, doc.terms);

/** Every posting and share entry an existing record may have left behind: its own and its unfinished predecessors'. */
function leftoversOf(doc: IndexedDoc | undefined): Leftovers {
  if (!doc) return { ...emptyPostingSet(), sharees: [] };
  const pending = doc.pending ?? { ...emptyPostingSet(), sharees: [] };
  return { ...mergePostingSets(writtenBy(doc), pending), sharees: [...new Set([...doc.sharees, ...pending.sharees])] };
}

const shareEntries = (doc: IndexedDoc, sharees: string[]): ShareEntry[] => sharees.map((userId) => ({ userId, ownerId: doc.ownerId, terms: shareTermsOf(doc.terms) }));

async function upsert(note: NoteSnapshot, deps: IndexDeps): Promise<ApplyOutcome> {
  const current = await deps.index.getDoc(note.id);
  if (current && current.version >= note.version) return settle(current, deps, note.version);

  const next: IndexedDoc = {
    noteId: note.id,
    version: note.version,
    deleted: false,
    ownerId: note.ownerId,
    title: note.title,
    body: note.body,
    updatedAt: note.updatedAt,
    principals: principalsOf(note),
    postedUnder: [homeOf(note)],
    sharees: shareesOf(note),
    terms: termImpacts(note),
    pending: null,
  };
  const nextSet = writtenBy(next);
  const leftovers = leftoversOf(current);
  // An unfinished predecessor may have written only part of its postings and entries: then write all of ours.
  const complete = current !== undefined && current.pending === null;
  const keptEntries = complete && sameShareTerms(current.terms, next.terms) ? new Set(current.sharees) : new Set<string>();
  const writes: EntryWrites = {
    postings: { puts: complete ? postingsNotIn(nextSet, writtenBy(current)) : postingsOf(nextSet), deletes: postingsNotIn(leftovers, nextSet) },
    shares: { puts: shareEntries(next, next.sharees.filter((userId) => !keptEntries.has(userId))), deletes: leftovers.sharees.filter((userId) => !next.sharees.includes(userId)) },
  };
  await write(next, current, writes, deps);
  return 'indexed';
}

async function remove(noteId: string, version: number, deps: IndexDeps): Promise<ApplyOutcome> {
  const current = await deps.index.getDoc(noteId);
  if (current?.deleted && current.version >= version) return settle(current, deps, version);
  // A note is never written again after its REMOVE, so the delete wins even over a newer indexed version
  // (which only out-of-order delivery could produce).
  const tombstone: IndexedDoc = {
    noteId,
    version: Math.max(version, current?.version ?? 0),
    deleted: true,
    ownerId: current?.ownerId ?? '',
    title: '',
    body: '',
    updatedAt: current?.updatedAt ?? '',
    principals: [],
    postedUnder: [],
    sharees: [],
    terms: {},
    pending: null,
  };
  const leftovers = leftoversOf(current);
  await write(tombstone, current, { postings: { puts: [], deletes: postingsOf(leftovers) }, shares: { puts: [], deletes: leftovers.sharees } }, deps);
  return 'deleted';
}

async function write(next: IndexedDoc, current: IndexedDoc | undefined, writes: EntryWrites, deps: IndexDeps): Promise<void> {
  const expected = current ? current.version : null;
  if (writes.postings.deletes.length === 0 && writes.shares.deletes.length === 0 && (current?.pending ?? null) === null) {
    // Nothing can be left stale (a new note, an edit that only adds, a photo change): entries first, record
    // last, so a crash in between just repeats the same idempotent writes. The record's condition keeps an
    // older version from winning; the stream never runs two writers of one note at once.
    await deps.index.writeEntries(next.noteId, writes);
    await deps.index.putDoc(next, expected);
    return;
  }
  await deps.index.putDoc({ ...next, pending: leftoversOf(current) }, expected);
  await deps.index.writeEntries(next.noteId, writes);
  await deps.index.completeDoc(next.noteId, next.version);
}

/** The record already has this version (or a newer one): finish its write if it was interrupted. */
async function settle(current: IndexedDoc, deps: IndexDeps, version: number): Promise<ApplyOutcome> {
  if (current.pending === null) return current.version === version ? 'duplicate' : 'stale';
  const own = writtenBy(current);
  const stale = isEmptyPostingSet(current.pending) ? [] : postingsNotIn(current.pending, own);
  await deps.index.writeEntries(current.noteId, {
    postings: { puts: postingsOf(own), deletes: stale },
    shares: { puts: shareEntries(current, current.sharees), deletes: current.pending.sharees.filter((userId) => !current.sharees.includes(userId)) },
  });
  await deps.index.completeDoc(current.noteId, current.version);
  return 'resumed';
}
