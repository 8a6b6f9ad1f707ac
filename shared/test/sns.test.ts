// Publishing through a contract: the envelope, the attributes subscriptions filter on, the ids consumers
// deduplicate on, the correlation id carried from the HTTP request, and the payload checks.
import { PublishCommand } from '@aws-sdk/client-sns';
import { parseEvent } from '../src/contracts/event';
import { mediaProcessed } from '../src/contracts/media-events';
import { userDeleted } from '../src/contracts/user-events';
import { withCorrelationId } from '../src/correlation';
import { http, noContent } from '../src/http';
import { eventPublisher } from '../src/sns';
import type { SnsSender } from '../src/sns';
import { apiEvent, lambdaContext } from '../src/testing/api-event';
import { captureLogger } from './support/log-capture';

function fakeSns() {
  const sent: PublishCommand[] = [];
  const client: SnsSender = {
    send: async (command) => {
      sent.push(command);
      return { MessageId: 'm1' };
    },
  };
  return { client, sent, messages: () => sent.map((command) => JSON.parse(command.input.Message ?? '') as Record<string, unknown>) };
}

const topicArn = 'arn:aws:sns:us-east-1:123456789012:user-events';

describe('eventPublisher', () => {
  test('publishes the contract’s envelope as JSON, with type and version as message attributes', async () => {
    // Prepare
    const { client, sent, messages } = fakeSns();
    const publisher = eventPublisher(userDeleted, { topicArn, client });

    // Act
    const event = await publisher.publish({ userId: 'u1' });

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PublishCommand);
    expect(sent[0]?.input.TopicArn).toBe(topicArn);
    expect(sent[0]?.input.MessageAttributes).toEqual({ type: { DataType: 'String', StringValue: 'user.deleted' }, version: { DataType: 'String', StringValue: '1' } });
    expect(messages()[0]).toEqual(event);
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'user.deleted',
      version: 1,
      source: 'users',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      // Published outside any request or event: a correlation of its own.
      correlationId: event.id,
      data: { userId: 'u1' },
    });
  });

  test('what it publishes is what the consumers’ contract reads', async () => {
    // Prepare
    const { client, sent } = fakeSns();
    await eventPublisher(userDeleted, { topicArn, client }).publish({ userId: 'u1' }, { id: 'user.deleted:u1', correlationId: 'req-12345678' });

    // Act
    const result = parseEvent(userDeleted, sent[0]?.input.Message ?? '');

    // Assess
    expect(result).toMatchObject({ kind: 'parsed', value: { id: 'user.deleted:u1', correlationId: 'req-12345678', data: { userId: 'u1' } } });
  });

  test('each event gets its own id by default; a given id is kept, so a retried publish is a recognisable repeat', async () => {
    // Prepare
    const { client } = fakeSns();
    const publisher = eventPublisher(userDeleted, { topicArn, client });

    // Act
    const [a, b, c] = await Promise.all([publisher.publish({ userId: 'u1' }), publisher.publish({ userId: 'u1' }), publisher.publish({ userId: 'u1' }, { id: 'user.deleted:u1' })]);

    // Assess
    expect(a.id).not.toBe(b.id);
    expect(c.id).toBe('user.deleted:u1');
  });

  test('carries the current correlation id', async () => {
    // Prepare
    const { client } = fakeSns();
    const publisher = eventPublisher(userDeleted, { topicArn, client });

    // Act
    const event = await withCorrelationId('req-from-upstream', () => publisher.publish({ userId: 'u1' }));

    // Assess
    expect(event.correlationId).toBe('req-from-upstream');
  });

  test('an event published while handling an HTTP request carries its x-request-id', async () => {
    // Prepare
    const { client, messages } = fakeSns();
    const publisher = eventPublisher(userDeleted, { topicArn, client });
    const handler = http({ service: 'users', auth: false }, { logger: captureLogger().logger }).handler(async () => {
      await publisher.publish({ userId: 'u1' });
      return noContent();
    });

    // Act
    const response = await handler(apiEvent({ method: 'DELETE', path: '/users/me', headers: { 'x-request-id': 'client-request-42' } }), lambdaContext());

    // Assess
    expect(response.headers?.['x-request-id']).toBe('client-request-42');
    expect(messages()[0]).toMatchObject({ correlationId: 'client-request-42' });
  });

  test('refuses a payload its schema refuses, before anything is sent', async () => {
    // Prepare
    const { client, sent } = fakeSns();
    const publisher = eventPublisher(mediaProcessed, { topicArn, client });

    // Act
    const outcome = publisher.publish({ key: '', ownerId: 'u1', status: 'ready', thumbnails: null });

    // Assess
    await expect(outcome).rejects.toThrow(/key/);
    expect(sent).toHaveLength(0);
  });

  test('does not compile with a payload of another shape', async () => {
    // Prepare
    const { client, sent } = fakeSns();
    const publisher = eventPublisher(userDeleted, { topicArn, client });

    // Act
    // @ts-expect-error user.deleted carries userId
    const outcome = publisher.publish({ accountId: 'u1' });

    // Assess
    await expect(outcome).rejects.toThrow(/userId/);
    expect(sent).toHaveLength(0);
  });
});
