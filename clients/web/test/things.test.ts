// The things screens' logic: the registration, desired-state and alert-rule forms read as the contract limits
// them, and the readings a chart shows (history, then live messages), its path and its text alternative.
import { addPoints, mergeThings, addReading, chartSummary, describeRule, linePath, parseAttributes, parseDesired, parseRule, parseThingName, pointsOf, withState, type Thing, type ThingDetails } from '../src/things';

describe('the registration form', () => {
  test('reads key=value lines into attributes, skipping blank lines', () => {
    // Act
    const parsed = parseAttributes(' room = kitchen \n\nfloor=2\nnote=a=b');

    // Assess
    expect(parsed).toEqual({ ok: true, value: { room: 'kitchen', floor: '2', note: 'a=b' } });
  });

  test.each([
    ['no equals sign', 'room kitchen', 'Line 1: write key=value.'],
    ['a bad key', 'ok=1\nsp ace=2', 'Line 2: a key is 1 to 40 letters'],
    ['a long value', `k=${'x'.repeat(201)}`, 'at most 200 characters'],
    ['a repeated key', 'k=1\nk=2', 'given twice'],
    ['too many', Array.from({ length: 21 }, (_, index) => `k${index}=v`).join('\n'), 'At most 20 attributes.'],
  ])('refuses %s', (_case, text, message) => {
    // Act
    const parsed = parseAttributes(text);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(message);
  });

  test('a name is 1 to 80 characters after trimming', () => {
    // Assess
    expect(parseThingName('  Thermostat ')).toEqual({ ok: true, value: 'Thermostat' });
    expect(parseThingName('   ').ok).toBe(false);
    expect(parseThingName('x'.repeat(81)).ok).toBe(false);
  });
});

describe('the desired-state form', () => {
  test('takes a JSON object with null values (they remove a key)', () => {
    // Assess
    expect(parseDesired('{"targetTemp": 21, "mode": null}')).toEqual({ ok: true, value: { targetTemp: 21, mode: null } });
  });

  test.each([
    ['invalid JSON', '{"a": ', 'valid JSON'],
    ['an array', '[1]', 'a JSON object'],
    ['an empty object', '{}', 'at least one key'],
    ['over 8 KB', JSON.stringify({ a: 'x'.repeat(8200) }), '8 KB'],
    ['deeper than 4', '{"a":{"b":{"c":{"d":{"e":1}}}}}', '4 levels'],
  ])('refuses %s', (_case, text, message) => {
    // Act
    const parsed = parseDesired(text);

    // Assess
    expect(parsed.ok ? '' : parsed.error).toContain(message);
  });

  test('accepts depth 4 exactly', () => {
    // Assess
    expect(parseDesired('{"a":{"b":{"c":{"d":1}}}}').ok).toBe(true);
  });
});

describe('alert rules', () => {
  const draft = { metric: 'temp', op: 'gt', threshold: '30', forSeconds: '' };

  test('a complete draft is a rule (held for defaults to 0) and reads as words', () => {
    // Act
    const parsed = parseRule(draft, []);

    // Assess
    expect(parsed).toEqual({ ok: true, value: { metric: 'temp', op: 'gt', threshold: 30, forSeconds: 0 } });
    expect(describeRule({ metric: 'temp', op: 'lte', threshold: -2.5, forSeconds: 60 })).toBe('temp at or below -2.5 for 60 s');
  });

  test.each([
    ['a bad metric', { ...draft, metric: 'Temp!' }, 'A metric is'],
    ['an unknown condition', { ...draft, op: 'eq' }, 'Choose a condition.'],
    ['no threshold', { ...draft, threshold: ' ' }, 'The threshold is a number.'],
    ['a held-for over an hour', { ...draft, forSeconds: '3601' }, 'from 0 to 3600'],
  ])('refuses %s', (_case, bad, message) => {
    // Act
    const parsed = parseRule(bad, []);

    // Assess
    expect(parsed.ok ? '' : parsed.error).toContain(message);
  });

  test('an eleventh rule is refused', () => {
    // Prepare
    const ten = Array.from({ length: 10 }, (_, index) => ({ id: `r${index}`, metric: 'temp', op: 'gt' as const, threshold: index, forSeconds: 0 }));

    // Act
    const parsed = parseRule(draft, ten);

    // Assess
    expect(parsed.ok ? '' : parsed.error).toBe('A thing has at most 10 alert rules.');
  });
});

describe('chart data', () => {
  test('history and live readings merge by time, a reading at the same time replaces, oldest first, capped', () => {
    // Prepare
    const history = pointsOf([
      { at: '2026-11-01T09:00:01.000Z', value: 20 },
      { at: '2026-11-01T09:00:00.000Z', min: 1, max: 3, avg: 2, count: 2 },
    ]);

    // Act
    const live = addReading({ temp: history }, '2026-11-01T09:00:01.000Z', { temp: 21, humidity: 40 });
    const capped = addPoints([{ t: 1, v: 1 }], [{ t: 2, v: 2 }, { t: 3, v: 3 }, { t: 4, v: Number.NaN }], 2);

    // Assess
    expect(live.temp).toEqual([
      { t: Date.parse('2026-11-01T09:00:00.000Z'), v: 2 },
      { t: Date.parse('2026-11-01T09:00:01.000Z'), v: 21 },
    ]);
    expect(live.humidity).toHaveLength(1);
    expect(capped).toEqual([
      { t: 2, v: 2 },
      { t: 3, v: 3 },
    ]);
  });

  test('the line spans the box, lowest value at the bottom; a single point sits in the middle', () => {
    // Act
    const line = linePath(
      [
        { t: 0, v: 10 },
        { t: 50, v: 20 },
        { t: 100, v: 15 },
      ],
      200,
      100,
    );
    const single = linePath([{ t: 5, v: 1 }], 200, 100);

    // Assess
    expect(line).toEqual({ d: 'M0.0,100.0 L100.0,0.0 L200.0,50.0', min: 10, max: 20 });
    expect(single.d).toBe('M100.0,50.0');
    expect(linePath([], 10, 10).d).toBe('');
  });

  test('the text alternative names the latest value, its time and the range', () => {
    // Assess
    expect(
      chartSummary('temp', [
        { t: Date.parse('2026-11-01T09:00:00.000Z'), v: 19 },
        { t: Date.parse('2026-11-01T09:00:05.000Z'), v: 21.5 },
      ]),
    ).toBe('temp: latest 21.5 at 09:00:05 UTC; 2 readings from 19 to 21.5.');
    expect(chartSummary('temp', [])).toBe('temp: no readings yet.');
  });

  test('a thing.state message updates presence, and the state unless it is older than the one shown', () => {
    // Prepare
    const thing = { thingId: 't', online: false, state: { desired: {}, reported: { a: 2 }, delta: {}, version: 5 } } as unknown as ThingDetails;

    // Act
    const newer = withState(thing, { online: true, state: { desired: { a: 1 }, reported: { a: 2 }, delta: { a: 1 }, version: 6 } });
    const older = withState(thing, { online: true, state: { desired: {}, reported: {}, delta: {}, version: 4 } });

    // Assess
    expect(newer.state.version).toBe(6);
    expect(newer.online).toBe(true);
    expect(older.state.version).toBe(5);
    expect(older.online).toBe(true);
  });
});

describe('the things list', () => {
  const thing = (thingId: string): Thing => ({ thingId, name: thingId, attributes: {}, online: false, createdAt: '2026-12-01T00:00:00.000Z' }) as unknown as Thing;

  test('a thing registered here that the first page already holds is listed once', () => {
    // Act
    const listed = mergeThings([thing('new'), thing('old')], [thing('new')]);

    // Assess
    expect(listed.map((item) => item.thingId)).toEqual(['new', 'old']);
  });

  test('a thing registered here that the first page does not hold yet comes first', () => {
    // Act
    const listed = mergeThings([thing('old')], [thing('newer'), thing('new'), thing('newer')]);

    // Assess
    expect(listed.map((item) => item.thingId)).toEqual(['newer', 'new', 'old']);
  });
});
