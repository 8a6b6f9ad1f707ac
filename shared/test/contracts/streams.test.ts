// The notes and things tables' stream contracts and the S3 notification contract: which records they cover, and what they
// make of covered ones.
import { notesStream } from '../../src/contracts/notes-stream';
import type { NoteItemImage } from '../../src/contracts/notes-stream';
import { s3LifecycleExpiration, s3ObjectCreated } from '../../src/contracts/s3-object-created';
import { parseStreamChange } from '../../src/contracts/stream';
import { thingsStream } from '../../src/contracts/things-stream';
import { s3Event } from '../../src/testing/lambda-events';

const noteItem = {
  pk: 'NOTE#n1',
  sk: 'NOTE',
  entity: 'note',
  gsi1pk: 'OWNER#u1',
  gsi1sk: '2026-11-28T09:00:00.000Z#n1',
  createHash: 'internal',
  changeSeq: 1,
  id: 'n1',
  ownerId: 'u1',
  title: 'T',
  body: 'B',
  tags: ['a'],
  visibility: 'private',
  sharedWith: ['u2'],
  photo: null,
  version: 2,
  createdAt: '2026-11-28T09:00:00.000Z',
  updatedAt: '2026-11-28T09:05:00.000Z',
  correlationId: 'req-12345678',
};

const note = {
  entity: 'note',
  id: 'n1',
  ownerId: 'u1',
  title: 'T',
  body: 'B',
  tags: ['a'],
  visibility: 'private',
  sharedWith: ['u2'],
  photo: null,
  version: 2,
  createdAt: '2026-11-28T09:00:00.000Z',
  updatedAt: '2026-11-28T09:05:00.000Z',
  correlationId: 'req-12345678',
};

describe('notes stream v1', () => {
  it('gives the note fields of both images, without the table internals', () => {
    // Act
    const result = parseStreamChange(notesStream, { eventName: 'MODIFY', newImage: noteItem, oldImage: { ...noteItem, version: 1, sharedWith: [] } });

    // Assess
    expect(result).toEqual({ kind: 'parsed', value: { eventName: 'MODIFY', newImage: note, oldImage: { ...note, version: 1, sharedWith: [] } } });
  });

  it('reads a deletion from its old image, and sharedWith stored as a string set', () => {
    // Act
    const result = parseStreamChange(notesStream, { eventName: 'REMOVE', newImage: undefined, oldImage: { ...noteItem, sharedWith: new Set(['u2', 'u3']) } });

    // Assess
    expect(result).toEqual({ kind: 'parsed', value: { eventName: 'REMOVE', newImage: undefined, oldImage: { ...note, sharedWith: ['u2', 'u3'] } } });
  });

  it('calls the other items of the table foreign', () => {
    // Act
    const results = [
      parseStreamChange(notesStream, { eventName: 'INSERT', newImage: { ...noteItem, sk: 'SHARE#u2', entity: 'share' }, oldImage: undefined }),
      parseStreamChange(notesStream, { eventName: 'MODIFY', newImage: { pk: 'FEED#u1', sk: 'HEAD', entity: 'feed-head' }, oldImage: { pk: 'FEED#u1', sk: 'HEAD', entity: 'feed-head' } }),
      parseStreamChange(notesStream, { eventName: 'REMOVE', newImage: undefined, oldImage: undefined }),
    ];

    // Assess
    expect(results.map((result) => result.kind)).toEqual(['foreign', 'foreign', 'foreign']);
  });

  it('calls a note item it cannot read invalid, naming the image and the field', () => {
    // Act
    const result = parseStreamChange(notesStream, { eventName: 'MODIFY', newImage: { ...noteItem, version: 'two' }, oldImage: { ...noteItem, title: undefined } });

    // Assess
    expect(result).toEqual({ kind: 'invalid', issues: [expect.stringMatching(/^newImage\.version: /), expect.stringMatching(/^oldImage\.title: /)] });
  });

  it('holds the writer to the item shape at compile time', () => {
    // Prepare: what core-api's repository does with `satisfies NoteItemImage`.
    const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, createHash: _hash, changeSeq: _seq, ...image } = { ...noteItem, entity: 'note' as const, visibility: 'private' as const };
    const written = image satisfies NoteItemImage;
    const { ownerId: _owner, ...withoutOwner } = written;
    // @ts-expect-error a note item without ownerId is not one
    const broken: NoteItemImage = withoutOwner;

    // Act
    const results = [parseStreamChange(notesStream, { eventName: 'INSERT', newImage: written, oldImage: undefined }), parseStreamChange(notesStream, { eventName: 'INSERT', newImage: broken, oldImage: undefined })];

    // Assess
    expect(results.map((result) => result.kind)).toEqual(['parsed', 'invalid']);
  });
});

describe('things stream v1 (KEYS_ONLY)', () => {
  const thingKey = { pk: 'THING#3f0c5a1e-8d2b-4c1a-9e7f-0a1b2c3d4e5f', sk: 'THING' };

  it("gives a thing record's id, from the key, as the images its change has", () => {
    // Act
    const results = (['INSERT', 'MODIFY', 'REMOVE'] as const).map((eventName) => parseStreamChange(thingsStream, { eventName, newImage: undefined, oldImage: undefined, keys: thingKey }));

    // Assess
    const thing = { thingId: '3f0c5a1e-8d2b-4c1a-9e7f-0a1b2c3d4e5f' };
    expect(results).toEqual([
      { kind: 'parsed', value: { eventName: 'INSERT', newImage: thing, oldImage: undefined } },
      { kind: 'parsed', value: { eventName: 'MODIFY', newImage: thing, oldImage: thing } },
      { kind: 'parsed', value: { eventName: 'REMOVE', newImage: undefined, oldImage: thing } },
    ]);
  });

  it("calls the thing's other records and the owner counts foreign, and a thing key it cannot read invalid", () => {
    // Act
    const remove = (keys: Record<string, unknown>) => parseStreamChange(thingsStream, { eventName: 'REMOVE', newImage: undefined, oldImage: undefined, keys });
    const results = [
      remove({ ...thingKey, sk: 'DEVICE' }),
      remove({ ...thingKey, sk: 'SERIES#temp' }),
      remove({ pk: 'OWNER#u1', sk: 'THINGS' }),
      remove({ pk: 'THING#a#b', sk: 'THING' }),
    ];

    // Assess
    expect(results.map((result) => result.kind)).toEqual(['foreign', 'foreign', 'foreign', 'invalid']);
  });
});

describe('s3:ObjectCreated v1', () => {
  it('decodes keys the way S3 encodes them ("+" for space, %XX escapes) and names the S3 request', () => {
    // Act
    const result = s3ObjectCreated.parse(s3Event('uploads/u1/my+photo%C3%A9%2B1.jpg').Records[0]);

    // Assess
    expect(result).toEqual({
      kind: 'parsed',
      value: { eventName: 'ObjectCreated:Put', bucket: 'media', key: 'uploads/u1/my photoé+1.jpg', size: 1000, eTag: 'etag-0', requestId: 's3-request-0' },
    });
  });

  it('calls other S3 notifications foreign and an unreadable created object invalid', () => {
    // Prepare
    const [record] = s3Event('uploads/a.jpg').Records;

    // Act
    const results = [
      s3ObjectCreated.parse({ ...record, eventName: 'ObjectRemoved:Delete' }),
      s3ObjectCreated.parse({ Event: 's3:TestEvent' }),
      s3ObjectCreated.parse({ ...record, s3: { bucket: { name: 'media' }, object: {} } }),
      s3ObjectCreated.parse({ ...record, s3: { bucket: { name: 'media' }, object: { key: 'uploads/%E0%A4%A.jpg' } } }),
    ];

    // Assess
    expect(results.map((result) => result.kind)).toEqual(['foreign', 'foreign', 'invalid', 'invalid']);
  });
});

describe('s3:LifecycleExpiration v1', () => {
  it('reads an expiration and leaves created objects to their own reader', () => {
    // Prepare
    const [record] = s3Event('uploads/u1/a%2Bb.jpg').Records;

    // Act
    const expired = s3LifecycleExpiration.parse({ ...record, eventName: 'LifecycleExpiration:Delete' });
    const created = s3LifecycleExpiration.parse(record);
    const asCreated = s3ObjectCreated.parse({ ...record, eventName: 'LifecycleExpiration:Delete' });

    // Assess
    expect(expired).toMatchObject({ kind: 'parsed', value: { eventName: 'LifecycleExpiration:Delete', key: 'uploads/u1/a+b.jpg' } });
    expect(created.kind).toBe('foreign');
    expect(asCreated.kind).toBe('foreign');
  });
});
