// Test notes as core-api stores them, and DynamoDB stream records of them as Lambda receives them.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { keys } from '../../../src/adapters/keys';
import { homeOf, postingSetOf, postingsOf, shareesOf, shareTermsOf, termImpacts } from '../../../src/domain/index-entry';
import type { NoteSnapshot } from '../../../src/domain/index-entry';

export function note(overrides: Partial<NoteSnapshot> = {}): NoteSnapshot {
  return {
    id: 'n1',
    ownerId: 'alice',
    title: 'Crème brûlée',
    body: 'Burn the sugar with a torch.',
    tags: ['dessert'],
    visibility: 'private',
    sharedWith: [],
    version: 1,
    updatedAt: '2026-11-28T09:00:00.000Z',
    ...overrides,
  };
}

/** The note item of core-api's table, with the attributes search must ignore. */
function noteItem(snapshot: NoteSnapshot): Record<string, unknown> {
  return {
    pk: `NOTE#${snapshot.id}`,
    sk: 'NOTE',
    entity: 'note',
    gsi1pk: `OWNER#${snapshot.ownerId}`,
    gsi1sk: `2026-11-28T09:00:00.000Z#${snapshot.id}`,
    ...snapshot,
    photo: null,
    createdAt: '2026-11-28T09:00:00.000Z',
    createHash: 'hash',
    changeSeq: 1,
  };
}

const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;

let sequence = 100;

function record(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', key: Record<string, unknown>, newItem?: Record<string, unknown>, oldItem?: Record<string, unknown>): DynamoDBRecord {
  const seq = String(sequence++);
  return {
    eventID: `event-${seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: seq,
      Keys: image(key),
      ...(newItem ? { NewImage: image(newItem) } : {}),
      ...(oldItem ? { OldImage: image(oldItem) } : {}),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

export const streamRecords = {
  insert: (snapshot: NoteSnapshot) => record('INSERT', { pk: `NOTE#${snapshot.id}`, sk: 'NOTE' }, noteItem(snapshot)),
  modify: (previous: NoteSnapshot, next: NoteSnapshot) => record('MODIFY', { pk: `NOTE#${next.id}`, sk: 'NOTE' }, noteItem(next), noteItem(previous)),
  remove: (previous: NoteSnapshot) => record('REMOVE', { pk: `NOTE#${previous.id}`, sk: 'NOTE' }, undefined, noteItem(previous)),
  /** Any other item of the notes table (share copy, feed entry...). */
  other: (entity: string, item: Record<string, unknown> = {}) => record('INSERT', { pk: 'FEED#alice', sk: 'CHANGE#1' }, { pk: 'FEED#alice', sk: 'CHANGE#1', entity, ...item }),
};

export const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** The postings the index must hold for a note at this state, in FakeSearchIndex.postingsOfNote's form. */
export function expectedPostings(snapshot: NoteSnapshot): string[] {
  return postingsOf(postingSetOf([homeOf(snapshot)], termImpacts(snapshot)))
    .map((posting) => {
      const { pk, sk } = keys.posting(snapshot.id, posting);
      return `${pk} ${sk}`;
    })
    .sort();
}

/** The share entries the index must hold for a note at this state, in FakeSearchIndex.sharesOfNote's form. */
export function expectedShares(snapshot: NoteSnapshot): Array<{ pk: string; entry: { ownerId: string; terms: Record<string, number> | null } }> {
  return shareesOf(snapshot)
    .map((userId) => ({ pk: keys.share(userId, snapshot.id).pk, entry: { ownerId: snapshot.ownerId, terms: shareTermsOf(termImpacts(snapshot)) } }))
    .sort((a, b) => (a.pk < b.pk ? -1 : 1));
}
