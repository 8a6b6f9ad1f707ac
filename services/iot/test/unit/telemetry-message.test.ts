import { defaultRetention } from '../../src/domain/resolutions';
import { parseTelemetryMessage } from '../../src/domain/telemetry-message';

const receivedAt = Date.parse('2026-11-28T09:00:00.000Z');
const context = { receivedAt, retention: defaultRetention };
const parse = (payload: unknown) => parseTelemetryMessage(typeof payload === 'string' ? payload : JSON.stringify(payload), context);
const metrics = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`m${index}`, index]));
const hour = 3_600_000;
const day = 24 * hour;

describe('parseTelemetryMessage', () => {
  it('reads an ISO ts, with or without an offset', () => {
    // Act
    const utc = parse({ ts: '2026-11-28T08:59:00.250Z', metrics: { temp: 21.5 } });
    const offset = parse({ ts: '2026-11-28T09:59:00.250+01:00', metrics: { temp: 21.5 } });

    // Assess
    expect(utc).toEqual({ ok: true, value: { ts: receivedAt - 59_750, metrics: [{ name: 'temp', value: 21.5 }] } });
    expect(offset).toEqual(utc);
  });

  it('reads epoch milliseconds, cutting a fraction, and defaults ts to the arrival', () => {
    // Act
    const epoch = parse({ ts: receivedAt - 1000.9, metrics: { temp: 1 } });
    const missing = parse({ metrics: { temp: 1 } });

    // Assess
    expect(epoch).toMatchObject({ ok: true, value: { ts: receivedAt - 1001 } });
    expect(missing).toMatchObject({ ok: true, value: { ts: receivedAt } });
  });

  it('accepts bytes, 20 metrics, names of every allowed character and extra top-level fields', () => {
    // Act
    const many = parseTelemetryMessage(Buffer.from(JSON.stringify({ seq: 7, metrics: metrics(20) })), context);
    const names = parse({ metrics: { 'a.b_c9': 1, ['x'.repeat(40)]: 2, __proto__x: 3 } });

    // Assess
    expect(many.ok && many.value.metrics).toHaveLength(20);
    expect(names.ok && names.value.metrics.map((metric) => metric.name)).toEqual(['a.b_c9', 'x'.repeat(40), '__proto__x']);
  });

  it('keeps a metric named "__proto__" as an ordinary metric', () => {
    // Act
    const result = parse('{"metrics":{"__proto__":5,"temp":1}}');

    // Assess
    expect(result).toEqual({ ok: true, value: { ts: receivedAt, metrics: [{ name: '__proto__', value: 5 }, { name: 'temp', value: 1 }] } });
  });

  it('accepts a reading exactly 24 h ahead and exactly at the retention edge', () => {
    // Act
    const ahead = parse({ ts: receivedAt + day, metrics: { temp: 1 } });
    const oldest = parse({ ts: receivedAt - 30 * day, metrics: { temp: 1 } });

    // Assess
    expect([ahead.ok, oldest.ok]).toEqual([true, true]);
  });

  it.each([
    ['not JSON', 'temp=21', 'not_json'],
    ['NaN as a literal', '{"metrics":{"temp":NaN}}', 'not_json'],
    ['Infinity as a literal', '{"metrics":{"temp":Infinity}}', 'not_json'],
    ['a number too large for a double', '{"metrics":{"temp":1e999}}', 'malformed'],
    ['a value too small for DynamoDB', { metrics: { temp: 5e-324 } }, 'malformed'],
    ['a value too large for DynamoDB', { metrics: { temp: 1e200 } }, 'malformed'],
    ['a string metric', { metrics: { temp: '21' } }, 'malformed'],
    ['a null metric', { metrics: { temp: null } }, 'malformed'],
    ['a nested metric', { metrics: { temp: { c: 1 } } }, 'malformed'],
    ['no metrics', { metrics: {} }, 'malformed'],
    ['metrics missing', { ts: receivedAt }, 'malformed'],
    ['metrics as an array', { metrics: [1] }, 'malformed'],
    ['21 metrics', { metrics: metrics(21) }, 'malformed'],
    ['500 metrics', { metrics: metrics(500) }, 'malformed'],
    ['an upper-case name', { metrics: { Temp: 1 } }, 'malformed'],
    ['a 41-character name', { metrics: { ['x'.repeat(41)]: 1 } }, 'malformed'],
    ['a name with a dash', { metrics: { 'temp-c': 1 } }, 'malformed'],
    ['a ts that is not ISO', { ts: 'yesterday', metrics: { temp: 1 } }, 'malformed'],
    ['a negative ts', { ts: -1, metrics: { temp: 1 } }, 'malformed'],
    ['a ts as a boolean', { ts: true, metrics: { temp: 1 } }, 'malformed'],
    ['an array', [{ metrics: { temp: 1 } }], 'malformed'],
    ['more than 24 h ahead', { ts: receivedAt + day + 1, metrics: { temp: 1 } }, 'too_far_in_future'],
    ['far in the future', { ts: 1e20, metrics: { temp: 1 } }, 'too_far_in_future'],
    ['older than the retention', { ts: receivedAt - 30 * day - 1, metrics: { temp: 1 } }, 'too_old'],
    ['epoch seconds by mistake', { ts: Math.floor(receivedAt / 1000), metrics: { temp: 1 } }, 'too_old'],
    ['16 KB and one byte', `{"metrics":{"temp":1},"pad":"${'x'.repeat(16 * 1024 - 30)}"}`, 'too_large'],
    ['1 MB', 'x'.repeat(1024 * 1024), 'too_large'],
  ])('drops %s', (_case, payload, reason) => {
    // Act
    const result = parse(payload);

    // Assess
    expect(result).toMatchObject({ ok: false, reason });
  });

  it('accepts a payload of exactly 16 KB', () => {
    // Prepare
    const payload = `{"metrics":{"temp":1},"pad":"${'x'.repeat(16 * 1024 - 31)}"}`;

    // Act
    const result = parse(payload);

    // Assess
    expect(Buffer.byteLength(payload)).toBe(16 * 1024);
    expect(result.ok).toBe(true);
  });
});
