// An in-memory PhotoNotes notes API behind a fake fetch, for the real @photonotes/client to talk to: POST,
// PATCH and DELETE /notes with If-Match and 412s, validation 400s, client-chosen ids, and a `/sync` change
// log with cursors. `offline` makes every request fail as a browser's fetch does without a network.
import type { Note, NoteChange } from '../../src/offline/types';

export interface RecordedRequest {
  method: string;
  path: string;
  ifMatch: string | undefined;
  body: unknown;
}

interface Fields {
  title?: string;
  body?: string;
  tags?: string[];
  visibility?: 'private' | 'public';
  sharedWith?: string[];
  photoKey?: string | null;
}

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-request-id': `req-${status}` } });
}

function error(status: number, code: string, message: string, details?: unknown[]): Response {
  return json(status, { error: { code, message, details, requestId: `req-${status}` } });
}

export class FakeNotesApi {
  readonly notes = new Map<string, Note>();
  readonly log: NoteChange[] = [];
  readonly requests: RecordedRequest[] = [];
  offline = false;
  pageSize = 500;
  private tick = 0;
  private readonly createdPayloads = new Map<string, string>();

  private afterWrite: (() => void) | undefined;

  constructor(readonly userId: string) {}

  /** Runs `callback` once, right after the next accepted PATCH (before its answer reaches the client). */
  onceAfterWrite(callback: () => void): Promise<boolean> {
    return new Promise((resolve) => {
      this.afterWrite = () => {
        callback();
        resolve(true);
      };
    });
  }

  private now(): string {
    this.tick++;
    return new Date(Date.UTC(2026, 10, 30, 9, 0, this.tick)).toISOString();
  }

  /** A note written by someone (the caller or another user) straight on the server. */
  seed(fields: Fields & { id: string; ownerId?: string }): Note {
    const at = this.now();
    const note: Note = {
      id: fields.id,
      ownerId: fields.ownerId ?? this.userId,
      title: fields.title ?? 'untitled',
      body: fields.body ?? '',
      tags: fields.tags ?? [],
      visibility: fields.visibility ?? 'private',
      sharedWith: fields.sharedWith ?? [],
      photo: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    this.notes.set(note.id, note);
    this.log.push({ op: 'upsert', note });
    return note;
  }

  /** Another device of the owner edits the note: its version moves on. */
  editElsewhere(id: string, fields: Fields): Note {
    const current = this.notes.get(id);
    if (!current) throw new Error(`no note ${id}`);
    return this.write(current, fields);
  }

  deleteElsewhere(id: string): void {
    this.notes.delete(id);
    this.log.push({ op: 'delete', id, deletedAt: this.now() });
  }

  private write(current: Note, fields: Fields): Note {
    const next: Note = { ...current, version: current.version + 1, updatedAt: this.now() };
    if (fields.title !== undefined) next.title = fields.title;
    if (fields.body !== undefined) next.body = fields.body;
    if (fields.tags !== undefined) next.tags = [...new Set(fields.tags.map((tag) => tag.toLowerCase()))];
    if (fields.visibility !== undefined) next.visibility = fields.visibility;
    if (fields.sharedWith !== undefined) next.sharedWith = fields.sharedWith;
    this.notes.set(next.id, next);
    this.log.push({ op: 'upsert', note: next });
    return next;
  }

  private invalid(fields: Fields): Response | undefined {
    if (fields.title !== undefined && (fields.title.length < 1 || fields.title.length > 200)) {
      return error(400, 'VALIDATION_FAILED', 'title must be 1..200 characters', [{ path: 'title', message: 'Too small' }]);
    }
    return undefined;
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? 'GET';
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as Fields & { id?: string }) : undefined;
    this.requests.push({ method, path: url.pathname, ifMatch: headers.get('if-match') ?? undefined, body });
    if (this.offline) throw new TypeError('Failed to fetch');
    return this.handle(method, url, headers.get('if-match') ?? undefined, body);
  };

  private handle(method: string, url: URL, ifMatch: string | undefined, body: (Fields & { id?: string }) | undefined): Response {
    if (method === 'GET' && url.pathname === '/sync') {
      const start = Number(url.searchParams.get('cursor') ?? '0');
      if (!Number.isInteger(start) || start < 0 || start > this.log.length) return error(400, 'VALIDATION_FAILED', 'cursor was not issued by the server');
      const changes = this.log.slice(start, start + this.pageSize);
      const end = start + changes.length;
      return json(200, { changes, cursor: String(end), hasMore: end < this.log.length });
    }
    if (method === 'POST' && url.pathname === '/notes') {
      const fields = body ?? { title: '' };
      const bad = this.invalid({ ...fields, title: fields.title ?? '' });
      if (bad) return bad;
      const id = fields.id ?? `server-${this.log.length + 1}`;
      const payload = JSON.stringify(fields);
      const existing = this.notes.get(id);
      if (existing) return this.createdPayloads.get(id) === payload ? json(200, existing) : error(409, 'CONFLICT', `id ${id} is taken`);
      this.createdPayloads.set(id, payload);
      return json(201, this.seed({ ...fields, id }));
    }
    const match = /^\/notes\/([^/]+)$/.exec(url.pathname);
    if (match?.[1] !== undefined) {
      const current = this.notes.get(decodeURIComponent(match[1]));
      if (!current || current.ownerId !== this.userId) return error(404, 'NOT_FOUND', 'no such note');
      if (ifMatch !== undefined && ifMatch !== '*' && Number(ifMatch) !== current.version) return error(412, 'PRECONDITION_FAILED', 'the note has changed', [{ current }]);
      if (method === 'PATCH') {
        const bad = this.invalid(body ?? {});
        if (bad) return bad;
        const answer = json(200, this.write(current, body ?? {}));
        const after = this.afterWrite;
        this.afterWrite = undefined;
        after?.();
        return answer;
      }
      if (method === 'DELETE') {
        this.deleteElsewhere(current.id);
        return new Response(null, { status: 204, headers: { 'x-request-id': 'req-204' } });
      }
    }
    return error(404, 'NOT_FOUND', `${method} ${url.pathname}`);
  }
}
