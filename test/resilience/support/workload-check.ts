// The check after a workload: every acknowledged write of the ledger is in every read model it must reach, exactly
// once; a write without a verdict (timeout, 5xx) may be there or not, but never twice. Asynchronous read models
// (search, inbox, push outbox, thumbnails, telemetry, analytics) are polled until they agree or a generous deadline
// passes; what is still missing then is lost, and what showed later than the contract allows is late (both fail).
import type { TestUser } from '../../support/users';
import type { Landed, LedgerEvent, LedgerNote, WorkloadReport, WorkloadUser } from './workload';

export interface WorkloadCheck {
  /** Acknowledged writes checked (notes, shares, uploads, readings, analytics events). */
  writesChecked: number;
  lost: number;
  duplicated: number;
  /** Each finding, one line (capped per kind). */
  problems: string[];
  /**
   * Seconds after the load stopped (`CheckOptions.since`) at which each read model was seen to agree: 0 when it did
   * on the first look, else when the look that found it complete began (or the deadline, when none did).
   */
  settleSeconds: Record<string, number>;
  /** The bound each asynchronous read model is held to, seconds after the load stopped (`lagBounds`). */
  boundsSeconds: Record<string, number>;
}

/** The contract's local bounds (docs/API.md): how soon a write shows in each asynchronous read model, seconds. */
export const contractBounds = {
  /** "Locally ready within 5 s." (Media and thumbnails) */
  thumbnails: 5,
  /** "Creates, edits and deletes show in results within 5 s locally." (Search) */
  search: 5,
  /** "Locally the notification is in the inbox within 5 s" (Things: alerts); the push goes out with the inbox item. */
  'inbox and push': 5,
  /** "events show up in reads within 10 s locally." (Analytics) */
  analytics: 10,
} as const satisfies Record<string, number>;

/**
 * Telemetry storage has no bound in the contract (only the ingest benchmark's p99 publish→stored ≤ 1 s for 50
 * things). The suite's own: 60 s after the load stopped, generous for the full profile on two cores (its last runs'
 * IoT pipeline stored the last reading 33.5 s and 37.4 s after the stop), so a pipeline that stops draining, not one
 * that drains slowly on a shared machine, fails.
 */
export const telemetryBoundSeconds = 60;

/** Every bound the check holds a read model to, seconds after the load stopped (search: per write, below). */
export const lagBounds: Record<string, number> = {
  thumbnails: contractBounds.thumbnails,
  'inbox and push': contractBounds['inbox and push'],
  telemetry: telemetryBoundSeconds,
  analytics: contractBounds.analytics,
};

/** A note search does not show yet is searched again this often, ms. */
const searchPollMs = 1000;
/**
 * What the check's own polling adds to a search lag it measures, seconds: the poll interval, and the search request
 * itself on a machine still busy (p95 of search under the full load profile is under 1 s once the index keeps up).
 */
export const searchGraceSeconds = 2;

/**
 * The polling grace of the read models looked at in rounds over every user (thumbnails, inbox and push, telemetry,
 * analytics), seconds: the 2 s search gets, so both are held alike. A round proves a write missing only from the
 * moment it began (its requests reach the read model later still), which already errs on the read model's side.
 */
export const roundGraceSeconds = 2;

export interface CheckOptions {
  /** How long each asynchronous read model may go without progress before what it misses is lost, ms (default 120000). */
  deadlineMs?: number;
  /**
   * From when the read models' bounds count (epoch ms; default: the load's stop). The fault drills pass the end of
   * their `npm run redrive`: what was dead-lettered during an outage is delivered only by it (search keeps the
   * load's stop: its lag is measured per write from there).
   */
  since?: number;
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
export interface Finding {
  kind: 'lost' | 'duplicated' | 'late' | 'other';
  text: string;
  /** How many writes the finding is about (default 1). */
  count?: number;
}

/** What one look at a read model found, and when it began (epoch ms). */
export interface Round {
  at: number;
  findings: Finding[];
}

/**
 * Runs `round` until it finds nothing or the deadline passes; returns every round (only the last one's findings
 * count). A read model still catching up (fewer findings than the round before) gets another deadline, up to five
 * in all: a backlog that drains slowly is slow (and late, judgeLag), not lost; one that stops draining is reported
 * after one deadline.
 */
async function settle(deadlineMs: number, round: () => Promise<Finding[]>): Promise<Round[]> {
  const started = Date.now();
  const rounds: Round[] = [{ at: started, findings: await round() }];
  let progressAt = started;
  for (let last = rounds[0] as Round; last.findings.length > 0 && Date.now() - progressAt < deadlineMs && Date.now() - started < 5 * deadlineMs; ) {
    await sleep(1500);
    const next: Round = { at: Date.now(), findings: await round() };
    if (next.findings.length < last.findings.length) progressAt = next.at;
    rounds.push(next);
    last = next;
  }
  return rounds;
}

/**
 * A read model's lag from `since` (the load's stop, when every write it must show had been acknowledged), from the
 * rounds that looked at it. A round that found a write missing proves the write was not there when the round began,
 * that long after it was acknowledged: past the bound plus `graceSeconds`, the read model is late, a failure like a
 * lost write. Duplicates and other findings say nothing about lag. The seconds reported: 0 when the first round
 * found nothing missing, else the start of the first round after the last miss (or of the last round, still missing).
 */
export function judgeLag(name: string, since: number, rounds: Round[], boundSeconds: number, graceSeconds: number): { seconds: number; late?: Finding } {
  const misses = rounds.filter((round) => round.findings.some((finding) => finding.kind === 'lost'));
  const lastMiss = misses.at(-1);
  if (!lastMiss) return { seconds: 0 };
  const after = rounds.find((round) => round.at > lastMiss.at) ?? lastMiss;
  const seconds = Math.round(((after.at - since) / 1000) * 10) / 10;
  const provenSeconds = Math.round(((lastMiss.at - since) / 1000) * 10) / 10;
  if (provenSeconds <= boundSeconds + graceSeconds) return { seconds };
  return { seconds, late: { kind: 'late', text: `${name}: a write was still missing ${provenSeconds} s after the load stopped (bound ${boundSeconds} s + ${graceSeconds} s for the check's own looks)` } };
}

export interface NoteView {
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

export type SyncChange = { op: 'upsert'; note: NoteView } | { op: 'delete'; id: string };

/**
 * The caller's /sync feed read from the start, page after page, as one list of changes. The contract keeps one
 * entry per note (the feed is compacted: a note's new entry replaces its old one) and lists them in order, so a
 * note shows more than once only when it changed while the pages were read: each later entry is then a newer
 * version of it (`version` grows with every change) or its delete. Anything else is a change delivered twice: the
 * same version again (or an older one after a newer), or any entry after the note's delete (ids are never reused).
 * Returns each note's final state (null: deleted) and those duplicates.
 */
export function readSyncFeed(changes: SyncChange[]): { state: Map<string, NoteView | null>; duplicates: string[] } {
  const state = new Map<string, NoteView | null>();
  const duplicates: string[] = [];
  for (const change of changes) {
    const id = change.op === 'upsert' ? change.note.id : change.id;
    const before = state.get(id);
    if (before === null) duplicates.push(`/sync lists note ${id} again after its delete (${change.op})`);
    else if (before && change.op === 'upsert' && change.note.version <= before.version) duplicates.push(`/sync lists note ${id} at version ${change.note.version} after version ${before.version}`);
    state.set(id, change.op === 'upsert' ? change.note : null);
  }
  return { state, duplicates };
}

export interface InboxItem {
  id: string;
  type: string;
  data: Record<string, string>;
}

export interface PushItem {
  deviceId: string;
  data: Record<string, string>;
}

export interface ExpectedNotification {
  what: string;
  landed: Landed;
  match: (item: InboxItem) => boolean;
}

/**
 * One user's inbox and push outbox against what the ledger says they must hold: each expected notification in the
 * inbox once (or not at all when its write has no verdict) and pushed once to each of the user's devices; an inbox
 * item nothing expects, and a push of no inbox item or to a device the user never registered, is one too many.
 */
export function judgeInboxAndPush(who: string, deviceIds: string[], expected: ExpectedNotification[], inbox: InboxItem[], pushes: PushItem[]): Finding[] {
  const findings: Finding[] = [];
  const accounted = new Set<string>();
  for (const expectation of expected) {
    const items = inbox.filter(expectation.match);
    for (const item of items) accounted.add(item.id);
    if (items.length > 1) findings.push({ kind: 'duplicated', text: `${who}: ${expectation.what} in the inbox ${items.length} times` });
    if (items.length === 0 && expectation.landed === 'yes') findings.push({ kind: 'lost', text: `${who}: ${expectation.what} not in the inbox` });
    for (const item of items) {
      for (const deviceId of deviceIds) {
        const sent = pushes.filter((push) => push.deviceId === deviceId && push.data.notificationId === item.id).length;
        if (sent > 1) findings.push({ kind: 'duplicated', text: `${who}: ${expectation.what} pushed ${sent} times to device ${deviceId}`, count: sent - 1 });
        if (sent === 0) findings.push({ kind: 'lost', text: `${who}: ${expectation.what} not pushed to device ${deviceId}` });
      }
    }
  }
  for (const item of inbox) if (!accounted.has(item.id)) findings.push({ kind: 'duplicated', text: `${who}: unexpected ${item.type} ${JSON.stringify(item.data)}` });
  const inboxIds = new Set(inbox.map((item) => item.id));
  const devices = new Set(deviceIds);
  for (const push of pushes) {
    const notificationId = push.data.notificationId;
    if (!devices.has(push.deviceId)) findings.push({ kind: 'duplicated', text: `${who}: push to device ${push.deviceId}, which the user never registered (${JSON.stringify(push.data)})` });
    else if (notificationId === undefined || !inboxIds.has(notificationId)) findings.push({ kind: 'duplicated', text: `${who}: push of notification ${notificationId ?? '(none)'}, which is not in the inbox (${JSON.stringify(push.data)})` });
  }
  return findings;
}

/** The attribute each workload event carries its own id in (workload.ts), for `by=` reads of the analytics check. */
export const eventIdAttribute = 'eventId';

/**
 * The run's event type as analytics counts it, against the ledger. Every event acknowledged (202) must be counted
 * and none more than once: with no event of unknown fate the count is exactly the acknowledged ones; otherwise it
 * lies between them and every event sent. `byEventId` (the most counted values of the event-id attribute, largest
 * first) finds a duplicate by id even where the count alone cannot: an id counted more than once, or one the
 * workload never sent.
 */
export function judgeAnalytics(events: LedgerEvent[], counted: number, byEventId: Array<{ value: string; count: number }>): Finding[] {
  const acknowledged = events.filter((event) => event.landed === 'yes').length;
  const possible = events.length;
  const maybe = possible - acknowledged;
  const findings: Finding[] = [];
  if (counted < acknowledged) findings.push({ kind: 'lost', text: `${counted} events counted, ${acknowledged} accepted`, count: acknowledged - counted });
  else if (maybe === 0 && counted > acknowledged) findings.push({ kind: 'duplicated', text: `${counted} events counted, exactly ${acknowledged} accepted (none without a verdict)`, count: counted - acknowledged });
  else if (counted > possible) findings.push({ kind: 'duplicated', text: `${counted} events counted, at most ${possible} distinct sent (${maybe} without a verdict)`, count: counted - possible });
  const sent = new Set(events.map((event) => event.id));
  for (const { value, count } of byEventId) {
    if (!sent.has(value)) findings.push({ kind: 'duplicated', text: `event ${value} counted ${count} time(s), never sent by the workload`, count });
    else if (count > 1) findings.push({ kind: 'duplicated', text: `event ${value} counted ${count} times`, count: count - 1 });
  }
  return findings;
}

export async function checkWorkload(report: WorkloadReport, options: CheckOptions = {}): Promise<WorkloadCheck> {
  const deadlineMs = options.deadlineMs ?? 120_000;
  const log = options.log ?? (() => undefined);
  const { ledger, users } = report;
  const all: Finding[] = [];
  const settleSeconds: Record<string, number> = {};
  const since = Math.max(Date.parse(report.stoppedAt), options.since ?? 0);
  const notesOf = (user: WorkloadUser) => ledger.notes.filter((note) => note.ownerIndex === user.index);
  const section = async (name: string, round: () => Promise<Finding[]>) => {
    const rounds = await settle(deadlineMs, round);
    const findings = [...(rounds.at(-1)?.findings ?? [])];
    const bound = lagBounds[name];
    // /notes and /sync answer from the table itself: no bound of their own (their photo status follows thumbnails).
    const lag = judgeLag(name, since, rounds, bound ?? Number.POSITIVE_INFINITY, roundGraceSeconds);
    if (lag.late) findings.push(lag.late);
    settleSeconds[name] = lag.seconds;
    log(`check ${name}: ${findings.length === 0 ? 'ok' : `${findings.length} finding(s)`}, ${rounds.length} look(s), agreed ${settleSeconds[name]} s after the load stopped${bound === undefined ? '' : ` (bound ${bound} s)`}`);
    all.push(...findings.map((finding) => ({ ...finding, text: `${name}: ${finding.text}` })));
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
  const searchLooks = forEach(searched, 6, async (note) => {
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
  // The read models held to a bound are looked at side by side, each first look right after the load stopped, so
  // a lag shows however long another read model's check takes; /notes and /sync (no bound) come after them.
  const boundedChecks: Array<Promise<void>> = [
    (async () => {
      await searchLooks;
      settleSeconds.search = Math.round(searchLagSeconds * 10) / 10;
      if (searchLagSeconds > contractBounds.search + searchGraceSeconds) {
        searchFindings.push({ kind: 'late', text: `a write showed only ${settleSeconds.search} s after the load stopped (bound ${contractBounds.search} s + ${searchGraceSeconds} s for the check's polling)` });
      }
      log(`check search: ${searchFindings.length === 0 ? 'ok' : `${searchFindings.length} finding(s)`}, last write searchable ${settleSeconds.search} s after the load stopped`);
      all.push(...searchFindings.map((finding) => ({ ...finding, text: `search: ${finding.text}` })));
    })(),
  ];

  // Uploads: every photo whose bytes were stored reaches ready or failed.
  const uploads = ledger.uploads.filter((upload) => upload.put === 'yes');
  boundedChecks.push(section('thumbnails', async () => {
    const findings: Finding[] = [];
    await forEach(uploads, 6, async (upload) => {
      const owner = users[upload.ownerIndex] as WorkloadUser;
      const res = await get<{ status: string }>(`/media/${upload.key}`, owner.accessToken);
      if (res.status !== 200) findings.push({ kind: 'lost', text: `GET /media/${upload.key} answered ${res.status}` });
      else if (res.body.status !== 'ready' && res.body.status !== 'failed') findings.push({ kind: 'lost', text: `upload ${upload.key} still ${res.body.status}` });
    });
    return findings;
  }));

  // Inbox and push: one note.shared per shared note and recipient, one media.ready/failed per stored upload, and
  // one push per device for each of them; nothing else (judgeInboxAndPush).
  boundedChecks.push(section('inbox and push', async () => {
    const findings: Finding[] = [];
    await forEach(users, 4, async (user) => {
      const inbox = await allPages<InboxItem>('/notifications', user.accessToken);
      const pushes = await allPages<PushItem>('/dev/push-outbox', user.accessToken);
      const expected: ExpectedNotification[] = [
        ...ledger.shares.filter((share) => share.recipient === user.userId).map((share) => ({ what: `note.shared ${share.noteId}`, landed: share.landed, match: (item: InboxItem) => item.type === 'note.shared' && item.data.noteId === share.noteId })),
        ...ledger.uploads
          .filter((upload) => upload.ownerIndex === user.index)
          .map((upload) => ({ what: `media ${upload.key}`, landed: upload.put, match: (item: InboxItem) => item.type.startsWith('media.') && item.data.key === upload.key })),
      ];
      findings.push(...judgeInboxAndPush(`user ${user.index}`, user.devices.map((device) => device.deviceId), expected, inbox, pushes));
    });
    return findings;
  }));

  // Telemetry: every reading published with QoS 1 and acknowledged stored once per metric.
  const readingsByThing = new Map<string, typeof ledger.readings>();
  for (const reading of ledger.readings) readingsByThing.set(reading.thingId, [...(readingsByThing.get(reading.thingId) ?? []), reading]);
  boundedChecks.push(section('telemetry', async () => {
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
        const published = readings.filter((candidate) => candidate.metrics.includes(metric));
        const publishedAt = new Set(published.map((reading) => reading.ts));
        for (const at of counts.keys()) if (!publishedAt.has(at)) findings.push({ kind: 'duplicated', text: `thing ${thing.thingId} ${metric} stored at ${at}, when the device published nothing` });
        for (const reading of published) {
          const stored = counts.get(reading.ts) ?? 0;
          if (stored > 1) findings.push({ kind: 'duplicated', text: `thing ${thing.thingId} ${metric} at ${reading.ts} stored ${stored} times` });
          if (stored === 0 && reading.landed === 'yes') findings.push({ kind: 'lost', text: `thing ${thing.thingId} ${metric} at ${reading.ts} (acknowledged) not stored` });
        }
      }
    });
    return findings;
  }));

  // Analytics: the run's event type counted once per accepted event id. Each event carries its own id as an
  // attribute (workload.ts), so `by=eventId` lists the most counted ids first: one counted twice is found by id.
  const acknowledged = ledger.events.filter((event) => event.landed === 'yes').length;
  const days = [...new Set([report.startedAt, report.stoppedAt].map((at) => at.slice(0, 10)))].sort();
  boundedChecks.push(section('analytics', async () => {
    if (ledger.events.length === 0) return [];
    const res = await get<{ days: Array<{ count: number }>; by: Array<{ value: string; count: number }> }>(
      `/analytics/events/${encodeURIComponent(report.analyticsType)}?from=${days[0]}&to=${days[days.length - 1]}&by=${eventIdAttribute}`,
      report.admin.accessToken,
    );
    if (res.status !== 200) return [{ kind: 'other', text: `GET /analytics/events answered ${res.status}` }];
    return judgeAnalytics(ledger.events, res.body.days.reduce((sum, day) => sum + day.count, 0), res.body.by);
  }));

  await Promise.all(boundedChecks);

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

  // /sync from the start: every acknowledged note as its latest upsert, every acknowledged delete as a delete; no
  // change twice (readSyncFeed) and no note the workload never created.
  await section('/sync', async () => {
    const findings: Finding[] = [];
    await forEach(users, 4, async (user) => {
      const changes: SyncChange[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 1000; page += 1) {
        const res: Answer<{ changes: SyncChange[]; cursor: string; hasMore: boolean }> = await get(`/sync${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, user.accessToken);
        if (res.status !== 200) throw new Error(`GET /sync answered ${res.status}`);
        changes.push(...res.body.changes);
        cursor = res.body.cursor;
        if (!res.body.hasMore) break;
      }
      const feed = readSyncFeed(changes);
      for (const note of notesOf(user)) {
        const view = feed.state.get(note.id);
        findings.push(...judgeNote(`user ${user.index}`, note, view ? [view] : []));
      }
      findings.push(...feed.duplicates.map((text) => ({ kind: 'duplicated' as const, text: `user ${user.index}: ${text}` })));
      const known = new Set(notesOf(user).map((note) => note.id));
      for (const id of feed.state.keys()) if (!known.has(id)) findings.push({ kind: 'duplicated', text: `user ${user.index}: note ${id} that the workload never created` });
    });
    return findings;
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
    boundsSeconds: { search: contractBounds.search, ...lagBounds },
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
