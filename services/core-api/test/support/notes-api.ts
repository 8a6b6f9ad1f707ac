// Helpers for core-api's integration tests: typed calls to the notes routes through the gateway, events
// published to the local SNS emulator, upload keys signed with the local secret, and polling.
import { randomUUID } from 'node:crypto';
import { userSignedUp } from '@photonotes/shared/contracts/user-events';
import { signMediaKey } from '@photonotes/shared/media-keys';
import { api } from '../../../../test/support/api';
import type { ApiResponse } from '../../../../test/support/api';
import { publishEvent } from '../../../../test/support/events';
import { untilShareable } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';

export interface Thumbnail {
  url: string;
  width: number;
  height: number;
}

export interface Note {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  tags: string[];
  visibility: 'private' | 'public';
  sharedWith: string[];
  photo: { key: string; status: 'pending' | 'ready' | 'failed'; thumbnails: { small: Thumbnail; medium: Thumbnail; large: Thumbnail } | null } | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NotePage {
  items: Note[];
  nextCursor: string | null;
}

export type Change = { op: 'upsert'; note: Note } | { op: 'delete'; id: string; deletedAt: string };

export interface SyncPage {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
}

export function createNote(user: TestUser, body: Record<string, unknown>): Promise<ApiResponse<Note>> {
  return api<Note>('/notes', { method: 'POST', token: user.accessToken, body });
}

/** Creates a note and fails the test unless it got a 201. */
export async function newNote(user: TestUser, body: Record<string, unknown> = {}): Promise<Note> {
  const res = await createNote(user, { title: 'A note', ...body });
  if (res.status !== 201) throw new Error(`POST /notes answered ${res.status}: ${res.text}`);
  return res.body;
}

export function getNote(user: TestUser, id: string): Promise<ApiResponse<Note>> {
  return api<Note>(`/notes/${id}`, { token: user.accessToken });
}

export function patchNote(user: TestUser, id: string, body: unknown, ifMatch?: string): Promise<ApiResponse<Note>> {
  return api<Note>(`/notes/${id}`, { method: 'PATCH', token: user.accessToken, body, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
}

export function deleteNote(user: TestUser, id: string, ifMatch?: string): Promise<ApiResponse<unknown>> {
  return api(`/notes/${id}`, { method: 'DELETE', token: user.accessToken, headers: ifMatch === undefined ? {} : { 'if-match': ifMatch } });
}

export function listNotes(user: TestUser, query: Record<string, string> = {}): Promise<ApiResponse<NotePage>> {
  const qs = new URLSearchParams(query).toString();
  return api<NotePage>(`/notes${qs ? `?${qs}` : ''}`, { token: user.accessToken });
}

/** Every page of a list, following nextCursor. */
export async function listAll(user: TestUser, query: Record<string, string> = {}): Promise<{ pages: NotePage[]; items: Note[] }> {
  const pages: NotePage[] = [];
  let cursor: string | null = null;
  do {
    const res = await listNotes(user, { ...query, ...(cursor ? { cursor } : {}) });
    if (res.status !== 200) throw new Error(`GET /notes answered ${res.status}: ${res.text}`);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  } while (cursor);
  return { pages, items: pages.flatMap((page) => page.items) };
}

/** GET /sync; without `scope` the request names none (the default, `own`). */
export function syncPage(user: TestUser, cursor?: string, scope?: string): Promise<ApiResponse<SyncPage>> {
  const qs = new URLSearchParams({ ...(scope === undefined ? {} : { scope }), ...(cursor ? { cursor } : {}) }).toString();
  return api<SyncPage>(`/sync${qs ? `?${qs}` : ''}`, { token: user.accessToken });
}

/** Every page of /sync after `cursor`, as a client replays them. */
export async function syncAll(user: TestUser, cursor?: string, scope?: string): Promise<{ changes: Change[]; cursor: string; pages: SyncPage[] }> {
  const pages: SyncPage[] = [];
  let next = cursor;
  for (;;) {
    const res = await syncPage(user, next, scope);
    if (res.status !== 200) throw new Error(`GET /sync answered ${res.status}: ${res.text}`);
    pages.push(res.body);
    next = res.body.cursor;
    if (!res.body.hasMore) break;
  }
  return { changes: pages.flatMap((page) => page.changes), cursor: next as string, pages };
}

/** What a client's local copy looks like after applying changes. */
export function applyChanges(state: Map<string, Note>, changes: Change[]): Map<string, Note> {
  const next = new Map(state);
  for (const change of changes) {
    if (change.op === 'upsert') next.set(change.note.id, change.note);
    else next.delete(change.id);
  }
  return next;
}

// The local stage signs upload keys with this secret (serverless.common.yml, params.local.mediaKeySecret).
process.env.MEDIA_KEY_SECRET ??= 'local-only-media-key-secret';

/** An upload key as POST /media/uploads would issue it to `user`. */
export function uploadKeyFor(user: TestUser, contentType = 'image/jpeg'): string {
  return signMediaKey(user.userId, contentType);
}

/**
 * User ids announced on user-events as the users service announces a sign-up, without an account behind them:
 * sharees for tests that need many. Resolves once core-api knows every one of them.
 */
export async function announcedUsers(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => randomUUID());
  const signedUpAt = new Date().toISOString();
  await Promise.all(ids.map((userId) => publishEvent(userSignedUp, { userId, signedUpAt }, { id: `user.signed_up:${userId}` })));
  for (const userId of ids) await untilShareable(userId);
  return ids;
}

export { listenToTopic, publishEvent } from '../../../../test/support/events';
export { eventually } from '../../../../test/support/eventually';
