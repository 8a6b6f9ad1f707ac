// GET /sync's pages: the owner's feed (adapters/note-feed.ts), the shared feed (adapters/shared-feed.ts), or both
// merged (domain/shared-feed.ts, mergeFeeds). Cursors are signed for the user and the scope, so a cursor of one
// scope is refused by another (400) and no cursor reads another user's feed. `own` keeps the cursor it always had.
import { decodeCursor, encodeCursor } from '@photonotes/shared/cursor';
import { ValidationError } from '@photonotes/shared/errors';
import type { ChangePage, SyncScope } from '../domain/ports';
import { mergeFeeds } from '../domain/shared-feed';
import type { FeedPositions, FeedSlice } from '../domain/shared-feed';

export interface FeedReader {
  sliceAfter(userId: string, after: number, limit: number): Promise<FeedSlice>;
}

const cursorScopes: Record<SyncScope, (userId: string) => string> = {
  own: (userId) => `sync:${userId}`,
  shared: (userId) => `sync:shared:${userId}`,
  all: (userId) => `sync:all:${userId}`,
};

export function syncReader(own: FeedReader, shared: FeedReader) {
  return async function changesSince(userId: string, scope: SyncScope, cursor: string | undefined, limit: number): Promise<ChangePage> {
    const cursorScope = cursorScopes[scope](userId);
    if (scope !== 'all') {
      const feed = scope === 'own' ? own : shared;
      const after = cursor === undefined ? 0 : seqOf(decodeCursor(cursor, cursorScope).seq);
      const slice = await feed.sliceAfter(userId, after, limit);
      return { changes: slice.entries.map((entry) => entry.change), cursor: encodeCursor({ seq: slice.entries.at(-1)?.seq ?? after }, cursorScope), hasMore: slice.hasMore };
    }
    const from: FeedPositions = { own: 0, shared: 0 };
    if (cursor !== undefined) {
      const payload = decodeCursor(cursor, cursorScope);
      from.own = seqOf(payload.own);
      from.shared = seqOf(payload.shared);
    }
    const [ownSlice, sharedSlice] = await Promise.all([own.sliceAfter(userId, from.own, limit), shared.sliceAfter(userId, from.shared, limit)]);
    const page = mergeFeeds(ownSlice, sharedSlice, from, limit);
    return { changes: page.changes, cursor: encodeCursor({ own: page.positions.own, shared: page.positions.shared }, cursorScope), hasMore: page.hasMore };
  };
}

function seqOf(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError('Invalid cursor', [{ location: 'query', path: 'cursor', message: 'Invalid cursor', code: 'invalid_cursor' }]);
  }
  return value;
}
