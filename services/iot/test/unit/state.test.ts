import { runInNewContext } from 'node:vm';
import type { JsonObject } from '../../src/domain/json-document';
import { isJsonObject } from '../../src/domain/json-document';
import { applyPatch, emptyState, mergeDocument, stateDelta } from '../../src/domain/state';

const json = (text: string) => JSON.parse(text) as JsonObject;

describe('mergeDocument', () => {
  it('merges key by key, recursively; null removes; arrays and scalars replace', () => {
    // Prepare
    const target = { mode: 'heat', schedule: { weekday: { on: '07:00', off: '22:00' }, weekend: 'off' }, zones: [1, 2], eco: true };

    // Act
    const merged = mergeDocument(target, json('{"schedule":{"weekday":{"off":"23:00"},"weekend":null},"zones":[3],"eco":null,"target":21}'));

    // Assess
    expect(merged).toEqual({ mode: 'heat', schedule: { weekday: { on: '07:00', off: '23:00' } }, zones: [3], target: 21 });
    expect(target.schedule.weekday.off).toBe('22:00');
  });

  it('drops nulls nested in a new object and replaces a scalar by an object', () => {
    // Act
    const merged = mergeDocument({ light: 'on' }, json('{"light":{"level":80,"color":null},"fan":{"speed":null}}'));

    // Assess
    expect(merged).toEqual({ light: { level: 80 }, fan: {} });
  });

  it('treats "__proto__" as an ordinary key and pollutes nothing', () => {
    // Act
    const merged = mergeDocument({}, json('{"__proto__":{"polluted":true},"a":1}'));
    const removed = mergeDocument(merged, json('{"__proto__":null}'));

    // Assess
    expect(Object.keys(merged)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(merged)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(removed).toEqual({ a: 1 });
  });
});

describe('isJsonObject', () => {
  it('recognises plain objects from any realm, and nothing else', () => {
    // Act
    const results = [{}, Object.create(null) as object, runInNewContext('({ a: 1 })') as object, structuredClone({ a: 1 }), [], null, new Date(0), 'x'].map(isJsonObject);

    // Assess
    expect(results).toEqual([true, true, true, true, false, false, false, false]);
  });

  it('merges into a stored document that came from another realm', () => {
    // Prepare
    const stored = runInNewContext('({ schedule: { on: "07:00" } })') as JsonObject;

    // Act
    const merged = mergeDocument(stored, { schedule: { off: '22:00' } });

    // Assess
    expect(merged).toEqual({ schedule: { on: '07:00', off: '22:00' } });
  });
});

describe('stateDelta', () => {
  it('lists the desired keys whose value differs from reported, recursively', () => {
    // Act
    const delta = stateDelta(
      { mode: 'heat', target: 21, schedule: { on: '07:00', off: '22:00' }, zones: [1, 2], light: { level: 80 } },
      { mode: 'heat', target: 19, schedule: { on: '07:00', off: '23:00' }, zones: [1, 2], extra: true, light: 'off' },
    );

    // Assess
    expect(delta).toEqual({ target: 21, schedule: { off: '22:00' }, light: { level: 80 } });
  });

  it('is empty when reported matches desired, whatever the key order', () => {
    // Act
    const delta = stateDelta({ a: { x: 1, y: [1, { z: 2 }] }, b: null as never }, { b: null as never, a: { y: [1, { z: 2 }], x: 1 } });

    // Assess
    expect(delta).toEqual({});
  });
});

describe('applyPatch', () => {
  it('increments the one version on a change of either side, not on a no-op', () => {
    // Prepare
    const start = emptyState();

    // Act
    const desired = applyPatch(start, 'desired', { target: 21 });
    const next = desired.kind === 'changed' ? desired.next : start;
    const reported = applyPatch(next, 'reported', { target: 19 });
    const noop = applyPatch(next, 'desired', { target: 21 });

    // Assess
    expect(desired).toEqual({ kind: 'changed', next: { desired: { target: 21 }, reported: {}, version: 1 } });
    expect(reported).toEqual({ kind: 'changed', next: { desired: { target: 21 }, reported: { target: 19 }, version: 2 } });
    expect(noop).toEqual({ kind: 'unchanged' });
  });

  it('refuses a merge whose result would pass 8 KB', () => {
    // Prepare
    const state = { ...emptyState(), desired: { a: 'x'.repeat(5000) } };

    // Act
    const outcome = applyPatch(state, 'desired', { b: 'y'.repeat(5000) });

    // Assess
    expect(outcome).toMatchObject({ kind: 'too_large' });
  });
});
