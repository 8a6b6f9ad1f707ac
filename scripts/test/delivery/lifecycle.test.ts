import type { S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { declaredLifecycleRules, expirationTime, nextDailySweep, sweepLifecycle } from '../../platform/delivery/lifecycle';
import type { LifecycleExpirationRule } from '../../platform/delivery/lifecycle';
import { loadServiceDefinitions } from '../../platform/service-definitions';

interface FakeObject {
  key: string;
  lastModified: Date;
  tags: Record<string, string>;
}

/** ListObjectsV2 (two keys a page), GetObjectTagging and DeleteObject over a map of objects. */
function fakeS3(objects: FakeObject[]) {
  const store = new Map(objects.map((object) => [object.key, object]));
  const deleted: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const { input } = command;
      switch (command.constructor.name) {
        case 'ListObjectsV2Command': {
          const keys = [...store.keys()].filter((key) => key.startsWith(String(input.Prefix ?? ''))).sort();
          const start = input.ContinuationToken ? Number(input.ContinuationToken) : 0;
          const page = keys.slice(start, start + 2);
          const more = start + 2 < keys.length;
          return { Contents: page.map((key) => ({ Key: key, LastModified: store.get(key)?.lastModified })), IsTruncated: more, NextContinuationToken: more ? String(start + 2) : undefined };
        }
        case 'GetObjectTaggingCommand':
          return { TagSet: Object.entries(store.get(String(input.Key))?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
        case 'DeleteObjectCommand':
          store.delete(String(input.Key));
          deleted.push(String(input.Key));
          return {};
        default:
          throw new Error(`unexpected ${command.constructor.name}`);
      }
    },
  } as unknown as Pick<S3Client, 'send'>;
  return { client, deleted, store };
}

const rule: LifecycleExpirationRule = { bucket: 'media', id: 'expire-unreferenced-originals', prefix: 'uploads/', tags: [{ key: 'photonotes:referenced', value: 'false' }], days: 7 };
const uploadedAt = new Date('2026-11-28T09:00:00.000Z');

describe('the local lifecycle sweeper (S3 lifecycle rules)', () => {
  it('counts the days from creation and rounds up to the next midnight UTC, as S3 does', () => {
    expect(expirationTime(uploadedAt, 7).toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(expirationTime(new Date('2026-11-28T00:00:00.000Z'), 7).toISOString()).toBe('2026-12-05T00:00:00.000Z');
  });

  it('sweeps next at midnight UTC', () => {
    expect(nextDailySweep(uploadedAt).toISOString()).toBe('2026-11-29T00:00:00.000Z');
  });

  it('expires what is due, under the prefix, with every tag of the filter, and sends S3’s notification for each', async () => {
    // Prepare
    const { client, deleted, store } = fakeS3([
      { key: 'uploads/u1/orphan.jpg', lastModified: uploadedAt, tags: { 'photonotes:referenced': 'false' } },
      { key: 'uploads/u1/used.jpg', lastModified: uploadedAt, tags: { 'photonotes:referenced': 'true' } },
      { key: 'uploads/u1/untagged.jpg', lastModified: uploadedAt, tags: {} },
      { key: 'uploads/u2/young.jpg', lastModified: new Date('2026-12-01T00:00:00.000Z'), tags: { 'photonotes:referenced': 'false' } },
      { key: 'uploads/u2/old.jpg', lastModified: uploadedAt, tags: { 'photonotes:referenced': 'false' } },
      { key: 'thumbs/u1/orphan/small.webp', lastModified: uploadedAt, tags: { 'photonotes:referenced': 'false' } },
    ]);
    const records: S3EventRecord[] = [];

    // Act
    const expired = await sweepLifecycle({ s3: client, rules: [rule], at: new Date('2026-12-06T00:00:00.000Z'), onExpired: async (record) => records.push(record) });

    // Assess
    expect(expired.map((object) => object.key)).toEqual(['uploads/u1/orphan.jpg', 'uploads/u2/old.jpg']);
    expect(deleted).toEqual(['uploads/u1/orphan.jpg', 'uploads/u2/old.jpg']);
    expect(store.has('thumbs/u1/orphan/small.webp')).toBe(true);
    expect(records.map((record) => [record.eventName, record.s3.bucket.name, record.s3.object.key])).toEqual([
      ['LifecycleExpiration:Delete', 'media', 'uploads/u1/orphan.jpg'],
      ['LifecycleExpiration:Delete', 'media', 'uploads/u2/old.jpg'],
    ]);
  });

  it('leaves everything a day early, and sweeps only under `only` when told', async () => {
    // Prepare
    const objects = [
      { key: 'uploads/u1/a.jpg', lastModified: uploadedAt, tags: { 'photonotes:referenced': 'false' } },
      { key: 'uploads/u2/b.jpg', lastModified: uploadedAt, tags: { 'photonotes:referenced': 'false' } },
    ];
    const early = fakeS3(objects);
    const scoped = fakeS3(objects);

    // Act
    const none = await sweepLifecycle({ s3: early.client, rules: [rule], at: new Date('2026-12-05T23:59:59.000Z'), onExpired: async () => undefined });
    const mine = await sweepLifecycle({ s3: scoped.client, rules: [rule], at: new Date('2026-12-06T00:00:00.000Z'), only: 'uploads/u2/', onExpired: async () => undefined });
    const outside = await sweepLifecycle({ s3: scoped.client, rules: [rule], at: new Date('2026-12-06T00:00:00.000Z'), only: 'thumbs/', onExpired: async () => undefined });

    // Assess
    expect(none).toEqual([]);
    expect(mine.map((object) => object.key)).toEqual(['uploads/u2/b.jpg']);
    expect(outside).toEqual([]);
  });

  it('reads the rules the services declare, with their local values', () => {
    // Act
    const rules = declaredLifecycleRules(loadServiceDefinitions());

    // Assess
    expect(rules).toEqual(
      expect.arrayContaining([
        { bucket: 'photonotes-local-media', id: 'expire-unreferenced-originals', prefix: 'uploads/', tags: [{ key: 'photonotes:referenced', value: 'false' }], days: 7 },
        { bucket: 'photonotes-local-analytics-results', id: 'expire-query-results', prefix: '', tags: [], days: 7 },
      ]),
    );
    // Rules that only abort uploads or change storage classes have nothing to expire.
    expect(rules.map((r) => r.id)).not.toContain('raw-events-infrequent-access');
  });
});
