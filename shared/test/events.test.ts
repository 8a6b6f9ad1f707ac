import type { DynamoDBRecord, S3Event, SNSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { domainEventEnvelope } from '../src/domain-event';
import { s3Handler, snsHandler, streamHandler } from '../src/events';
import type { S3ObjectRecord, StreamChange } from '../src/events';
import { lambdaContext } from '../src/testing/api-event';
import { captureLogger } from './support/log-capture';

interface NoteItem {
  pk: string;
  title: string;
  version: number;
}

function streamRecord(seq: string, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', title: string): DynamoDBRecord {
  return {
    eventID: `event-${seq}`,
    eventName,
    dynamodb: {
      SequenceNumber: seq,
      Keys: { pk: { S: `NOTE#${seq}` } },
      NewImage: eventName === 'REMOVE' ? undefined : { pk: { S: `NOTE#${seq}` }, title: { S: title }, version: { N: '2' } },
      OldImage: eventName === 'INSERT' ? undefined : { pk: { S: `NOTE#${seq}` }, title: { S: 'old' }, version: { N: '1' } },
    },
  };
}

describe('streamHandler', () => {
  test('hands over unmarshalled changes in order', async () => {
    // Prepare
    const seen: StreamChange<NoteItem>[] = [];
    const { logger } = captureLogger();
    const handler = streamHandler<NoteItem>({ service: 'search', logger }, async (change) => {
      seen.push(change);
    });

    // Act
    const result = await handler({ Records: [streamRecord('100', 'INSERT', 'a'), streamRecord('200', 'REMOVE', 'b')] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([
      { eventName: 'INSERT', keys: { pk: 'NOTE#100' }, newImage: { pk: 'NOTE#100', title: 'a', version: 2 }, oldImage: undefined, sequenceNumber: '100' },
      { eventName: 'REMOVE', keys: { pk: 'NOTE#200' }, newImage: undefined, oldImage: { pk: 'NOTE#200', title: 'old', version: 1 }, sequenceNumber: '200' },
    ]);
  });

  test('stops at the first failure and reports it, so the batch resumes from there in order', async () => {
    // Prepare
    const processed: string[] = [];
    const { logger, entries } = captureLogger();
    const handler = streamHandler<NoteItem>({ service: 'search', logger }, async (change) => {
      if (change.sequenceNumber === '200') throw new Error('index write failed');
      processed.push(change.sequenceNumber);
    });
    const records = ['100', '200', '300', '400'].map((seq) => streamRecord(seq, 'MODIFY', seq));

    // Act
    const result = await handler({ Records: records }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(processed).toEqual(['100']);
    expect(entries()).toContainEqual(
      expect.objectContaining({ level: 'error', sequenceNumber: '200', err: expect.objectContaining({ message: 'index write failed' }) }),
    );
  });

  test('a record without a sequence number fails the whole batch', async () => {
    // Prepare
    const { logger } = captureLogger();
    const handler = streamHandler({ service: 'search', logger }, async () => undefined);
    const broken: DynamoDBRecord = { eventName: 'INSERT', dynamodb: { NewImage: { pk: { S: 'x' } } } };

    // Act
    const result = await handler({ Records: [broken] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '' }] });
  });

  test('with concurrency, handles records side by side', async () => {
    // Prepare
    let running = 0;
    let mostAtOnce = 0;
    const { logger } = captureLogger();
    const handler = streamHandler<NoteItem>({ service: 'notifications', logger, concurrency: 3 }, async () => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
    const records = ['100', '200', '300', '400', '500'].map((seq) => streamRecord(seq, 'MODIFY', seq));

    // Act
    const result = await handler({ Records: records }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(mostAtOnce).toBe(3);
  });

  test('with concurrency, tries every record and reports the earliest failure in stream order', async () => {
    // Prepare
    const processed: string[] = [];
    const { logger, entries } = captureLogger();
    const handler = streamHandler<NoteItem>({ service: 'notifications', logger, concurrency: 4 }, async (change) => {
      // The later failure finishes first: the report must still name the earlier one.
      if (change.sequenceNumber === '200') {
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('push failed');
      }
      if (change.sequenceNumber === '400') throw new Error('push failed too');
      processed.push(change.sequenceNumber);
    });
    const records = ['100', '200', '300', '400', '500'].map((seq) => streamRecord(seq, 'MODIFY', seq));

    // Act
    const result = await handler({ Records: records }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(processed.sort()).toEqual(['100', '300', '500']);
    expect(entries().filter((entry) => entry.level === 'error').map((entry) => entry.sequenceNumber)).toEqual(['400', '200']);
  });
});

const MediaReady = domainEventEnvelope(z.object({ key: z.string() }), 'media.ready');

function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((Message, i) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: 'arn:aws:sns:us-east-1:1:media-events:sub',
      Sns: {
        Type: 'Notification',
        MessageId: `msg-${i}`,
        TopicArn: 'arn:aws:sns:us-east-1:1:media-events',
        Subject: '',
        Message,
        Timestamp: '2026-11-28T09:00:00.000Z',
        SignatureVersion: '1',
        Signature: '',
        SigningCertUrl: '',
        UnsubscribeUrl: '',
        MessageAttributes: {},
      },
    })),
  };
}

function envelope(id: string, data: unknown, type = 'media.ready'): string {
  return JSON.stringify({ id, type, source: 'thumbnails', occurredAt: '2026-11-28T09:00:00.000Z', data });
}

describe('snsHandler', () => {
  test('hands over the validated envelope', async () => {
    // Prepare
    const seen: Array<{ id: string; key: string }> = [];
    const { logger } = captureLogger();
    const handler = snsHandler({ service: 'core-api', schema: MediaReady, logger }, async (event) => {
      const type: 'media.ready' = event.type;
      seen.push({ id: event.id, key: event.data.key });
      expect(type).toBe('media.ready');
    });

    // Act
    await handler(snsEvent(envelope('e1', { key: 'uploads/u1/a.jpg' })), lambdaContext());

    // Assess
    expect(seen).toEqual([{ id: 'e1', key: 'uploads/u1/a.jpg' }]);
  });

  test('invalid messages are logged and dropped without failing the invocation', async () => {
    // Prepare
    const handled = jest.fn(async () => undefined);
    const { logger, entries } = captureLogger();
    const handler = snsHandler({ service: 'core-api', schema: MediaReady, logger }, handled);
    const event = snsEvent('not json', envelope('e2', { key: 7 }), envelope('e3', { key: 'k' }, 'media.failed'), envelope('e4', { key: 'ok' }));

    // Act
    const outcome = handler(event, lambdaContext());

    // Assess
    await expect(outcome).resolves.toBeUndefined();
    expect(handled).toHaveBeenCalledTimes(1);
    expect(handled).toHaveBeenCalledWith(expect.objectContaining({ id: 'e4' }), expect.anything());
    const warnings = entries().filter((entry) => entry.level === 'warn');
    expect(warnings.map((entry) => entry.messageId)).toEqual(['msg-0', 'msg-1', 'msg-2']);
    expect(warnings[1]).toMatchObject({ issues: [expect.objectContaining({ path: 'data.key', code: 'invalid_type' })] });
  });

  test('a handler error is rethrown after every record was tried', async () => {
    // Prepare
    const tried: string[] = [];
    const { logger } = captureLogger();
    const handler = snsHandler({ service: 'notifications', schema: MediaReady, logger }, async (event) => {
      tried.push(event.id);
      if (event.id === 'e1') throw new Error('inbox write failed');
    });

    // Act
    const outcome = handler(snsEvent(envelope('e1', { key: 'a' }), envelope('e2', { key: 'b' })), lambdaContext());

    // Assess
    await expect(outcome).rejects.toThrow('inbox write failed');
    expect(tried).toEqual(['e1', 'e2']);
  });

  test('several handler errors are rethrown together', async () => {
    // Prepare
    const { logger } = captureLogger();
    const handler = snsHandler({ service: 'notifications', schema: MediaReady, logger }, async (event) => {
      throw new Error(`failed ${event.id}`);
    });

    // Act
    const outcome = handler(snsEvent(envelope('e1', { key: 'a' }), envelope('e2', { key: 'b' })), lambdaContext());

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(AggregateError);
    await expect(outcome).rejects.toMatchObject({ errors: [expect.objectContaining({ message: 'failed e1' }), expect.objectContaining({ message: 'failed e2' })] });
  });
});

function s3Event(...keys: string[]): S3Event {
  return {
    Records: keys.map((key, i) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: '2026-11-28T09:00:00.000Z',
      eventName: 'ObjectCreated:Put',
      userIdentity: { principalId: 'p' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'r', 'x-amz-id-2': 'r2' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'uploads',
        bucket: { name: 'media', ownerIdentity: { principalId: 'p' }, arn: 'arn:aws:s3:::media' },
        object: { key, size: 1000 + i, eTag: `etag-${i}`, sequencer: '0' },
      },
    })),
  };
}

describe('s3Handler', () => {
  test('decodes keys the way S3 encodes them ("+" for space, %XX escapes)', async () => {
    // Prepare
    const seen: S3ObjectRecord[] = [];
    const { logger } = captureLogger();
    const handler = s3Handler({ service: 'thumbnails', logger }, async (record) => {
      seen.push(record);
    });

    // Act
    await handler(s3Event('uploads/u1/my+photo%C3%A9%2B1.jpg'), lambdaContext());

    // Assess
    expect(seen).toEqual([{ eventName: 'ObjectCreated:Put', bucket: 'media', key: 'uploads/u1/my photoé+1.jpg', size: 1000, eTag: 'etag-0' }]);
  });

  test('tries every record, then rethrows the failure', async () => {
    // Prepare
    const tried: string[] = [];
    const { logger } = captureLogger();
    const handler = s3Handler({ service: 'thumbnails', logger }, async (record) => {
      tried.push(record.key);
      if (record.key === 'uploads/a.jpg') throw new Error('resize failed');
    });

    // Act
    const outcome = handler(s3Event('uploads/a.jpg', 'uploads/b.jpg'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toThrow('resize failed');
    expect(tried).toEqual(['uploads/a.jpg', 'uploads/b.jpg']);
  });
});
