// Helpers for core-api's integration tests: typed calls to the notes routes through the gateway, events
// published to the local SNS emulator, upload keys signed with the local secret, and polling.
import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { signMediaKey } from '@photonotes/shared/media-keys';
import { api } from '../../../../test/support/api';
import type { ApiResponse } from '../../../../test/support/api';
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

export function syncPage(user: TestUser, cursor?: string): Promise<ApiResponse<SyncPage>> {
  return api<SyncPage>(`/sync${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, { token: user.accessToken });
}

/** Every page of /sync after `cursor`, as a client replays them. */
export async function syncAll(user: TestUser, cursor?: string): Promise<{ changes: Change[]; cursor: string; pages: SyncPage[] }> {
  const pages: SyncPage[] = [];
  let next = cursor;
  for (;;) {
    const res = await syncPage(user, next);
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

const localTopic = (name: string) => `arn:aws:sns:us-east-1:000000000000:photonotes-local-${name}`;

/** Publishes a domain event envelope to a topic of the local SNS emulator, as the owning service would. */
export async function publishEvent(topic: 'media-events' | 'user-events', type: string, data: unknown): Promise<void> {
  const client = new SNSClient({ endpoint: `http://127.0.0.1:${process.env.SNS_PORT ?? '4002'}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    const envelope = { id: randomUUID(), type, source: 'core-api-tests', occurredAt: new Date().toISOString(), data };
    await client.send(
      new PublishCommand({ TopicArn: localTopic(topic), Message: JSON.stringify(envelope), MessageAttributes: { type: { DataType: 'String', StringValue: type } } }),
    );
  } finally {
    client.destroy();
  }
}

/** Polls until `check` passes or the deadline is reached (asynchronous effects: SNS consumers). */
export async function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!check(last)) {
    if (Date.now() > deadline) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
    last = await probe();
  }
  return last;
}
