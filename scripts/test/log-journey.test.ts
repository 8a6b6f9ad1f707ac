import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatLine, journey, parseLogLine, parseSince, platformLogFiles } from '../platform/log-journey';

/** A line as scripts/platform/processes.ts writes it. */
const captured = (at: string, source: string, entry: Record<string, unknown> | string) =>
  `${at} ${source.padEnd(14)}| ${typeof entry === 'string' ? entry : JSON.stringify(entry)}`;

const fixture = [
  captured('2026-12-01T10:00:00.050Z', 'core-api', { level: 'info', time: '2026-12-01T10:00:00.040Z', service: 'core-api', message: 'request', route: 'PATCH /notes/{id}', method: 'PATCH', status: 200, durationMs: 12.5, userId: 'u1', requestId: 'req-1', functionRequestId: 'fn-a' }),
  captured('2026-12-01T10:00:00.300Z', 'notifications', { level: 'info', time: '2026-12-01T10:00:00.290Z', service: 'notifications', message: 'Record applied', eventType: 'note.changed', correlationId: 'req-1' }),
  captured('2026-12-01T10:00:00.200Z', 'search', { level: 'debug', time: '2026-12-01T10:00:00.150Z', service: 'search', message: 'Record applied', noteId: 'n1', correlationId: 'req-1' }),
  captured('2026-12-01T10:00:00.100Z', 'core-api', { level: 'warn', time: '2026-12-01T10:00:00.030Z', service: 'core-api', message: 'slow', functionRequestId: 'fn-a' }),
  captured('2026-12-01T10:00:01.000Z', 'core-api', { level: 'error', time: '2026-12-01T10:00:01.000Z', service: 'core-api', message: 'Unhandled error', requestId: 'req-2', err: { name: 'TypeError', message: 'boom' } }),
  captured('2026-12-01T10:00:01.100Z', 'dynamodb', 'Initializing DynamoDB Local with the following configuration: req-1'),
  '',
  'a line from before the prefix existed',
].join('\n');

describe('parseLogLine', () => {
  test("reads the capture prefix and the service's JSON entry, and takes the entry's own time", () => {
    // Act
    const line = parseLogLine(fixture.split('\n')[0] ?? '');

    // Assess
    expect(line).toMatchObject({ source: 'core-api', time: '2026-12-01T10:00:00.040Z', entry: { message: 'request', requestId: 'req-1' } });
  });

  test('keeps other output as text with the capture time, and refuses lines without the prefix', () => {
    // Act
    const other = parseLogLine(captured('2026-12-01T10:00:01.100Z', 'sns', 'not json {'));
    const broken = parseLogLine('a line from before the prefix existed');

    // Assess
    expect(other).toEqual({ time: '2026-12-01T10:00:01.100Z', source: 'sns', entry: undefined, text: 'not json {' });
    expect(broken).toBeNull();
  });
});

describe('journey', () => {
  test("a request id picks the lines naming it as request, correlation or function request id, across services in time order", () => {
    // Act
    const lines = journey([fixture], { requestId: 'req-1' });

    // Assess: not the emulator's text that merely contains the id.
    expect(lines.map((line) => `${line.source}:${String(line.entry?.message)}`)).toEqual(['core-api:request', 'search:Record applied', 'notifications:Record applied']);
  });

  test("the function's request id finds the invocation's other lines", () => {
    // Act
    const lines = journey([fixture], { requestId: 'fn-a' });

    // Assess
    expect(lines.map((line) => line.entry?.message)).toEqual(['slow', 'request']);
  });

  test('filters by service (any of several), minimum level and time', () => {
    // Act
    const services = journey([fixture], { requestId: 'req-1', services: ['search', 'notifications'] });
    const warnings = journey([fixture], { minLevel: 'warn' });
    const recent = journey([fixture], { since: new Date('2026-12-01T10:00:00.200Z') });

    // Assess
    expect(services.map((line) => line.source)).toEqual(['search', 'notifications']);
    expect(warnings.map((line) => line.entry?.level)).toEqual(['warn', 'error']);
    expect(recent.map((line) => line.time)).toEqual(['2026-12-01T10:00:00.290Z', '2026-12-01T10:00:01.000Z', '2026-12-01T10:00:01.100Z']);
  });

  test('merges several files into one time order', () => {
    // Prepare
    const [first = '', second = '', third = ''] = fixture.split('\n');

    // Act
    const lines = journey([`${second}\n`, `${first}\n${third}`], { requestId: 'req-1' });

    // Assess
    expect(lines.map((line) => line.source)).toEqual(['core-api', 'search', 'notifications']);
  });
});

describe('parseSince', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');

  test.each([
    ['90s', '2026-12-01T11:58:30.000Z'],
    ['10m', '2026-12-01T11:50:00.000Z'],
    ['2h', '2026-12-01T10:00:00.000Z'],
    ['1d', '2026-11-30T12:00:00.000Z'],
    ['2026-12-01T11:00:00Z', '2026-12-01T11:00:00.000Z'],
  ])('%s', (value, expected) => {
    // Act
    const since = parseSince(value, now);

    // Assess
    expect(since?.toISOString()).toBe(expected);
  });

  test('refuses anything else', () => {
    // Act
    const results = ['ten minutes', '10', '-5m', ''].map((value) => parseSince(value, now));

    // Assess
    expect(results).toEqual([null, null, null, null]);
  });
});

describe('formatLine', () => {
  test('shows time, service, level, message and the key fields of an entry, and an error by name and message', () => {
    // Prepare
    const [warning, , , , failed] = journey([fixture], {}).filter((line) => line.entry);

    // Act
    const text = [warning, failed].map((line) => (line ? formatLine(line) : ''));

    // Assess
    expect(text[0]).toBe('10:00:00.030 core-api       WARN  slow  functionRequestId=fn-a');
    expect(text[1]).toBe('10:00:01.000 core-api       ERROR Unhandled error  requestId=req-2 err=TypeError: boom');
  });

  test('shows the access line with its route and status', () => {
    // Act
    const line = journey([fixture], { requestId: 'req-1' })[0];

    // Assess
    expect(line && formatLine(line)).toBe('10:00:00.040 core-api       INFO  request  route=PATCH /notes/{id} method=PATCH status=200 durationMs=12.5 userId=u1 requestId=req-1 functionRequestId=fn-a');
  });
});

describe('platformLogFiles', () => {
  test("lists dev.log and the test platforms' logs, newest first, and nothing else", () => {
    // Prepare
    const dir = mkdtempSync(path.join(os.tmpdir(), 'log-journey-'));
    try {
      for (const [name, ageS] of [['dev.log', 60], ['test-platform-123.log', 10], ['bench-ingest.log', 0], ['notes.txt', 0]] as const) {
        const file = path.join(dir, name);
        writeFileSync(file, '');
        const at = new Date(Date.now() - ageS * 1000);
        utimesSync(file, at, at);
      }

      // Act
      const files = platformLogFiles(dir);

      // Assess
      expect(files.map((file) => path.basename(file))).toEqual(['test-platform-123.log', 'dev.log']);
      expect(platformLogFiles(path.join(dir, 'missing'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
