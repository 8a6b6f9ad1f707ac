// The notes table's stream → note.changed: what each kind of record becomes on the topic, read back with the
// consumers' contract; the records it leaves alone; and failures reported for redelivery.
import type { PublishCommand } from '@aws-sdk/client-sns';
import { parseEvent } from '@photonotes/shared/contracts/event';
import { notePhotoChanged } from '@photonotes/shared/contracts/media-events';
import { noteChanged } from '@photonotes/shared/contracts/note-events';
import type { NoteItemImage } from '@photonotes/shared/contracts/notes-stream';
import { createLogger } from '@photonotes/shared/log';
import { lambdaContext } from '@photonotes/shared/testing/api-event';
import { streamRecord } from '@photonotes/shared/testing/lambda-events';
import { noteEventsTopic } from '../../src/adapters/note-events-topic';
import { publishNoteEventsHandler } from '../../src/functions/publish-note-events';
import { FakeSharedFeed } from './support/fake-shared-feed';

function setup() {
  const sent: PublishCommand[] = [];
  let seq = 0;
  const sharedFeed = new FakeSharedFeed(() => ++seq);
  /** What bob's shared feed held each time something was published. */
  const bobsFeedAtPublish: unknown[][] = [];
  const sns = {
    failNext: false,
    send: async (command: PublishCommand) => {
      if (sns.failNext) {
        sns.failNext = false;
        throw new Error('SNS is down');
      }
      bobsFeedAtPublish.push(sharedFeed.sliceAfter('bob', 0, 500).entries.map((entry) => entry.change));
      sent.push(command);
      return {};
    },
  };
  const noteTopic = 'arn:aws:sns:us-east-1:123456789012:note-events';
  const mediaTopic = 'arn:aws:sns:us-east-1:123456789012:media-events';
  const clock = { now: () => new Date('2026-11-28T10:00:00.000Z') };
  const build = jest.fn(() => ({ events: noteEventsTopic(noteTopic, sns, mediaTopic), sharedFeed, clock }));
  const handler = publishNoteEventsHandler(build, createLogger({ service: 'core-api', level: 'silent' }));
  const published = () =>
    sent
      .filter((command) => command.input.TopicArn === noteTopic)
      .map((command) => {
        const result = parseEvent(noteChanged, command.input.Message ?? '');
        if (result.kind !== 'parsed') throw new Error(`published a message the contract refuses: ${JSON.stringify(result)}`);
        return result.value;
      });
  const photoEvents = () =>
    sent
      .filter((command) => command.input.TopicArn === mediaTopic)
      .map((command) => {
        const result = parseEvent(notePhotoChanged, command.input.Message ?? '');
        if (result.kind !== 'parsed') throw new Error(`published a message the contract refuses: ${JSON.stringify(result)}`);
        return result.value;
      });
  return { handler, published, photoEvents, sns, build, sharedFeed, bobsFeedAtPublish };
}

function noteItem(overrides: Partial<NoteItemImage> = {}): Record<string, unknown> {
  const image = {
    entity: 'note',
    id: 'n1',
    ownerId: 'alice',
    title: 'Harbour',
    body: 'A long private text, which only the presented note carries.',
    tags: ['sea'],
    visibility: 'private',
    sharedWith: [],
    photo: { key: 'uploads/alice/k.jpg', status: 'pending', thumbnails: null },
    version: 1,
    createdAt: '2026-11-28T09:00:00.000Z',
    updatedAt: '2026-11-28T09:00:00.000Z',
    correlationId: 'req-create-0001',
    ...overrides,
  } satisfies NoteItemImage;
  return { pk: 'NOTE#n1', sk: 'NOTE', gsi1pk: 'OWNER#alice', gsi1sk: 'x', createHash: 'h', changeSeq: 7, ...image };
}

const keys = { pk: 'NOTE#n1', sk: 'NOTE' };
const v1 = noteItem();
const v2 = noteItem({ version: 2, sharedWith: ['bob'], updatedAt: '2026-11-28T09:05:00.000Z', correlationId: 'req-share-0002' });

describe('publishing note changes', () => {
  it('announces a created note, with the note as the API presents it, under the id of the request that wrote it', async () => {
    // Prepare
    const { handler, published } = setup();

    // Act
    const result = await handler({ Records: [streamRecord('100', 'INSERT', { keys, newItem: v1 })] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(published()).toEqual([
      {
        id: 'note.changed:n1:1',
        type: 'note.changed',
        version: 1,
        source: 'core-api',
        occurredAt: '2026-11-28T09:00:00.000Z',
        correlationId: 'req-create-0001',
        data: {
          noteId: 'n1',
          ownerId: 'alice',
          version: 1,
          change: 'created',
          title: 'Harbour',
          tags: ['sea'],
          visibility: 'private',
          sharedWith: [],
          photoStatus: 'pending',
          createdAt: '2026-11-28T09:00:00.000Z',
          updatedAt: '2026-11-28T09:00:00.000Z',
          previous: null,
          note: {
            id: 'n1',
            ownerId: 'alice',
            title: 'Harbour',
            body: 'A long private text, which only the presented note carries.',
            tags: ['sea'],
            visibility: 'private',
            sharedWith: [],
            photo: { key: 'uploads/alice/k.jpg', status: 'pending', thumbnails: null },
            version: 1,
            createdAt: '2026-11-28T09:00:00.000Z',
            updatedAt: '2026-11-28T09:00:00.000Z',
          },
        },
      },
    ]);
  });

  it('presents an update as the owner feed of GET /sync does, thumbnails included, and no table internals', async () => {
    // Prepare
    const { handler, published } = setup();
    const thumbnail = (width: number) => ({ url: `https://media.test/thumbs/k-${width}.webp?X-Amz-Signature=abc`, width, height: width / 2 });
    const ready = noteItem({ version: 3, photo: { key: 'uploads/alice/k.jpg', status: 'ready', thumbnails: { small: thumbnail(128), medium: thumbnail(512), large: thumbnail(1024) } } });

    // Act
    await handler({ Records: [streamRecord('400', 'MODIFY', { keys, newItem: ready, oldItem: v2 })] }, lambdaContext());

    // Assess
    const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, createHash: _hash, changeSeq: _seq, entity: _entity, correlationId: _correlation, ...presented } = ready;
    const [event] = published();
    expect(event?.data.note).toEqual(presented);
  });

  it('keeps a note at every limit, with a body that escapes to the most JSON, within SNS’s 256 KB', async () => {
    // Prepare
    const { handler, sns } = setup();
    const sizes: number[] = [];
    const send = sns.send;
    sns.send = async (command: PublishCommand) => {
      sizes.push(Buffer.byteLength(command.input.Message ?? '', 'utf8'));
      return send(command);
    };
    const longest = noteItem({
      title: '"'.repeat(200),
      body: '\u0001'.repeat(20_000),
      tags: Array.from({ length: 20 }, (_, i) => `${i}`.padEnd(40, '"')),
      sharedWith: Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(128, 'u')),
    });

    // Act
    const result = await handler({ Records: [streamRecord('500', 'INSERT', { keys, newItem: longest })] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sizes[0]).toBeGreaterThan(120_000);
    expect(sizes[0]).toBeLessThan(256 * 1024);
  });

  it('announces an update with who could see the note before it', async () => {
    // Prepare
    const { handler, published } = setup();

    // Act
    await handler({ Records: [streamRecord('200', 'MODIFY', { keys, newItem: v2, oldItem: v1 })] }, lambdaContext());

    // Assess
    expect(published()).toEqual([
      expect.objectContaining({
        id: 'note.changed:n1:2',
        correlationId: 'req-share-0002',
        data: expect.objectContaining({ version: 2, change: 'updated', sharedWith: ['bob'], previous: { version: 1, visibility: 'private', sharedWith: [] } }),
      }),
    ]);
  });

  it('announces a deletion with the note as it was, starting a correlation of its own', async () => {
    // Prepare
    const { handler, published } = setup();

    // Act
    await handler({ Records: [streamRecord('300', 'REMOVE', { keys, oldItem: v2 })] }, lambdaContext());

    // Assess
    const [event] = published();
    expect(event).toMatchObject({ id: 'note.changed:n1:2:deleted', correlationId: 'note.changed:n1:2:deleted', data: { version: 2, change: 'deleted', sharedWith: ['bob'], previous: null } });
  });

  it('publishes a redelivered record again under the same id, so consumers see a repeat', async () => {
    // Prepare
    const { handler, published } = setup();
    const record = streamRecord('100', 'INSERT', { keys, newItem: v1 });

    // Act
    await handler({ Records: [record] }, lambdaContext());
    await handler({ Records: [record] }, lambdaContext());

    // Assess
    expect(published().map((event) => event.id)).toEqual(['note.changed:n1:1', 'note.changed:n1:1']);
  });

  it('leaves the table’s other items alone, and fails a note item it cannot read', async () => {
    // Prepare
    const { handler, published } = setup();
    const share = streamRecord('100', 'INSERT', { keys: { pk: 'NOTE#n1', sk: 'SHARE#bob' }, newItem: { pk: 'NOTE#n1', sk: 'SHARE#bob', entity: 'share', note: v1 } });
    const broken = streamRecord('200', 'INSERT', { keys, newItem: { ...v1, ownerId: undefined } });

    // Act
    const result = await handler({ Records: [share, broken] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(published()).toEqual([]);
  });

  it('reports a record it could not publish, for redelivery; builds the topic client once, at the first record', async () => {
    // Prepare
    const { handler, published, sns, build } = setup();
    sns.failNext = true;
    const builtBefore = build.mock.calls.length;

    // Act
    const failed = await handler({ Records: [streamRecord('100', 'INSERT', { keys, newItem: v1 })] }, lambdaContext());
    const retried = await handler({ Records: [streamRecord('100', 'INSERT', { keys, newItem: v1 })] }, lambdaContext());

    // Assess
    expect(builtBefore).toBe(0);
    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: '100' }] });
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(published()).toHaveLength(1);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a note created with a photo', () => streamRecord('100', 'INSERT', { keys, newItem: v1 }), { version: 1, change: 'created', photoKey: 'uploads/alice/k.jpg' }],
    [
      'a photo replaced',
      () => streamRecord('200', 'MODIFY', { keys, oldItem: v1, newItem: noteItem({ version: 2, photo: { key: 'uploads/alice/other.jpg', status: 'pending', thumbnails: null } }) }),
      { version: 2, change: 'updated', photoKey: 'uploads/alice/other.jpg' },
    ],
    ['a photo removed', () => streamRecord('200', 'MODIFY', { keys, oldItem: v1, newItem: noteItem({ version: 2, photo: null }) }), { version: 2, change: 'updated', photoKey: null }],
    ['a note with a photo deleted', () => streamRecord('300', 'REMOVE', { keys, oldItem: v1 }), { version: 1, change: 'deleted', photoKey: 'uploads/alice/k.jpg' }],
  ])('tells thumbnails, on media-events, which upload the note uses after %s', async (_case, record, data) => {
    // Prepare
    const { handler, photoEvents } = setup();

    // Act
    await handler({ Records: [record()] }, lambdaContext());

    // Assess
    expect(photoEvents()).toEqual([expect.objectContaining({ type: 'note.photoChanged', source: 'core-api', data: { noteId: 'n1', ownerId: 'alice', ...data } })]);
  });

  it('says nothing on media-events when the photo stayed the same or there is none', async () => {
    // Prepare
    const { handler, photoEvents, published } = setup();
    const sameUploadReady = noteItem({ version: 2, photo: { key: 'uploads/alice/k.jpg', status: 'ready', thumbnails: null } });

    // Act
    await handler(
      {
        Records: [
          streamRecord('200', 'MODIFY', { keys, oldItem: v1, newItem: sameUploadReady }),
          streamRecord('300', 'INSERT', { keys: { pk: 'NOTE#n2', sk: 'NOTE' }, newItem: noteItem({ id: 'n2', photo: null }) }),
        ],
      },
      lambdaContext(),
    );

    // Assess
    expect(published()).toHaveLength(2);
    expect(photoEvents()).toEqual([]);
  });

  it('writes a share into the sharee’s shared feed before the change is announced', async () => {
    // Prepare
    const { handler, published, bobsFeedAtPublish, sharedFeed } = setup();

    // Act
    const result = await handler({ Records: [streamRecord('200', 'MODIFY', { keys, newItem: v2, oldItem: v1 })] }, lambdaContext());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(published()).toHaveLength(1);
    const bobsEntry = { op: 'upsert', note: expect.objectContaining({ id: 'n1', version: 2, sharedWith: ['bob'], body: v1.body }) };
    expect(bobsFeedAtPublish[0]).toEqual([bobsEntry]);
    expect(sharedFeed.sliceAfter('alice', 0, 500).entries).toEqual([]);
  });

  it('gives an unshared user and the sharees of a deleted note a delete', async () => {
    // Prepare
    const { handler, sharedFeed } = setup();
    const v3 = noteItem({ version: 3, sharedWith: ['carol'], updatedAt: '2026-11-28T09:10:00.000Z' });

    // Act
    await handler({ Records: [streamRecord('200', 'MODIFY', { keys, newItem: v2, oldItem: v1 }), streamRecord('300', 'MODIFY', { keys, newItem: v3, oldItem: v2 })] }, lambdaContext());
    const afterUnshare = sharedFeed.sliceAfter('bob', 0, 500).entries.map((entry) => entry.change);
    await handler({ Records: [streamRecord('400', 'REMOVE', { keys, oldItem: v3 })] }, lambdaContext());

    // Assess
    expect(afterUnshare).toEqual([{ op: 'delete', id: 'n1', deletedAt: '2026-11-28T09:10:00.000Z' }]);
    expect(sharedFeed.sliceAfter('carol', 0, 500).entries.map((entry) => entry.change)).toEqual([{ op: 'delete', id: 'n1', deletedAt: expect.any(String) }]);
  });

  it('announces nothing when the shared feed cannot be written, so the record is delivered again', async () => {
    // Prepare
    const { handler, published, sharedFeed } = setup();
    jest.spyOn(sharedFeed, 'record').mockRejectedValueOnce(new Error('DynamoDB is down'));

    // Act
    const failed = await handler({ Records: [streamRecord('200', 'MODIFY', { keys, newItem: v2, oldItem: v1 })] }, lambdaContext());
    const retried = await handler({ Records: [streamRecord('200', 'MODIFY', { keys, newItem: v2, oldItem: v1 })] }, lambdaContext());

    // Assess
    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(published()).toHaveLength(1);
    expect(sharedFeed.sliceAfter('bob', 0, 500).entries).toHaveLength(1);
  });
});
