// S3's part for bucket lifecycle rules, which the S3 emulator does not run: each bucket's LifecycleConfiguration
// as declared in serverless.yml, its expiration rules applied the way S3 applies them (an object is due `days`
// after its creation, rounded up to the next midnight UTC; a rule's prefix and every tag of its TagFilters must
// match), then for each removed object the `LifecycleExpiration:Delete` notification S3 sends, delivered to the
// functions whose `s3` events ask for it. The platform sweeps once a day; `npm run lifecycle -- --at <time>` and
// tests sweep as of a later time (the accelerated clock), so "7 days later" takes a second.
import { DeleteObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import path from 'node:path';
import { localAccountId, localRegion } from '../emulators';
import { readYaml, type ServiceDefinition } from '../service-definitions';
import { resolveLocal } from './consumers';

export interface LifecycleExpirationRule {
  bucket: string;
  id: string;
  prefix: string;
  tags: Array<{ key: string; value: string }>;
  days: number;
}

interface RawBucket {
  Type?: string;
  Properties?: { BucketName?: unknown; LifecycleConfiguration?: { Rules?: Array<Record<string, unknown>> } };
}

/**
 * Rule properties the local sweeper plays or may leave alone: storage classes do not exist locally (transitions
 * change nothing a reader sees) and the emulator keeps no unfinished multipart uploads. A rule that uses another
 * filter or expiration stops the start, naming it.
 */
const playable = new Set(['Id', 'Status', 'Prefix', 'TagFilters', 'ExpirationInDays', 'AbortIncompleteMultipartUpload', 'Transitions', 'NoncurrentVersionTransitions']);

/** The enabled expiration rules of every bucket the services declare. */
export function declaredLifecycleRules(services: ServiceDefinition[]): LifecycleExpirationRule[] {
  return services.flatMap((service) => {
    const raw = readYaml<{ resources?: { Resources?: Record<string, RawBucket> } }>(path.join(service.dir, 'serverless.yml'));
    return Object.entries(raw.resources?.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::S3::Bucket')
      .flatMap(([logicalId, resource]) => {
        const bucket = resolveLocal(resource.Properties?.BucketName, service.serviceName);
        const rules = resource.Properties?.LifecycleConfiguration?.Rules ?? [];
        return rules.flatMap((rule, index): LifecycleExpirationRule[] => {
          const where = `${service.name}/serverless.yml: ${logicalId} lifecycle rule ${String(rule.Id ?? index)}`;
          const unknown = Object.keys(rule).filter((key) => !playable.has(key));
          if (unknown.length > 0) throw new Error(`${where}: the local lifecycle sweeper does not play ${unknown.join(', ')}`);
          if (rule.Status !== 'Enabled' || rule.ExpirationInDays === undefined) return [];
          const days = Number(resolveLocal(rule.ExpirationInDays, service.serviceName));
          if (typeof bucket !== 'string' || !Number.isInteger(days) || days < 1) throw new Error(`${where}: needs a bucket name and whole ExpirationInDays`);
          const tags = ((rule.TagFilters as Array<{ Key?: unknown; Value?: unknown }> | undefined) ?? []).map((tag) => ({ key: String(tag.Key), value: String(tag.Value) }));
          return [{ bucket, id: String(rule.Id ?? index), prefix: typeof rule.Prefix === 'string' ? rule.Prefix : '', tags, days }];
        });
      });
  });
}

const dayMs = 24 * 60 * 60 * 1000;

/** When S3 expires an object under a rule of `days`: its creation plus the days, rounded up to the next midnight UTC. */
export function expirationTime(created: Date, days: number): Date {
  const due = created.getTime() + days * dayMs;
  return new Date(Math.ceil(due / dayMs) * dayMs);
}

export interface ExpiredObject {
  rule: string;
  bucket: string;
  key: string;
}

export interface SweepOptions {
  s3: Pick<S3Client, 'send'>;
  rules: LifecycleExpirationRule[];
  /** The time the sweep acts as of (a later one plays days that have not passed yet). */
  at: Date;
  /** Only keys under this prefix (a test sweeps its own user's objects). */
  only?: string;
  /** Called with S3's notification for each object removed, once it is gone. */
  onExpired(record: S3EventRecord): Promise<unknown>;
}

async function tagsOf(s3: SweepOptions['s3'], bucket: string, key: string): Promise<Map<string, string> | undefined> {
  try {
    const out = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    return new Map((out.TagSet ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
    throw err;
  }
}

let sequence = 0;

/** The notification S3 sends for an object a lifecycle rule removed. */
export function lifecycleExpirationRecord(bucket: string, key: string, at: Date): S3EventRecord {
  sequence += 1;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: localRegion,
    eventTime: at.toISOString(),
    eventName: 'LifecycleExpiration:Delete',
    userIdentity: { principalId: 's3.amazonaws.com' },
    requestParameters: { sourceIPAddress: 's3.amazonaws.com' },
    responseElements: { 'x-amz-request-id': `lifecycle-${sequence}`, 'x-amz-id-2': `lifecycle-${sequence}` },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: '',
      bucket: { name: bucket, ownerIdentity: { principalId: localAccountId }, arn: `arn:aws:s3:::${bucket}` },
      // A removal names the key and its place in the bucket's event order, not the object's size or ETag.
      object: { key, size: 0, eTag: '', sequencer: `${Date.now().toString(16).toUpperCase()}${String(sequence).padStart(6, '0')}` },
    },
  };
}

/** Applies every rule as of `options.at`: removes what is due, then hands S3's notification of it on. */
export async function sweepLifecycle(options: SweepOptions): Promise<ExpiredObject[]> {
  const expired: ExpiredObject[] = [];
  for (const rule of options.rules) {
    // The rule's prefix, narrowed to `only` when that lies within it; a rule wholly outside `only` is left alone.
    let prefix = rule.prefix;
    if (options.only !== undefined) {
      if (options.only.startsWith(rule.prefix)) prefix = options.only;
      else if (!rule.prefix.startsWith(options.only)) continue;
    }
    let token: string | undefined;
    do {
      const page = await options.s3.send(new ListObjectsV2Command({ Bucket: rule.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        if (!object.Key || !object.LastModified) continue;
        if (expirationTime(object.LastModified, rule.days).getTime() > options.at.getTime()) continue;
        if (rule.tags.length > 0) {
          const tags = await tagsOf(options.s3, rule.bucket, object.Key);
          if (!tags || !rule.tags.every((tag) => tags.get(tag.key) === tag.value)) continue;
        }
        await options.s3.send(new DeleteObjectCommand({ Bucket: rule.bucket, Key: object.Key }));
        expired.push({ rule: rule.id, bucket: rule.bucket, key: object.Key });
        await options.onExpired(lifecycleExpirationRecord(rule.bucket, object.Key, options.at));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return expired;
}

/** A client for the S3 emulator at `port` (path-style, no streamed checksums: ARCHITECTURE.md's s3rver notes). */
export function emulatorS3Client(port: number): S3Client {
  return new S3Client({
    endpoint: `http://127.0.0.1:${port}`,
    region: localRegion,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

/** When the platform's next daily sweep is due: the next midnight UTC, as S3 runs lifecycle rules once a day. */
export function nextDailySweep(now: Date): Date {
  return new Date(Math.floor(now.getTime() / dayMs) * dayMs + dayMs);
}
