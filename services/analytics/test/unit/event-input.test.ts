import * as z from 'zod/mini';
import { eventLimits, ingestEnvelope, judgeEvent, judgeEvents } from '../../src/domain/event-input';

const receivedAt = Date.parse('2026-11-30T12:00:00.000Z');
const good = { id: '0f5b8f5e-8d2a-4c3b-9d0e-1a2b3c4d5e6f', type: 'photo_taken', at: '2026-11-30T11:59:00Z' };

function reasonOf(event: Record<string, unknown>): string | null {
  const judged = judgeEvent(event, receivedAt);
  return judged.ok ? null : judged.reason;
}

describe('judgeEvent', () => {
  test('a good event is kept, normalised: at in UTC with milliseconds, ids lower-case, empty maps', () => {
    // Act
    const judged = judgeEvent({ ...good, id: good.id.toUpperCase(), at: '2026-11-30T12:59:00+01:00', extra: 'ignored' }, receivedAt);

    // Assess
    expect(judged).toEqual({ ok: true, event: { id: good.id, type: 'photo_taken', at: '2026-11-30T11:59:00.000Z', sessionId: null, attributes: {}, metrics: {} } });
  });

  test.each([
    ['a missing id', { ...good, id: undefined }, 'id must be a UUID'],
    ['an id that is not a UUID', { ...good, id: 'abc' }, 'id must be a UUID'],
    ['an over-long type', { ...good, type: 'x'.repeat(65) }, 'type must be 1 to 64'],
    ['a type with a space', { ...good, type: 'photo taken' }, 'type must be 1 to 64'],
    ['a server. type', { ...good, type: 'server.note.created' }, 'reserved for the backend'],
    ['an unknown _ type', { ...good, type: '_purchase' }, 'the only types starting with "_"'],
    ['at without a zone', { ...good, at: '2026-11-30T11:59:00' }, 'ISO-8601'],
    ['at as a number', { ...good, at: 1764503940000 }, 'ISO-8601'],
    ['at in 1970', { ...good, at: '1970-01-01T00:00:00Z' }, 'more than 30 days old'],
    ['at in 2099', { ...good, at: '2099-01-01T00:00:00Z' }, 'more than 24 h ahead'],
    ['at 31 days ago', { ...good, at: '2026-10-30T11:59:00Z' }, 'more than 30 days old'],
    ['an impossible date', { ...good, at: '2026-02-30T11:59:00Z' }, 'ISO-8601'],
    ['November 31 (Date.parse would make it December 1)', { ...good, at: '2026-11-31T11:59:00Z' }, 'ISO-8601'],
    ['hour 24', { ...good, at: '2026-11-30T24:00:00Z' }, 'ISO-8601'],
    ['second 60', { ...good, at: '2026-11-30T11:59:60Z' }, 'ISO-8601'],
    ['month 13', { ...good, at: '2026-13-01T11:59:00Z' }, 'ISO-8601'],
    ['a zone of +25:00', { ...good, at: '2026-11-30T11:59:00+25:00' }, 'ISO-8601'],
    ['a sessionId that is not a UUID', { ...good, sessionId: 'session-1' }, 'sessionId must be a UUID'],
    ['attributes as an array', { ...good, attributes: ['a'] }, 'attributes must be an object'],
    ['41 attributes', { ...good, attributes: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`k${i}`, 'v'])) }, 'at most 40 attributes'],
    ['1000 attributes', { ...good, attributes: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'v'])) }, 'at most 40 attributes'],
    ['an attribute key with a space', { ...good, attributes: { 'a b': 'v' } }, 'attribute key "a b"'],
    ['a __proto__ attribute key', { ...good, attributes: JSON.parse('{"__proto__": "v"}') as Record<string, unknown> }, 'attribute key "__proto__"'],
    ['a number attribute value', { ...good, attributes: { plan: 3 } }, 'attribute "plan" must be a string'],
    ['a 201-character attribute value', { ...good, attributes: { note: 'é'.repeat(201) } }, 'at most 200 characters'],
    ['an e-mail address in an attribute', { ...good, attributes: { contact: 'ada@example.com' } }, 'looks like an e-mail address'],
    ['an e-mail address inside a longer value', { ...good, attributes: { q: 'mail Ada.Lovelace+x@mail.example.org now' } }, 'looks like an e-mail address'],
    ['41 metrics', { ...good, metrics: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`m${i}`, i])) }, 'at most 40 metrics'],
    ['a NaN metric (as a string)', { ...good, metrics: { ms: 'NaN' } }, 'metric "ms" must be a finite number'],
    ['an infinite metric (1e999 in JSON)', { ...good, metrics: JSON.parse('{"ms": 1e999}') as Record<string, unknown> }, 'metric "ms" must be a finite number'],
    ['a null metric', { ...good, metrics: { ms: null } }, 'metric "ms" must be a finite number'],
  ])('%s is rejected with a reason', (_, event, reason) => {
    // Act
    const judged = reasonOf(event);

    // Assess
    expect(judged).toContain(reason);
  });

  test('the limits themselves are kept: 40 attributes of 200 characters, 40 metrics, a 64-character type, the standard types, 24 h ahead, 30 days old', () => {
    // Prepare
    const attributes = Object.fromEntries(Array.from({ length: eventLimits.attributes }, (_, i) => [`k${i}`.padEnd(50, 'x'), 'v'.repeat(200)]));
    const metrics = Object.fromEntries(Array.from({ length: eventLimits.metrics }, (_, i) => [`m${i}`, -i * 1.5]));

    // Act
    const judged = [
      judgeEvent({ ...good, type: 't'.repeat(64), attributes, metrics }, receivedAt),
      ...['_session.start', '_session.stop', '_screen.view'].map((type) => judgeEvent({ ...good, type }, receivedAt)),
      judgeEvent({ ...good, at: new Date(receivedAt + eventLimits.aheadMs).toISOString() }, receivedAt),
      judgeEvent({ ...good, at: new Date(receivedAt - eventLimits.maxAgeMs).toISOString() }, receivedAt),
    ];

    // Assess
    expect(judged.map((item) => item.ok)).toEqual([true, true, true, true, true, true]);
  });
});

describe('judgeEvents', () => {
  test('bad events are rejected by index, the others kept in order', () => {
    // Act
    const judged = judgeEvents([good, { ...good, type: '' }, { ...good, id: '1f5b8f5e-8d2a-4c3b-9d0e-1a2b3c4d5e6f' }, { ...good, at: 'yesterday' }], receivedAt);

    // Assess
    expect(judged.accepted.map((event) => event.id)).toEqual([good.id, '1f5b8f5e-8d2a-4c3b-9d0e-1a2b3c4d5e6f']);
    expect(judged.rejected.map((item) => item.index)).toEqual([1, 3]);
  });
});

describe('ingestEnvelope', () => {
  const envelope = { installId: '6f1c1c8e-3c55-4bb6-9a43-2a7d0c1e5a10', events: [good] };

  test.each([
    ['no installId', { events: [good] }],
    ['an installId that is not a UUID', { ...envelope, installId: 'install-1' }],
    ['a bad platform', { ...envelope, platform: 'windows' }],
    ['an empty appVersion', { ...envelope, appVersion: '' }],
    ['an appVersion with a newline', { ...envelope, appVersion: '1.0\n' }],
    ['events not an array', { ...envelope, events: good }],
    ['no events', { ...envelope, events: [] }],
    ['101 events', { ...envelope, events: Array.from({ length: 101 }, () => good) }],
    ['an event that is not an object', { ...envelope, events: [good, 'click'] }],
    ['a null event', { ...envelope, events: [null] }],
  ])('%s is a 400 for the whole batch', (_, body) => {
    // Act
    const parsed = z.safeParse(ingestEnvelope, body);

    // Assess
    expect(parsed.success).toBe(false);
  });

  test('a valid envelope with 100 events of any content parses', () => {
    // Act
    const parsed = z.safeParse(ingestEnvelope, { ...envelope, platform: 'android', appVersion: '2.4.0 (318)', events: Array.from({ length: 100 }, () => ({ anything: true })) });

    // Assess
    expect(parsed.success).toBe(true);
  });
});
