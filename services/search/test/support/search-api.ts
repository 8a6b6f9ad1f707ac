// Helpers for search's integration tests: notes written through core-api's routes (the stream then feeds
// the index), GET /search, and polling with a deadline for the asynchronous indexing.
import { randomUUID } from 'node:crypto';
import { api } from '../../../../test/support/api';
import type { ApiResponse } from '../../../../test/support/api';
import type { TestUser } from '../../../../test/support/users';
import { eventually as pollUntil } from '../../../../test/support/eventually';

import type { SearchPage } from '../../src/domain/search-notes';

export type { SearchHit, SearchPage } from '../../src/domain/search-notes';

export interface Note {
  id: string;
  ownerId: string;
  title: string;
  version: number;
  updatedAt: string;
}

/** A word no other test (nor an earlier run) has written: scopes a test's searches to its own notes. */
export function uniqueWord(): string {
  return `w${randomUUID().replace(/-/g, '').slice(0, 10)}`;
}

export async function createNote(user: TestUser, body: Record<string, unknown>): Promise<Note> {
  const res = await api<Note>('/notes', { method: 'POST', token: user.accessToken, body });
  if (res.status !== 201) throw new Error(`POST /notes answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function updateNote(user: TestUser, id: string, body: Record<string, unknown>): Promise<Note> {
  const res = await api<Note>(`/notes/${id}`, { method: 'PATCH', token: user.accessToken, body });
  if (res.status !== 200) throw new Error(`PATCH /notes/${id} answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function deleteNote(user: TestUser, id: string): Promise<void> {
  const res = await api(`/notes/${id}`, { method: 'DELETE', token: user.accessToken });
  if (res.status !== 204) throw new Error(`DELETE /notes/${id} answered ${res.status}: ${res.text}`);
}

export function search(user: TestUser, query: Record<string, string>): Promise<ApiResponse<SearchPage>> {
  return api<SearchPage>(`/search?${new URLSearchParams(query).toString()}`, { token: user.accessToken });
}

/** The ids GET /search lists on its first page (up to 100) for q. */
export async function searchIds(user: TestUser, q: string): Promise<string[]> {
  const res = await search(user, { q, limit: '100' });
  if (res.status !== 200) throw new Error(`GET /search answered ${res.status}: ${res.text}`);
  return res.body.items.map((item) => item.id);
}

/** Indexing follows the stream (~1 s locally); the contract allows 5 s. */
// Generous: the contract says 5 s locally, but a loaded CI machine must not turn latency into a failure.
export const indexingDeadlineMs = 15_000;

/** Polls until `check` passes or the indexing deadline passes; returns the last value either way. */
export function eventually<T>(probe: () => Promise<T>, check: (value: T) => boolean, timeoutMs = indexingDeadlineMs): Promise<T> {
  return pollUntil(probe, check, timeoutMs);
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** Polls GET /search until it lists exactly `expected` (in any order). */
export function eventuallyFinds(user: TestUser, q: string, expected: string[], timeoutMs?: number): Promise<string[]> {
  return eventually(() => searchIds(user, q), (ids) => sameSet(ids, expected), timeoutMs);
}
