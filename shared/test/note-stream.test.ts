import { newSharees, noteFromStreamImage } from '../src/note-stream';

const noteImage = {
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
};

describe('noteFromStreamImage', () => {
  it('gives the public note fields of a note item, without the table internals', () => {
    // Act
    const note = noteFromStreamImage(noteImage);

    // Assess
    expect(note).toEqual({
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
    });
  });

  it('gives undefined for the other items of the table and for missing images', () => {
    // Act + Assess
    expect(noteFromStreamImage({ ...noteImage, sk: 'SHARE#u2', entity: 'share' })).toBeUndefined();
    expect(noteFromStreamImage({ pk: 'FEED#u1', sk: 'HEAD', entity: 'feed-head' })).toBeUndefined();
    expect(noteFromStreamImage(undefined)).toBeUndefined();
  });
});

describe('newSharees', () => {
  it('names the users a change added to sharedWith', () => {
    // Act + Assess
    expect(newSharees(noteImage, { ...noteImage, sharedWith: ['u2', 'u3', 'u4'] })).toEqual(['u3', 'u4']);
    expect(newSharees(undefined, noteImage)).toEqual(['u2']);
    expect(newSharees(noteImage, { ...noteImage, sharedWith: [] })).toEqual([]);
    expect(newSharees(noteImage, undefined)).toEqual([]);
  });
});
