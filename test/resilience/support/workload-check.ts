// The check after a workload: every acknowledged write of the ledger is in every read model it must reach, exactly
// once; a write without a verdict (timeout, 5xx) may be there or not, but never twice. Asynchronous read models
// (search, inbox, push outbox, thumbnails, telemetry, analytics) are polled until they agree or a generous deadline
// passes; what is still missing then is lost.
import type { TestUser } from '../../support/users';
import type { LedgerNote, WorkloadReport, WorkloadUser } from './workload';

export interface WorkloadCheck {
  /** Acknowledged writes checked (notes, shares, uploads, readings, analytics events). */
  writesChecked: number;
  lost: number;
  duplicated: number;
  /** Each finding, one line (capped per kind). */
  problems: string[];
  /** Seconds each read model took to agree after the load stopped (or the deadline, when it did not). */
  settleSeconds: Record<string, number>;
  /**
   * Read models that took longer to agree than the contract allows its writes locally (thumbnails 5 s...), measured
   * from the start of their check. Search is measured per write instead, and a late one is a problem (`late:`).
   */
  slow: string[];
}

/** The contract's local bounds (docs/API.md): how soon a write shows in each asynchronous read model, seconds. */
export const contractBounds = { thumbnails: 5, search: 5, 'inbox and push': 5, analytics: 10 } as const satisfies Record<string, number>;

/** A note search does not show yet is searched again this often, ms. */
const searchPollMs = 1000;
/**
 * What the check's own polling adds to a search lag it measures, seconds: the poll interval, and the search request
 * itself on a machine still busy (p95 of search under the full load profile is under 1 s once the index keeps up).
 */
export const searchGraceSeconds = 2;

export interface CheckOptions {
  /** How long each asynchronous read model may go without progress before what it misses is lost, ms (default 120000). */
  deadlineMs?: number;
  log?: (line: string) => void;
}

interface Answer<T> {
  status: number;
  body: T;
}

async function get<T>(path: string, token: string): Promise<Answer<T>> {
  const base = process.env.API_BASE_URL;
  if (!base) throw new Error('API_BASE_URL is not set');
  for (let attempt = 0; ; attempt += 1) {
    try {
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
      const text = await response.text();
      if (response.status >= 500 && attempt < 5) {
        await sleep(1000);
        continue;
      }
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(1000);
    }
  }
}

async function allPages<T>(path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  const separator = path.includes('?') ? '&' : '?';
  do {
    const res: Answer<{ items: T[]; nextCursor: string | null }> = await get(`${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function forEach<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** A finding: `lost` or `duplicated` counts, or neither (`late`: a write that showed after its bound; another problem). */
interface Finding {
  kind: 'lost' | 'duplicated' | 'late' | 'other';
  text: string;
  /** How many writes the finding is about (default 1). */
  count?: number;
}

/**
 * Runs `round` until it finds nothing or the deadline passes; returns the last round's findings and the seconds
 * until the clean round started. A round returns what is still wrong; only findings of the last round count.
 */
async function settle(deadlineMs: number, round: () => Promise<Finding[]>): Promise<{ findings: Finding[]; seconds: number }> {
  const started = Date.now();
  // The seconds until the start of the round that found nothing: a long round (a thousand searches on a busy
  // machine) does not count as the pipeline's delay.
  // A read model still catching up (fewer findings than the round before) gets another deadline, up to five in all:
  // a backlog that drains slowly is slow, not lost; one that stops draining is reported after one deadline.
  let roundStarted = started;
  let progressAt = started;
  let findings = await round();
  while (findings.length > 0 && Date.now() - progressAt < deadlineMs && Date.now() - started < 5 * deadlineMs) {
    await sleep(1500);
    roundStarted = Date.now();
    const before = findings.length;
    findings = await round();
    if (findings.length < before) progressAt = roundStarted;
  }
  return { findings, seconds: Math.round(((findings.length === 0 ? roundStarted : Date.now()) - started) / 100) / 10 };
}

interface NoteView {
  id: string;
  title: string;
  version: number;
  photo: { key: string; status: string } | null;
}

const expectedLive = (note: LedgerNote) => note.created === 'yes' && note.deleted === 'no';
const expectedGone = (note: LedgerNote) => note.deleted === 'yes';

/** The note as a read model shows it, judged against the ledger. */
function judgeNote(where: string, note: LedgerNote, shown: NoteView[]): Finding[] {
  if (shown.length > 1) return [{ kind: 'duplicated', text: `${where}: note ${note.id} shown ${shown.length} times` }];
  const [view] = shown;
  if (!view) return expectedLive(note) ? [{ kind: 'lost', text: `${where}: acknowledged note ${note.id} missing` }] : [];
  if (expectedGone(note)) return [{ kind: 'lost', text: `${where}: note ${note.id} still there after an acknowledged delete` }];
  if (note.created === 'yes' && !note.titles.includes(view.title)) return [{ kind: 'lost', text: `${where}: note ${note.id} has title "${view.title}", not the acknowledged ${JSON.stringify(note.titles)}` }];
  return [];
}

export async function checkWorkload(report: WorkloadReport, options: CheckOptions = {}): Promise<WorkloadCheck> {
  const deadlineMs = options.deadlineMs ?? 120_000;
  const log = options.log ?? (() => undefined);
  const { ledger, users } = report;
  const all: Finding[] = [];
  const settleSeconds: Record<string, number> = {};
  const notesOf = (user: WorkloadUser) => ledger.notes.filter((note) => note.ownerIndex === user.index);
  const section = async (name: string, round: () => Promise<Finding[]>) => {
    const result = await settle(deadlineMs, round);
    settleSeconds[name] = result.seconds;
    log(`check ${name}: ${result.findings.length === 0 ? 'ok' : `${result.findings.length} finding(s)`} after ${result.seconds} s`);
    all.push(...result.findings.map((finding) => ({ ...finding, text: `${name}: ${finding.text}` })));
  };

  // Search first, so its first look comes right after the load stopped: each live note found by its marker word
  // exactly once, each deleted note no more, and each within the contract's bound. A note the index does not show yet is searched again every second on its own (not after a
  // round over every note, which on a busy machine takes longer than the bound), so the moment it shows is known to
  // within the poll. A miss at t seconds after the load stopped proves the write was not searchable t seconds after
  // it was acknowledged (every write was acknowledged before the stop); a write still missing later than the bound
  // plus searchGraceSeconds is late, which fails the check like a lost one.
  const searched = ledger.notes.filter((note) => expectedLive(note) || expectedGone(note));
  const stoppedAt = Date.parse(report.stoppedAt);
  const searchStarted = Date.now();
  let searchProgressAt = searchStarted;
  let searchLagSeconds = 0;
  const searchFindings: Finding[] = [];
  await forEach(searched, 6, async (note) => {
    const owner = users[note.ownerIndex] as WorkloadUser;
    for (let attempt = 0; ; attempt += 1) {
      const askedAt = Date.now();
      const res = await get<{ items: Array<{ id: string }> }>(`/search?q=${note.marker}&limit=20`, owner.accessToken);
      const hits = res.status === 200 ? res.body.items.filter((item) => item.id === note.id).length : -1;
      let finding: Finding | undefined;
      if (hits === -1) finding = { kind: 'other', text: `GET /search answered ${res.status}` };
      else if (hits > 1) finding = { kind: 'duplicated', text: `note ${note.id} found ${hits} times` };
      else if (expectedLive(note) && hits === 0) finding = { kind: 'lost', text: `acknowledged note ${note.id} not found by "${note.marker}"` };
      else if (expectedGone(note) && hits === 1) finding = { kind: 'lost', text: `deleted note ${note.id} still found by "${note.marker}"` };
      if (!finding) {
        if (attempt > 0) {
          searchProgressAt = askedAt;
          searchLagSeconds = Math.max(searchLagSeconds, (askedAt - stoppedAt) / 1000);
        }
        return;
      }
      const now = Date.now();
      if (now - searchProgressAt >= deadlineMs || now - searchStarted >= 5 * deadlineMs) {
        searchFindings.push(finding);
        return;
      }
      await sleep(searchPollMs);
    }
  });
  settleSeconds.search = Math.round(searchLagSeconds * 10) / 10;
  if (searchLagSeconds > contractBounds.search + searchGraceSeconds) {
    searchFindings.push({ kind: 'late', text: `a write showed only ${settleSeconds.search} s after the load stopped (bound ${contractBounds.search} s + ${searchGraceSeconds} s for the check's polling)` });
  }
  log(`check search: ${searchFindings.length === 0 ? 'ok' : `${searchFindings.length} finding(s)`}, last write searchable ${settleSeconds.search} s after the load stopped`);
  all.push(...searchFindings.map((finding) => ({ ...finding, text: `search: ${finding.text}` })));

  // Uploads: every photo whose bytes were stored reaches ready or failed.
  const uploads = ledger.uploads.filter((upload) => upload.put === 'yes');
  await section('thumbnails', async () => {
    const findings: Finding[] = [];
    await forEach(uploads, 6, async (upload) => {
      const owner = users[upload.ownerIndex] as WorkloadUser;
      const res = await get<{ status: string }>(`/media/${upload.key}`, owner.accessToken);
      if (res.status !== 200) findings.push({ kind: 'lost', text: `GET /media/${upload.key} answered ${res.status}` });
      else if (res.body.status !== 'ready' && res.body.status !== 'failed') findings.push({ kind: 'lost', text: `upload ${upload.key} still ${res.body.status}` });
    });
    return findings;
  });

  // /notes: each user's own notes, each once, with an acknowledged title; photos no longer pending.
  await section('/notes', async () => {
    const findings: Finding[] = [];
    await forEach(users, 4, async (user) => {
      const listed = await allPages<NoteView>('/notes?scope=own', user.accessToken);
      const byId = new Map<string, NoteView[]>();
      for (const view of listed) byId.set(view.id, [...(byId.get(view.id) ?? []), view]);
      const known = new Set(notesOf(user).map((note) => note.id));
      for (const note of notesOf(user)) {
        const shown = byId.get(note.id) ?? [];
        findings.push(...judgeNote(`user ${user.index}`, note, shown));
        const photo = shown[0]?.photo;
        const upload = note.photoKey ? ledger.uploads.find((candidate) => candidate.key === note.photoKey) : undefined;
        if (photo && upload?.put === 'yes' && photo.status === 'pending') findings.push({ kind: 'lost', text: `note ${note.id}: photo still pending` });
      }
      for (const id of byId.keys()) if (!known.has(id)) findings.push({ kind: 'duplicated', text: `user ${user.index}: note ${id} that the workload never created` });
    });
    return findings;
  });

  // /sync from the start: every acknowledged note as its latest upsert, every acknowledged delete as a delete.
  await section('/sync', async () => {
    const findings: Finding[] = [];
    await forEach(users, 4, async (user) => {
      const state = new Map<string, NoteView | null>();
      let cursor: string | null = null;
      for (let page = 0; page < 1000; page += 1) {
        const res: Answer<{ changes: Array<{ op: 'upsert'; note: NoteView } | { op: 'delete'; id: string }>; cursor: string; hasMore: boolean }> = await get(`/sync${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, user.accessToken);
        if (res.status !== 200) throw new Error(`GET /sync answered ${res.status}`);
        for (const change of res.body.changes) {
          if (change.op === 'upsert') state.set(change.note.id, change.note);
          else state.set(change.id, null);
        }
        cursor = res.body.cursor;
        if (!res.body.hasMore) break;
      }
      for (const note of notesOf(user)) {
        const view = state.get(note.id);
        findings.push(...judgeNote(`user ${user.index}`, note, view ? [view] : []));
      }
    });
    return findings;
  });

  // Inbox and push: one note.shared per shared note and recipient, one media.ready/failed per stored upload, and
  // one push per device for each of them.
  await section('inbox and push', async () => {
    const findings: Finding[] = [];
    await forEach(users, 4, async (user) => {
      const inbox = await allPages<{ id: string; type: string; data: Record<string, string> }>('/notifications', user.accessToken);
      const pushes = await allPages<{ deviceId: string; data: Record<string, string> }>('/dev/push-outbox', user.accessToken);
      const expected: Array<{ what: string; landed: 'yes' | 'maybe'; match: (item: { type: string; data: Record<string, string> }) => boolean }> = [
        ...ledger.shares.filter((share) => share.recipient === user.userId).map((share) => ({ what: `note.shared ${share.noteId}`, landed: share.landed, match: (item: { type: string; data: Record<string, string> }) => item.type === 'note.shared' && item.data.noteId === share.noteId })),
        ...ledger.uploads
          .filter((upload) => upload.ownerIndex === user.index)
          .map((upload) => ({ what: `media ${upload.key}`, landed: upload.put, match: (item: { type: string; data: Record<string, string> }) => item.type.startsWith('media.') && item.data.key === upload.key })),
      ];
      const accounted = new Set<string>();
      for (const expectation of expected) {
        const items = inbox.filter(expectation.match);
        for (const item of items) accounted.add(item.id);
        if (items.length > 1) findings.push({ kind: 'duplicated', text: `user ${user.index}: ${expectation.what} in the inbox ${items.length} times` });
        if (items.length === 0 && expectation.landed === 'yes') findings.push({ kind: 'lost', text: `user ${user.index}: ${expectation.what} not in the inbox` });
        for (const item of items) {
          for (const device of user.devices) {
            const sent = pushes.filter((push) => push.deviceId === device.deviceId && push.data.notificationId === item.id).length;
            if (sent > 1) findings.push({ kind: 'duplicated', text: `user ${user.index}: ${expectation.what} pushed ${sent} times to device ${device.deviceId}` });
            if (sent === 0) findings.push({ kind: 'lost', text: `user ${user.index}: ${expectation.what} not pushed to device ${device.deviceId}` });
          }
        }
      }
      for (const item of inbox) if (!accounted.has(item.id)) findings.push({ kind: 'duplicated', text: `user ${user.index}: unexpected ${item.type} ${JSON.stringify(item.data)}` });
    });
    return findings;
  });

  // Telemetry: every reading published with QoS 1 and acknowledged stored once per metric.
  const readingsByThing = new Map<string, typeof ledger.readings>();
  for (const reading of ledger.readings) readingsByThing.set(reading.thingId, [...(readingsByThing.get(reading.thingId) ?? []), reading]);
  await section('telemetry', async () => {
    const findings: Finding[] = [];
    await forEach(report.things, 6, async (thing) => {
      const owner = report.thingOwners[thing.owner] as TestUser;
      const readings = readingsByThing.get(thing.thingId) ?? [];
      if (readings.length === 0) return;
      const from = new Date(Math.min(...readings.map((reading) => reading.ts))).toISOString();
      const to = new Date(Math.max(...readings.map((reading) => reading.ts)) + 1).toISOString();
      for (const metric of [...new Set(readings.flatMap((reading) => reading.metrics))]) {
        const items = await allTelemetry(thing.thingId, metric, from, to, owner.accessToken);
        const counts = new Map<number, number>();
        for (const item of items) counts.set(Date.parse(item.at), (counts.get(Date.parse(item.at)) ?? 0) + 1);
        for (const reading of readings.filter((candidate) => candidate.metrics.includes(metric))) {
          const stored = counts.get(reading.ts) ?? 0;
          if (stored > 1) findings.push({ kind: 'duplicated', text: `thing ${thing.thingId} ${metric} at ${reading.ts} stored ${stored} times` });
          if (stored === 0 && reading.landed === 'yes') findings.push({ kind: 'lost', text: `thing ${thing.thingId} ${metric} at ${reading.ts} (acknowledged) not stored` });
        }
      }
    });
    return findings;
  });

  // Analytics: the run's event type counted once per accepted event id.
  const acknowledged = ledger.events.filter((event) => event.landed === 'yes').length;
  const possible = ledger.events.length;
  const days = [...new Set([report.startedAt, report.stoppedAt].map((at) => at.slice(0, 10)))].sort();
  await section('analytics', async () => {
    if (possible === 0) return [];
    const res = await get<{ days: Array<{ count: number }> }>(`/analytics/events/${encodeURIComponent(report.analyticsType)}?from=${days[0]}&to=${days[days.length - 1]}`, report.admin.accessToken);
    if (res.status !== 200) return [{ kind: 'other', text: `GET /analytics/events answered ${res.status}` }];
    const counted = res.body.days.reduce((sum, day) => sum + day.count, 0);
    if (counted < acknowledged) return [{ kind: 'lost', text: `${counted} events counted, ${acknowledged} accepted`, count: acknowledged - counted }];
    if (counted > possible) return [{ kind: 'duplicated', text: `${counted} events counted, at most ${possible} distinct sent`, count: counted - possible }];
    return [];
  });

  const count = (kind: Finding['kind']) => all.filter((finding) => finding.kind === kind).reduce((sum, finding) => sum + (finding.count ?? 1), 0);
  const writesChecked =
    ledger.notes.filter((note) => note.created === 'yes').length +
    ledger.shares.filter((share) => share.landed === 'yes').length +
    uploads.length +
    ledger.readings.filter((reading) => reading.landed === 'yes').length +
    acknowledged;
  return { writesChecked, lost: count('lost'), duplicated: count('duplicated'), problems: all.slice(0, 200).map((finding) => `${finding.kind}: ${finding.text}`),
    settleSeconds,
    slow: Object.entries(contractBounds)
      .filter(([name]) => name !== 'search')
      .filter(([name, bound]) => (settleSeconds[name] ?? 0) > bound)
      .map(([name, bound]) => `${name} agreed ${settleSeconds[name]} s after the load stopped (contract: ${bound} s)`),
  };
}

async function allTelemetry(thingId: string, metric: string, from: string, to: string, token: string): Promise<Array<{ at: string; value: number }>> {
  const items: Array<{ at: string; value: number }> = [];
  let cursor: string | null = null;
  do {
    const res: Answer<{ items: Array<{ at: string; value: number }>; nextCursor: string | null }> = await get(
      `/things/${thingId}/telemetry?metric=${metric}&resolution=raw&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      token,
    );
    if (res.status !== 200) throw new Error(`GET /things/${thingId}/telemetry answered ${res.status}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}
