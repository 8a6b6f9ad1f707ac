// The local IoT rules engine's SQL: the subset it parses, what it refuses at start, and how it projects and
// filters messages as AWS IoT does (topic filters, Undefined, binary payloads).
import { parseIotSql, IotSqlError } from '../platform/iot/iot-sql';
import { evaluateRule, type IotMessage } from '../platform/iot/iot-sql-evaluate';
import { topicFilterError, topicLimitError, topicMatches } from '../platform/iot/topics';

const message = (topic: string, payload: unknown, clientId: string | null = 'thing-1'): IotMessage => ({
  topic,
  payload: Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  clientId,
});

describe('topic filters', () => {
  it.each([
    ['things/+/telemetry', 'things/t1/telemetry', true],
    ['things/+/telemetry', 'things/t1/state/reported', false],
    ['things/#', 'things', true],
    ['things/#', 'things/t1/state/reported', true],
    ['things/+', 'things/t1/telemetry', false],
    ['#', '$aws/events/presence/connected/t1', false],
    ['+/events/presence/connected/+', '$aws/events/presence/connected/t1', false],
    ['$aws/events/presence/+/+', '$aws/events/presence/disconnected/t1', true],
    ['things/t1/telemetry', 'things/t1/telemetry', true],
  ])('%s against %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('refuses malformed filters and over-long topics', () => {
    expect(topicFilterError('things/#/x')).toMatch(/#/);
    expect(topicFilterError('things/a+/x')).toMatch(/\+/);
    expect(topicFilterError('things/+/x')).toBeNull();
    expect(topicLimitError('a/b/c/d/e/f/g/h')).toBeNull();
    expect(topicLimitError('a/b/c/d/e/f/g/h/i')).toMatch(/7 forward slashes/);
    expect(topicLimitError('$aws/events/presence/a/b/c/d/e/f/g/h')).toBeNull();
    expect(topicLimitError('x'.repeat(257))).toMatch(/256 bytes/);
  });
});

describe('parsing the supported subset', () => {
  it('reads the projections, the topic filter and the condition', () => {
    // Act
    const statement = parseIotSql("SELECT *, topic(2) AS thingId, timestamp() AS receivedAt, clientid() AS clientId FROM 'things/+/telemetry' WHERE metrics.temp > 20 AND NOT (kind = 'test')");

    // Assess
    expect(statement.topicFilter).toBe('things/+/telemetry');
    expect(statement.projections).toEqual([
      { kind: 'all' },
      { kind: 'value', name: 'thingId', expression: { kind: 'topic', level: 2 } },
      { kind: 'value', name: 'receivedAt', expression: { kind: 'timestamp' } },
      { kind: 'value', name: 'clientId', expression: { kind: 'clientid' } },
    ]);
    expect(statement.where).toEqual({
      kind: 'and',
      left: { kind: 'compare', operator: '>', left: { kind: 'field', path: ['metrics', 'temp'] }, right: { kind: 'literal', value: 20 } },
      right: { kind: 'not', operand: { kind: 'compare', operator: '=', left: { kind: 'field', path: ['kind'] }, right: { kind: 'literal', value: 'test' } } },
    });
  });

  it('accepts keywords in any case and names a bare field by its last part', () => {
    const statement = parseIotSql("select state.reported as reported, version from '$aws/things/+/shadow/update'");
    expect(statement.projections).toEqual([
      { kind: 'value', name: 'reported', expression: { kind: 'field', path: ['state', 'reported'] } },
      { kind: 'value', name: 'version', expression: { kind: 'field', path: ['version'] } },
    ]);
  });

  it.each([
    ["SELECT principal() AS p FROM 'a/b'", 'principal()'],
    ["SELECT * FROM 'a/b' WHERE temp != 3", '!='],
    ["SELECT temp + 1 AS t FROM 'a/b'", '+'],
    ["SELECT topic(2) FROM 'a/b'", 'AS <name>'],
    ["SELECT * FROM 'a/#/b'", "topic filter 'a/#/b'"],
    ["SELECT * FROM a", 'topic filter in single quotes'],
    ["SELECT * FROM 'a/b' ORDER BY x", 'ORDER'],
    ["SELECT CASE WHEN x THEN 1 END AS y FROM 'a'", 'WHEN'],
    ["SELECT * FROM 'a/b' WHERE", 'incomplete'],
    ["SELECT encode(*, 'hex') AS h FROM 'a'", "'base64'"],
  ])('refuses %s, naming the construct', (sql, named) => {
    // Act
    let thrown: unknown;
    try {
      parseIotSql(sql);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(IotSqlError);
    expect(`${(thrown as IotSqlError).construct} ${(thrown as IotSqlError).message}`).toContain(named);
  });
});

describe('evaluating a rule', () => {
  const telemetry = parseIotSql("SELECT *, topic(2) AS thingId, timestamp() AS receivedAt, clientid() AS clientId FROM 'things/+/telemetry'");

  it('projects the payload with the topic level, the time and the publishing client', () => {
    // Act
    const outcome = evaluateRule(telemetry, message('things/t1/telemetry', { ts: 5, metrics: { temp: 21.5 } }), 1_700_000_000_000);

    // Assess
    expect(outcome).toEqual({ kind: 'invoke', event: { ts: 5, metrics: { temp: 21.5 }, thingId: 't1', receivedAt: 1_700_000_000_000, clientId: 'thing-1' } });
  });

  it('lets later projections win over payload fields, and says n/a for a client that did not use MQTT', () => {
    const outcome = evaluateRule(telemetry, message('things/t1/telemetry', { thingId: 'spoofed' }, null), 1);
    expect(outcome).toEqual({ kind: 'invoke', event: { thingId: 't1', receivedAt: 1, clientId: 'n/a' } });
  });

  it('skips a message on another topic', () => {
    expect(evaluateRule(telemetry, message('things/t1/state/reported', {}), 1)).toEqual({ kind: 'skip' });
  });

  it('does not invoke for a payload that is not JSON, and says why', () => {
    const outcome = evaluateRule(telemetry, message('things/t1/telemetry', Buffer.from([0xff, 0x00, 0x12])), 1);
    expect(outcome).toEqual({ kind: 'undeliverable', reason: expect.stringContaining('not a JSON object') });
    const plain = evaluateRule(parseIotSql("SELECT * FROM 'things/+/telemetry'"), message('things/t1/telemetry', 'not json'), 1);
    expect(plain).toEqual({ kind: 'undeliverable', reason: expect.stringContaining('binary') });
  });

  it("delivers any payload through encode(*, 'base64')", () => {
    const statement = parseIotSql("SELECT encode(*, 'base64') AS raw, topic() AS topic FROM 'things/+/telemetry'");
    const outcome = evaluateRule(statement, message('things/t1/telemetry', 'not json'), 1);
    expect(outcome).toEqual({ kind: 'invoke', event: { raw: Buffer.from('not json').toString('base64'), topic: 'things/t1/telemetry' } });
  });

  it('treats an empty payload as an empty object', () => {
    expect(evaluateRule(telemetry, message('things/t1/telemetry', Buffer.alloc(0)), 2)).toEqual({ kind: 'invoke', event: { thingId: 't1', receivedAt: 2, clientId: 'thing-1' } });
  });

  it('leaves Undefined results out of the event', () => {
    const statement = parseIotSql("SELECT metrics.temp AS temp, missing, topic(9) AS nine FROM 'things/+/telemetry'");
    expect(evaluateRule(statement, message('things/t1/telemetry', { metrics: { temp: 3 } }), 1)).toEqual({ kind: 'invoke', event: { temp: 3 } });
  });

  it('passes a JSON payload that is not an object through a lone SELECT *', () => {
    expect(evaluateRule(parseIotSql("SELECT * FROM 'a'"), message('a', [1, 2]), 1)).toEqual({ kind: 'invoke', event: [1, 2] });
  });

  describe('WHERE', () => {
    const hot = parseIotSql("SELECT * FROM 'things/+/telemetry' WHERE metrics.temp >= 30 OR (kind = 'alarm' AND NOT muted = true)");
    const run = (payload: unknown) => evaluateRule(hot, message('things/t1/telemetry', payload), 1).kind;

    it('passes only messages for which the condition is true', () => {
      expect(run({ metrics: { temp: 30 } })).toBe('invoke');
      expect(run({ metrics: { temp: 29.9 } })).toBe('skip');
      expect(run({ kind: 'alarm', muted: false })).toBe('invoke');
      expect(run({ kind: 'alarm', muted: true })).toBe('skip');
    });

    it('treats missing fields and mixed types as Undefined, which does not pass', () => {
      expect(run({ metrics: { temp: '31' } })).toBe('skip');
      expect(run({})).toBe('skip');
      expect(run({ kind: 'alarm' })).toBe('skip');
      expect(evaluateRule(hot, message('things/t1/telemetry', 'garbage'), 1).kind).toBe('skip');
    });

    it('compares topic levels and the client id', () => {
      const own = parseIotSql("SELECT * FROM 'things/+/telemetry' WHERE topic(2) = clientid()");
      expect(evaluateRule(own, message('things/thing-1/telemetry', {}), 1).kind).toBe('invoke');
      expect(evaluateRule(own, message('things/other/telemetry', {}), 1).kind).toBe('skip');
    });
  });
});
