// thing-events: thing.state and thing.telemetry, what each accepts and refuses, and their event ids.
import { parseEvent } from '../../src/contracts/event';
import type { EventPayload } from '../../src/contracts/event';
import { thingAlert, thingState, thingStateEventId, thingTelemetry, thingTelemetryEventId } from '../../src/contracts/thing-events';

function message(type: string, data: unknown): string {
  return JSON.stringify({ id: 'e1', type, version: 1, source: 'iot', occurredAt: '2026-11-30T09:00:00.000Z', correlationId: 'req-12345678', data });
}

const thingId = '00000000-0000-4000-8000-000000000001';

const updated = {
  change: 'updated',
  thingId,
  ownerId: 'alice',
  revision: 3,
  online: true,
  state: { reported: { temp: 21 }, desired: { temp: 22 }, delta: { temp: 22 }, version: 2 },
} satisfies EventPayload<typeof thingState>;

describe('thing.state v1', () => {
  it('reads a created or updated picture of the thing, and a deletion that names only the thing', () => {
    // Act
    const results = [
      parseEvent(thingState, message('thing.state', updated)),
      parseEvent(thingState, message('thing.state', { ...updated, change: 'created', revision: 0, online: false, state: { reported: {}, desired: {}, delta: {}, version: 0 } })),
      parseEvent(thingState, message('thing.state', { change: 'deleted', thingId })),
    ];

    // Assess
    expect(results.map((result) => result.kind)).toEqual(['parsed', 'parsed', 'parsed']);
    expect(results[0]).toMatchObject({ value: { data: updated } });
  });

  it('keeps a state key named "__proto__" as an ordinary key', () => {
    // Prepare: iot accepts any key in a state document.
    const text = message('thing.state', updated).replace('"reported":{"temp":21}', '"reported":{"__proto__":{"x":1},"temp":21}');

    // Act
    const result = parseEvent(thingState, text);

    // Assess
    expect(result.kind).toBe('parsed');
    const reported = result.kind === 'parsed' && result.value.data.change !== 'deleted' ? result.value.data.state.reported : {};
    expect(Object.keys(reported)).toEqual(['__proto__', 'temp']);
  });

  it.each([
    ['an update without its owner', { ...updated, ownerId: undefined }, 'ownerId'],
    ['an owner id that could widen a key', { ...updated, ownerId: 'a/b' }, 'ownerId'],
    ['a negative revision', { ...updated, revision: -1 }, 'revision'],
    ['a fractional revision', { ...updated, revision: 1.5 }, 'revision'],
    ['a state document that is a list', { ...updated, state: { ...updated.state, reported: [1] } }, 'reported'],
    ['an unknown kind of change', { ...updated, change: 'renamed' }, 'change'],
    ['online missing', { ...updated, online: undefined }, 'online'],
  ])('refuses %s, naming the field', (_case, data, field) => {
    // Act
    const result = parseEvent(thingState, message('thing.state', data));

    // Assess
    expect(result).toMatchObject({ kind: 'invalid', issues: [expect.stringContaining(field)] });
  });

  it('is foreign to the thing.alert consumer, and thing.alert to it (one topic carries all three)', () => {
    // Act
    const results = [parseEvent(thingAlert, message('thing.state', updated)), parseEvent(thingState, message('thing.alert', {}))];

    // Assess
    expect(results.map((result) => result.kind)).toEqual(['foreign', 'foreign']);
  });

  it('names a picture by thing and revision, and a deletion by thing alone', () => {
    // Act + Assess
    expect(thingStateEventId(updated)).toBe(`thing.state:${thingId}:3`);
    expect(thingStateEventId({ ...updated, revision: 4 })).not.toBe(thingStateEventId(updated));
    expect(thingStateEventId({ change: 'deleted', thingId })).toBe(`thing.state:${thingId}:deleted`);
  });
});

describe('thing.telemetry v1', () => {
  const telemetry = { thingId, ownerId: 'alice', at: '2026-11-30T08:59:59.000Z', metrics: [{ name: 'temp', value: 21.5 }, { name: '__proto__', value: 1 }] };

  it('reads a message with its time and metrics, in order', () => {
    // Act
    const result = parseEvent(thingTelemetry, message('thing.telemetry', telemetry));

    // Assess
    expect(result).toMatchObject({ kind: 'parsed', value: { data: telemetry } });
  });

  it.each([
    ['no metrics', { ...telemetry, metrics: [] }, 'metrics'],
    ['a value that is not a number', { ...telemetry, metrics: [{ name: 'temp', value: '21' }] }, 'metrics'],
    ['a time that is not ISO-8601', { ...telemetry, at: 'now' }, 'at'],
    ['no owner', { ...telemetry, ownerId: undefined }, 'ownerId'],
  ])('refuses %s, naming the field', (_case, data, field) => {
    // Act
    const result = parseEvent(thingTelemetry, message('thing.telemetry', data));

    // Assess
    expect(result).toMatchObject({ kind: 'invalid', issues: [expect.stringContaining(field)] });
  });

  it('names a message by thing and time', () => {
    // Act + Assess
    expect(thingTelemetryEventId(telemetry)).toBe(`thing.telemetry:${thingId}:2026-11-30T08:59:59.000Z`);
  });
});
