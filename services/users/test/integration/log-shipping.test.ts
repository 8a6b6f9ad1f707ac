// Logs to search: the shipper's real handler module, given real CloudWatch Logs subscription payloads (gzipped,
// base64) built from real log lines (the shared logger's, and Lambda's own), sends them to a small server that
// speaks OpenSearch's `_bulk` API (test/support/opensearch-fake.ts), which checks the documents it received.
import { createHash, createHmac } from 'node:crypto';
import type { Hash, Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { createLogger } from '@photonotes/shared/log';
import { startOpenSearchFake } from '../../../../test/support/opensearch-fake';
import type { OpenSearchFake } from '../../../../test/support/opensearch-fake';
import { handler } from '../../src/platform/functions/ship-logs';
import { controlMessage, dataMessage, lambdaLines, subscriptionEvent } from '../support/log-subscription';

jest.setTimeout(30_000);

/** node:crypto's SHA-256 for the test's own signer (strings and byte arrays are all a bulk request signs). */
class Sha256 implements Checksum {
  private readonly hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', Buffer.from(secret as Uint8Array | string));
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('not used');
  }
}

const credentials = { accessKeyId: 'AKIDLOGSHIPPERTEST', secretAccessKey: 'shipper-test-secret', sessionToken: 'shipper-test-session' };
let fake: OpenSearchFake;

beforeAll(async () => {
  fake = await startOpenSearchFake();
  // The function reads its environment on first use (shared/src/dependencies.ts). Its environment as the users
  // stack sets it, and the role's environment as the users stack sets it, and the role's credentials as Lambda hands them over.
  Object.assign(process.env, {
    LOGS_OPENSEARCH_ENDPOINT: fake.url,
    LOGS_INDEX_PREFIX: 'photonotes-logs-test',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
  });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.documents.clear();
});

/** Lines as a core-api function writes them in one invocation: Lambda's START, two structured lines, END, REPORT. */
function invocationLines(requestId: string): string[] {
  const lines: string[] = [lambdaLines.start];
  const log = createLogger({ service: 'core-api', level: 'info', write: (line) => lines.push(line) }).child({ requestId });
  log.info('Note updated', { noteId: 'note-1', version: 2 });
  log.warn('Slow DynamoDB write', { durationMs: 812 });
  lines.push(lambdaLines.end, lambdaLines.report);
  return lines;
}

const logGroup = '/aws/lambda/photonotes-core-api-test-updateNote';

test('each log event becomes a document of the day index, with its CloudWatch id, in one signed bulk request', async () => {
  // Prepare
  const message = dataMessage(logGroup, invocationLines('req-ship-1'));

  // Act
  const report = await handler(subscriptionEvent(message));

  // Assess
  expect(report).toEqual({ received: 5, indexed: 5, plain: 0, dropped: 0, requests: 1 });
  expect(fake.requests).toHaveLength(1);
  const [request] = fake.requests;
  expect(request?.headers['content-type']).toBe('application/x-ndjson');
  expect(request?.actions.map(({ action, index, id }) => ({ action, index, id }))).toEqual(message.logEvents.map((event) => ({ action: 'index', index: 'photonotes-logs-test-2026.12.01', id: event.id })));
  const docs = message.logEvents.map((event) => fake.documents.get(`photonotes-logs-test-2026.12.01/${event.id}`));
  expect(docs[0]).toMatchObject({ type: 'START', awsRequestId: '6f1c8a52-2b4e-4a44-9f0e-0d4c1f2a9b11', logGroup, function: 'photonotes-core-api-test-updateNote' });
  expect(docs[1]).toMatchObject({ level: 'info', service: 'core-api', requestId: 'req-ship-1', message: 'Note updated', noteId: 'note-1', version: 2, '@timestamp': '2026-12-01T12:00:00.001Z', logStream: message.logStream });
  expect(docs[2]).toMatchObject({ level: 'warn', requestId: 'req-ship-1', durationMs: 812 });
  expect(docs[4]).toMatchObject({ type: 'REPORT', durationMs: 12.34, billedDurationMs: 13, maxMemoryUsedMb: 81, initDurationMs: 201.57 });
});

test("the request carries a SigV4 signature for the es service that verifies with the role's credentials", async () => {
  // Prepare
  const message = dataMessage(logGroup, ['{"level":"info","message":"signed"}']);

  // Act
  await handler(subscriptionEvent(message));

  // Assess: sign the request the fake received again, at the same instant; the signatures must agree.
  const [request] = fake.requests;
  const headers = request?.headers ?? {};
  expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLOGSHIPPERTEST\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/);
  expect(headers['x-amz-security-token']).toBe(credentials.sessionToken);
  const amzDate = String(headers['x-amz-date']);
  const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
  const url = new URL(fake.url);
  const body = request?.actions.map(({ action, index, id, source }) => `${JSON.stringify({ [action]: { _index: index, _id: id } })}\n${JSON.stringify(source)}\n`).join('') ?? '';
  const expected = await new SignatureV4({ service: 'es', region: 'eu-west-1', credentials, sha256: Sha256 }).sign(
    { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/_bulk', query: {}, headers: { host: url.host, 'content-type': 'application/x-ndjson' }, body },
    { signingDate },
  );
  expect(headers.authorization).toBe(expected.headers.authorization);
});

test('a failed item is sent again alone; a batch delivered twice overwrites, never duplicates', async () => {
  // Prepare
  const message = dataMessage(logGroup, invocationLines('req-ship-2'));
  const throttled = message.logEvents[1]?.id ?? '';
  fake.failItem(throttled, { status: 429, type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation' });

  // Act
  const first = await handler(subscriptionEvent(message));
  const again = await handler(subscriptionEvent(message));

  // Assess
  expect(first).toEqual({ received: 5, indexed: 5, plain: 0, dropped: 0, requests: 2 });
  expect(fake.requests[1]?.actions.map((action) => action.id)).toEqual([throttled]);
  expect(again.indexed).toBe(5);
  expect(fake.documents.size).toBe(5);
});

test('a document the mapping refuses is indexed as its raw line', async () => {
  // Prepare
  const message = dataMessage(logGroup, ['{"level":"error","message":"odd","err":"a string where the mapping has an object"}']);
  const id = message.logEvents[0]?.id ?? '';
  fake.failItem(id, { status: 400, type: 'mapper_parsing_exception', reason: 'object mapping for [err] tried to parse field [err] as object' });

  // Act
  const report = await handler(subscriptionEvent(message));

  // Assess
  expect(report).toMatchObject({ indexed: 1, plain: 1, dropped: 0 });
  expect(fake.documents.get(`photonotes-logs-test-2026.12.01/${id}`)).toEqual({
    '@timestamp': '2026-12-01T12:00:00.000Z',
    logGroup,
    logStream: message.logStream,
    function: 'photonotes-core-api-test-updateNote',
    message: message.logEvents[0]?.message,
    unparsed: true,
  });
});

test('a failed bulk request fails the invocation, so Lambda retries the event', async () => {
  // Prepare
  fake.failRequests(1, 503);

  // Act / Assess
  await expect(handler(subscriptionEvent(dataMessage(logGroup, ['{"message":"lost?"}'])))).rejects.toThrow('OpenSearch _bulk answered 503');
  expect(fake.documents.size).toBe(0);
});

test('a CONTROL_MESSAGE is acknowledged without a request', async () => {
  // Act
  const report = await handler(subscriptionEvent(controlMessage()));

  // Assess
  expect(report).toEqual({ received: 0, indexed: 0, plain: 0, dropped: 0, requests: 0 });
  expect(fake.requests).toHaveLength(0);
});
