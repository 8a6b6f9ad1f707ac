import { createLogger } from '@photonotes/shared/log';
import { bulkBody, bulkChunks, decodeSubscriptionData, indexName, logDocuments, parseLogLine, plainDocument } from '../../../src/platform/domain/log-documents';
import { controlMessage, dataMessage, lambdaLines, subscriptionEvent } from '../../support/log-subscription';

const logGroup = '/aws/lambda/photonotes-core-api-dev-updateNote';

function structuredLine(message: string, fields: Record<string, unknown>): string {
  const lines: string[] = [];
  createLogger({ service: 'core-api', level: 'debug', write: (line) => lines.push(line) }).info(message, fields);
  return lines[0] ?? '';
}

test('decodes awslogs.data: base64 of gzipped JSON', () => {
  // Prepare
  const message = dataMessage(logGroup, ['hello\n']);

  // Act
  const decoded = decodeSubscriptionData(subscriptionEvent(message).awslogs.data);

  // Assess
  expect(decoded).toEqual({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup, logStream: message.logStream, logEvents: message.logEvents });
});

test('refuses data that is not a subscription message', () => {
  // Act / Assess
  expect(() => decodeSubscriptionData(Buffer.from('not gzip').toString('base64'))).toThrow();
  expect(() => decodeSubscriptionData(subscriptionEvent({ hello: 'world' } as never).awslogs.data)).toThrow(/not a CloudWatch Logs subscription message/);
});

test('the index is the UTC day of the event', () => {
  // Act / Assess
  expect(indexName('photonotes-logs-dev', Date.UTC(2026, 0, 9, 23, 59, 59, 999))).toBe('photonotes-logs-dev-2026.01.09');
  expect(indexName('photonotes-logs-dev', Date.UTC(2026, 0, 10))).toBe('photonotes-logs-dev-2026.01.10');
});

test('a structured line keeps its fields, under the shipper fields', () => {
  // Prepare
  const line = structuredLine('Note updated', { requestId: 'req-1', noteId: 'n1', logGroup: 'spoofed' });
  const message = dataMessage(logGroup, [line]);

  // Act
  const [doc] = logDocuments(message, 'photonotes-logs-dev');

  // Assess
  expect(doc).toEqual({
    index: 'photonotes-logs-dev-2026.12.01',
    id: message.logEvents[0]?.id,
    raw: line,
    source: {
      level: 'info',
      time: expect.any(String),
      service: 'core-api',
      message: 'Note updated',
      requestId: 'req-1',
      noteId: 'n1',
      '@timestamp': '2026-12-01T12:00:00.000Z',
      logGroup,
      logStream: message.logStream,
      function: 'photonotes-core-api-dev-updateNote',
    },
  });
});

test("Lambda's REPORT line is parsed into figures; START and END carry the invocation id", () => {
  // Act
  const report = parseLogLine(lambdaLines.report);
  const start = parseLogLine(lambdaLines.start);
  const end = parseLogLine(lambdaLines.end);

  // Assess
  expect(report).toEqual({
    type: 'REPORT',
    awsRequestId: '6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11',
    message: lambdaLines.report.trimEnd(),
    durationMs: 12.34,
    billedDurationMs: 13,
    memorySizeMb: 256,
    maxMemoryUsedMb: 81,
    initDurationMs: 201.57,
    traceId: '1-674c9f3a-3c0e6b1d2a4f5e6b7c8d9e0f',
  });
  expect(start).toEqual({ type: 'START', awsRequestId: '6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11', message: lambdaLines.start.trimEnd() });
  expect(end).toEqual({ type: 'END', awsRequestId: '6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11', message: lambdaLines.end.trimEnd() });
});

test("the runtime's console lines and anything else are plain messages", () => {
  // Act
  const consoleText = parseLogLine('2026-12-01T10:00:00.000Z\t6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11\tWARN\tsomething odd\n');
  const consoleJson = parseLogLine('2026-12-01T10:00:00.000Z\t6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11\tERROR\t{"message":"boom","code":"E1"}\n');
  const other = parseLogLine('Task timed out after 10.01 seconds\n');
  const notAnObject = parseLogLine('[1,2,3]');

  // Assess
  expect(consoleText).toEqual({ level: 'warn', awsRequestId: '6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11', message: 'something odd' });
  expect(consoleJson).toEqual({ level: 'error', awsRequestId: '6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11', message: 'boom', code: 'E1' });
  expect(other).toEqual({ message: 'Task timed out after 10.01 seconds' });
  expect(notAnObject).toEqual({ message: '[1,2,3]' });
});

test('a CONTROL_MESSAGE gives no documents', () => {
  // Act / Assess
  expect(logDocuments(controlMessage(), 'photonotes-logs-dev')).toEqual([]);
});

test('the bulk body is NDJSON: an index action with _index and _id, then the document, newline-terminated', () => {
  // Prepare
  const docs = logDocuments(dataMessage(logGroup, ['one', 'two'], Date.UTC(2026, 11, 1, 23, 59, 59, 999)), 'photonotes-logs-dev');

  // Act
  const body = bulkBody(docs);

  // Assess
  const lines = body.split('\n');
  expect(body.endsWith('\n')).toBe(true);
  expect(lines).toHaveLength(5);
  expect(JSON.parse(lines[0] ?? '')).toEqual({ index: { _index: 'photonotes-logs-dev-2026.12.01', _id: docs[0]?.id } });
  expect(JSON.parse(lines[1] ?? '')).toMatchObject({ message: 'one' });
  expect(JSON.parse(lines[2] ?? '')).toEqual({ index: { _index: 'photonotes-logs-dev-2026.12.02', _id: docs[1]?.id } });
});

test('bulk chunks stay under the byte limit, in order, a larger document alone', () => {
  // Prepare
  const docs = logDocuments(dataMessage(logGroup, ['a'.repeat(100), 'b'.repeat(100), 'c'.repeat(1000), 'd']), 'p');
  const limit = Buffer.byteLength(bulkBody(docs.slice(0, 2))) + 1;

  // Act
  const chunks = bulkChunks(docs, limit);

  // Assess
  expect(chunks.map((chunk) => chunk.map((doc) => doc.source.message))).toEqual([['a'.repeat(100), 'b'.repeat(100)], ['c'.repeat(1000)], ['d']]);
});

test('a plain document keeps the shipper fields and the raw line only', () => {
  // Prepare
  const [doc] = logDocuments(dataMessage(logGroup, [structuredLine('x', { err: { name: 'E' } })]), 'p');
  if (!doc) throw new Error('no document');

  // Act
  const plain = plainDocument(doc);

  // Assess
  expect(plain).toEqual({ ...doc, source: { '@timestamp': doc.source['@timestamp'], logGroup, logStream: doc.source.logStream, function: 'photonotes-core-api-dev-updateNote', message: doc.raw, unparsed: true } });
});
