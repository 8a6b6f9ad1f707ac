import { PublishCommand } from '@aws-sdk/client-sns';
import * as z from 'zod/mini';
import { createEventPublisher, domainEventEnvelope } from '../src/sns';
import type { SnsSender } from '../src/sns';

function fakeSns() {
  const sent: PublishCommand[] = [];
  const client: SnsSender = {
    send: async (command) => {
      sent.push(command);
      return { MessageId: 'm1' };
    },
  };
  return { client, sent };
}

const topicArn = 'arn:aws:sns:us-east-1:123456789012:media-events';

describe('createEventPublisher', () => {
  test('publishes the envelope as JSON with the type as a message attribute', async () => {
    // Prepare
    const { client, sent } = fakeSns();
    const publisher = createEventPublisher({ topicArn, source: 'thumbnails', client });

    // Act
    const event = await publisher.publish('media.ready', { key: 'uploads/u1/a.jpg' });

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(PublishCommand);
    expect(sent[0]?.input.TopicArn).toBe(topicArn);
    expect(sent[0]?.input.MessageAttributes).toEqual({ type: { DataType: 'String', StringValue: 'media.ready' } });
    expect(JSON.parse(sent[0]?.input.Message ?? '')).toEqual(event);
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'media.ready',
      source: 'thumbnails',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { key: 'uploads/u1/a.jpg' },
    });
  });

  test('uses the given id, so a retried publish keeps the id consumers deduplicate on', async () => {
    // Prepare
    const { client, sent } = fakeSns();
    const publisher = createEventPublisher({ topicArn, source: 'core-api', client });

    // Act
    await publisher.publish('note.shared', { noteId: 'n1' }, { id: 'note.shared:n1:u2' });

    // Assess
    expect(JSON.parse(sent[0]?.input.Message ?? '').id).toBe('note.shared:n1:u2');
  });

  test('each event gets its own id by default', async () => {
    // Prepare
    const { client } = fakeSns();
    const publisher = createEventPublisher({ topicArn, source: 'core-api', client });

    // Act
    const [a, b] = await Promise.all([publisher.publish('x', {}), publisher.publish('x', {})]);

    // Assess
    expect(a.id).not.toBe(b.id);
  });

  test('a published event validates against its envelope schema', async () => {
    // Prepare
    const { client, sent } = fakeSns();
    const schema = domainEventEnvelope(z.object({ key: z.string() }), 'media.ready');
    await createEventPublisher({ topicArn, source: 'thumbnails', client }).publish('media.ready', { key: 'k' });

    // Act
    const result = schema.safeParse(JSON.parse(sent[0]?.input.Message ?? ''));

    // Assess
    expect(result.success).toBe(true);
  });
});

describe('domainEventEnvelope', () => {
  const data = z.object({ key: z.string() });

  test.each([
    ['a different type', { id: 'e1', type: 'media.failed', occurredAt: '2026-11-28T09:00:00.000Z', data: { key: 'k' } }],
    ['no id', { type: 'media.ready', occurredAt: '2026-11-28T09:00:00.000Z', data: { key: 'k' } }],
    ['a non-ISO occurredAt', { id: 'e1', type: 'media.ready', occurredAt: 'yesterday', data: { key: 'k' } }],
    ['invalid data', { id: 'e1', type: 'media.ready', occurredAt: '2026-11-28T09:00:00.000Z', data: { key: 1 } }],
  ])('rejects %s', (_case, message) => {
    // Act
    const result = domainEventEnvelope(data, 'media.ready').safeParse(message);

    // Assess
    expect(result.success).toBe(false);
  });

  test('without a type literal, any non-empty type is accepted', () => {
    // Act
    const result = domainEventEnvelope(data).safeParse({ id: 'e1', type: 'anything', occurredAt: '2026-11-28T09:00:00.000Z', data: { key: 'k' } });

    // Assess
    expect(result.success).toBe(true);
  });
});
