import { correlationId } from '../../src/correlation';
import { RecordsFailedError } from '../../src/consumers/outcome';
import { s3Consumer } from '../../src/consumers/s3';
import { applied, ignored, snsConsumer } from '../../src/consumers/sns';
import { s3ObjectCreated } from '../../src/contracts/s3-object-created';
import type { CreatedObject } from '../../src/contracts/s3-object-created';
import { lambdaContext } from '../../src/testing/api-event';
import { s3Event, snsEvent } from '../../src/testing/lambda-events';
import { captureLogger } from '../support/log-capture';
import { envelope, photoReady } from './support';

describe('snsConsumer', () => {
  test('hands over the typed envelope, under its correlation id', async () => {
    // Prepare
    const seen: Array<{ id: string; key: string; correlation: string | undefined }> = [];
    const { logger, entries } = captureLogger();
    const handler = snsConsumer({ service: 'tests', contract: photoReady, deps: () => ({}), logger }, async (event) => {
      const type: 'photo.ready' = event.type;
      seen.push({ id: event.id, key: event.data.key, correlation: correlationId() });
      return applied({ type });
    });

    // Act
    await handler(snsEvent(envelope('e1', { key: 'uploads/u1/a.jpg' })), lambdaContext());

    // Assess
    expect(seen).toEqual([{ id: 'e1', key: 'uploads/u1/a.jpg', correlation: 'corr-e1' }]);
    expect(entries()).toContainEqual(expect.objectContaining({ level: 'info', message: 'Record applied', messageId: 'msg-0', eventId: 'e1', correlationId: 'corr-e1', type: 'photo.ready' }));
  });

  test('a message the contract cannot read fails the invocation, logged with its message id, after every record was tried', async () => {
    // Prepare
    const handled = jest.fn(async () => applied());
    const { logger, entries } = captureLogger();
    const handler = snsConsumer({ service: 'tests', contract: photoReady, deps: () => ({}), logger }, handled);
    const event = snsEvent('not json', envelope('e2', { key: 7 }), envelope('e3', { key: 'k' }, { type: 'photo.failed' }), envelope('e4', { key: 'ok' }));

    // Act
    const outcome = handler(event, lambdaContext());

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(RecordsFailedError);
    await expect(outcome).rejects.toMatchObject({ failed: [expect.objectContaining({ messageId: 'msg-0' }), expect.objectContaining({ messageId: 'msg-1' })] });
    expect(handled).toHaveBeenCalledTimes(1);
    expect(handled).toHaveBeenCalledWith(expect.objectContaining({ id: 'e4' }), expect.anything());
    const errors = entries().filter((entry) => entry.level === 'error');
    expect(errors.map((entry) => entry.messageId)).toEqual(['msg-0', 'msg-1']);
    expect(errors[1]).toMatchObject({ issues: [expect.stringContaining('data.key')] });
  });

  test('another event type on the topic is ignored, not failed', async () => {
    // Prepare
    const { logger, entries } = captureLogger();
    const handler = snsConsumer({ service: 'tests', contract: photoReady, deps: () => ({}), logger }, async () => applied());

    // Act
    const outcome = handler(snsEvent(envelope('e1', { key: 'k' }, { type: 'photo.deleted' })), lambdaContext());

    // Assess
    await expect(outcome).resolves.toBeUndefined();
    expect(entries()).toContainEqual(expect.objectContaining({ level: 'debug', messageId: 'msg-0', reason: 'event type photo.deleted' }));
  });

  test('a handler error fails the invocation after every record was tried; an ignored record does not', async () => {
    // Prepare
    const tried: string[] = [];
    const { logger } = captureLogger();
    const handler = snsConsumer({ service: 'tests', contract: photoReady, deps: () => ({}), logger }, async (event) => {
      tried.push(event.id);
      if (event.id === 'e1') throw new Error('inbox write failed');
      return ignored('a repeat');
    });

    // Act
    const outcome = handler(snsEvent(envelope('e1', { key: 'a' }), envelope('e2', { key: 'b' })), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ failed: [{ messageId: 'msg-0', eventType: 'photo.ready' }] });
    expect(tried).toEqual(['e1', 'e2']);
  });

  test('builds its dependencies once, at the first message', async () => {
    // Prepare
    const { logger } = captureLogger();
    const deps = jest.fn(() => ({ inbox: [] as string[] }));
    const handler = snsConsumer({ service: 'tests', contract: photoReady, deps, logger }, async (event, ctx) => {
      ctx.deps.inbox.push(event.id);
      return applied();
    });
    const builtAtImport = deps.mock.calls.length;

    // Act
    await handler(snsEvent(envelope('e1', { key: 'a' }), envelope('e2', { key: 'b' })), lambdaContext());
    await handler(snsEvent(envelope('e3', { key: 'c' })), lambdaContext());

    // Assess
    expect(builtAtImport).toBe(0);
    expect(deps).toHaveBeenCalledTimes(1);
    expect(deps.mock.results[0]?.value).toEqual({ inbox: ['e1', 'e2', 'e3'] });
  });
});

describe('s3Consumer', () => {
  test('hands over created objects with decoded keys, under the S3 request id', async () => {
    // Prepare
    const seen: Array<CreatedObject & { correlation: string | undefined }> = [];
    const { logger } = captureLogger();
    const handler = s3Consumer({ service: 'tests', contract: s3ObjectCreated, deps: () => ({}), logger }, async (object) => {
      seen.push({ ...object, correlation: correlationId() });
      return applied();
    });

    // Act
    await handler(s3Event('uploads/u1/my+photo.jpg'), lambdaContext());

    // Assess
    expect(seen).toEqual([{ eventName: 'ObjectCreated:Put', bucket: 'media', key: 'uploads/u1/my photo.jpg', size: 1000, eTag: 'etag-0', requestId: 's3-request-0', correlation: 's3-request-0' }]);
  });

  test('tries every record, then fails the invocation naming the failed keys', async () => {
    // Prepare
    const tried: string[] = [];
    const { logger, entries } = captureLogger();
    const handler = s3Consumer({ service: 'tests', contract: s3ObjectCreated, deps: () => ({}), logger }, async (object) => {
      tried.push(object.key);
      if (object.key === 'uploads/a.jpg') throw new Error('resize failed');
      return applied();
    });

    // Act
    const outcome = handler(s3Event('uploads/a.jpg', 'uploads/b.jpg', 'uploads/%E0%A4%A.jpg'), lambdaContext());

    // Assess
    await expect(outcome).rejects.toMatchObject({ failed: [expect.objectContaining({ rawKey: 'uploads/a.jpg' }), expect.objectContaining({ rawKey: 'uploads/%E0%A4%A.jpg' })] });
    expect(tried).toEqual(['uploads/a.jpg', 'uploads/b.jpg']);
    expect(entries().filter((entry) => entry.level === 'error').map((entry) => entry.rawKey)).toEqual(['uploads/a.jpg', 'uploads/%E0%A4%A.jpg']);
  });
});
