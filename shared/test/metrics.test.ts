// Product metrics (src/metrics.ts, src/metrics-emf.ts): the catalogue and its JSON copy agree, the EMF lines carry
// the namespace, the two dimensions and each metric's unit, and the HTTP chain and the consumer factories flush
// once per invocation and write nothing when nothing was recorded.
import * as z from 'zod/mini';
import { streamConsumer } from '../src/consumers/dynamodb-stream';
import { snsConsumer } from '../src/consumers/sns';
import { RecordsFailedError } from '../src/consumers/outcome';
import { http, ok } from '../src/http';
import { fakeMetrics, flushMetrics, metricCatalogue, metricsNamespace } from '../src/metrics';
import catalogueCopy from '../src/metrics-catalogue.json';
import { emfMetrics } from '../src/metrics-emf';
import { apiEvent, lambdaContext } from '../src/testing/api-event';
import { fakeVerifier } from '../src/testing/fake-verifier';
import { snsEvent } from '../src/testing/lambda-events';
import { envelope, itemRecord, itemStream, photoReady } from './consumers/support';
import { captureLogger } from './support/log-capture';

interface EmfLine {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [field: string]: unknown;
}

/** EMF metrics of their own whose lines are kept in memory. */
function collected(service = 'tests') {
  const lines: string[] = [];
  const metrics = emfMetrics({ service, stage: 'dev', write: (line) => lines.push(line) });
  return { metrics, lines, parsed: () => lines.map((line) => JSON.parse(line) as EmfLine) };
}

describe('the metric catalogue', () => {
  it('names every product metric with its CloudWatch unit, in PhotoNotes', () => {
    expect(metricsNamespace).toBe('PhotoNotes');
    expect(metricCatalogue).toEqual({
      NotesCreated: 'Count',
      NotesUpdated: 'Count',
      NotesDeleted: 'Count',
      NoteShares: 'Count',
      UploadsProcessed: 'Count',
      UploadsFailed: 'Count',
      UploadProcessingTime: 'Milliseconds',
      PushesSent: 'Count',
      PushesFailed: 'Count',
      SearchLatency: 'Milliseconds',
      TelemetryStored: 'Count',
      TelemetryDropped: 'Count',
      AnalyticsEventsAccepted: 'Count',
      AnalyticsEventsRejected: 'Count',
      ConsumerRecordsFailed: 'Count',
    });
  });

  it('has a JSON copy for the dashboard that says exactly the same', () => {
    expect(catalogueCopy).toEqual({ namespace: metricsNamespace, dimensions: ['service', 'stage'], metrics: metricCatalogue });
  });
});

describe('fakeMetrics', () => {
  it('keeps what was recorded with its unit, and skips a count of 0', () => {
    // Prepare
    const metrics = fakeMetrics();

    // Act
    metrics.count('NotesCreated');
    metrics.count('NoteShares', 3);
    metrics.count('NoteShares', 0);
    metrics.duration('SearchLatency', 12);

    // Assess
    expect(metrics.recorded).toEqual([
      { name: 'NotesCreated', unit: 'Count', value: 1 },
      { name: 'NoteShares', unit: 'Count', value: 3 },
      { name: 'SearchLatency', unit: 'Milliseconds', value: 12 },
    ]);
    expect(metrics.total('NoteShares')).toBe(3);
  });
});

describe('emfMetrics', () => {
  it('writes one EMF line per flush, with the namespace, the service and stage dimensions and each unit', () => {
    // Prepare
    const { metrics, parsed } = collected('core-api');
    metrics.count('NotesCreated');
    metrics.count('NotesCreated');
    metrics.duration('SearchLatency', 12.4);

    // Act
    flushMetrics();

    // Assess
    const lines = parsed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'core-api', stage: 'dev', NotesCreated: [1, 1], SearchLatency: 12 });
    expect(lines[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'PhotoNotes',
        Dimensions: [['service', 'stage']],
        Metrics: [
          { Name: 'NotesCreated', Unit: 'Count' },
          { Name: 'SearchLatency', Unit: 'Milliseconds' },
        ],
      },
    ]);
  });

  it('writes nothing, and warns of nothing, when nothing was recorded', () => {
    // Prepare
    const { metrics, lines } = collected();
    const warn = jest.spyOn(process.stderr, 'write');
    metrics.count('PushesSent');
    flushMetrics();

    // Act
    flushMetrics();
    metrics.count('PushesFailed', 0);
    flushMetrics();

    // Assess
    expect(lines).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it('keeps one instance per service, so a service writes one line per invocation', () => {
    expect(emfMetrics({ service: 'search' })).toBe(emfMetrics({ service: 'search' }));
    expect(emfMetrics({ service: 'search' })).not.toBe(emfMetrics({ service: 'iot' }));
  });
});

describe('the per-invocation flush', () => {
  const verifier = fakeVerifier({ token: { userId: 'user-1', email: null } });
  const route = { service: 'tests', method: 'POST', path: '/things', body: z.object({ n: z.number() }) } as const;

  it('writes the metrics an HTTP handler recorded once, after it answered, failing or not', async () => {
    // Prepare
    const { metrics, parsed } = collected();
    const handler = http(route, { verifier, logger: captureLogger().logger }).handler(async ({ body }) => {
      metrics.count('NotesCreated', body.n);
      if (body.n > 1) throw new Error('boom');
      return ok({});
    });

    // Act
    const first = await handler(apiEvent({ token: 'token', method: 'POST', path: '/things', body: { n: 1 } }), lambdaContext());
    const failed = await handler(apiEvent({ token: 'token', method: 'POST', path: '/things', body: { n: 2 } }), lambdaContext());

    // Assess
    expect([first.statusCode, failed.statusCode]).toEqual([200, 500]);
    expect(parsed().map((line) => line.NotesCreated)).toEqual([1, 2]);
  });

  it('writes nothing for an HTTP request that recorded nothing, or was refused before the handler', async () => {
    // Prepare
    const { lines } = collected();
    const handler = http(route, { verifier, logger: captureLogger().logger }).handler(async () => ok({}));

    // Act
    await handler(apiEvent({ token: 'token', method: 'POST', path: '/things', body: { n: 1 } }), lambdaContext());
    await handler(apiEvent({ token: 'token', method: 'POST', path: '/things', body: { n: 'x' } }), lambdaContext());

    // Assess
    expect(lines).toEqual([]);
  });

  it('counts the records a consumer reports failed, and writes them once per invocation', async () => {
    // Prepare
    const { metrics, parsed } = collected();
    const handler = snsConsumer({ service: 'tests', contract: photoReady, deps: () => ({}), logger: captureLogger().logger, metrics }, async () => {
      throw new Error('down');
    });

    // Act
    const outcome = await handler(snsEvent(envelope('e1', { key: 'a' }), 'not json', envelope('e2', { key: 'b' })), lambdaContext()).catch((err: unknown) => err);

    // Assess
    expect(outcome).toBeInstanceOf(RecordsFailedError);
    expect(parsed().map((line) => line.ConsumerRecordsFailed)).toEqual([[1, 1, 1]]);
  });

  it('writes once per stream batch what its records recorded, side by side or not, and counts the failed one', async () => {
    // Prepare
    const { metrics, parsed } = collected();
    const handler = streamConsumer({ service: 'tests', contract: itemStream, deps: () => ({}), logger: captureLogger().logger, metrics, concurrency: 2 }, async (record) => {
      if (record.eventName === 'REMOVE') throw new Error('down');
      metrics.count('NotesUpdated');
      return { status: 'applied' };
    });

    // Act
    const result = await handler({ Records: [itemRecord('100', 'INSERT', 'a'), itemRecord('200', 'MODIFY', 'b'), itemRecord('300', 'REMOVE')] }, lambdaContext());

    // Assess
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '300' }]);
    expect(parsed()).toEqual([expect.objectContaining({ NotesUpdated: [1, 1], ConsumerRecordsFailed: 1 })]);
  });
});
