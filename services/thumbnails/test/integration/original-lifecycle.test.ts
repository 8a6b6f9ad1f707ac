// Originals no note uses are removed 7 days after their upload, by the media bucket's lifecycle rule: played here
// by the platform's lifecycle sweeper (scripts/platform/delivery/lifecycle.ts) as of a later day, the accelerated
// clock. Processing tags each original photonotes:referenced=false, a note that uses it turns the tag true
// (core-api's note.photoChanged → thumbnails), and the expiration's notification removes the record and thumbnails.
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { deadLetterDir, localAsyncDeps } from '../../../../scripts/platform/delivery';
import { loadConsumers, type S3Consumer } from '../../../../scripts/platform/delivery/consumers';
import { DeadLetterStore } from '../../../../scripts/platform/delivery/dead-letters';
import { localLambdaInvoker } from '../../../../scripts/platform/delivery/lambda-invoke';
import { declaredLifecycleRules, sweepLifecycle } from '../../../../scripts/platform/delivery/lifecycle';
import type { ExpiredObject } from '../../../../scripts/platform/delivery/lifecycle';
import { deliverS3Record } from '../../../../scripts/platform/delivery/s3-delivery';
import { loadServiceDefinitions } from '../../../../scripts/platform/service-definitions';
import { api } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { solidPng } from '../support/images';
import { eventually, listKeys, localS3, mediaBucket } from '../support/local-aws';

jest.setTimeout(90_000);

const services = loadServiceDefinitions();
const lambda = localLambdaInvoker(services);
const s3 = localS3();
const dayMs = 24 * 60 * 60 * 1000;

afterAll(() => {
  lambda.destroy();
  s3.destroy();
});

interface MediaView {
  status: string;
  thumbnails: { small: { url: string } } | null;
}

/** An uploaded and processed photo of the user. */
async function uploadPhoto(user: TestUser, colour: string): Promise<string> {
  const image = await solidPng(64, 48, colour);
  const ticket = await api<{ key: string; uploadUrl: string; headers: Record<string, string> }>('/media/uploads', {
    method: 'POST',
    token: user.accessToken,
    body: { contentType: 'image/png', size: image.byteLength },
  });
  expect(ticket.status).toBe(201);
  expect((await fetch(ticket.body.uploadUrl, { method: 'PUT', headers: ticket.body.headers, body: image })).status).toBe(200);
  const status = await eventually(async () => {
    const res = await api<MediaView>(`/media/${ticket.body.key}`, { token: user.accessToken });
    return res.body.status === 'pending' ? undefined : res.body.status;
  });
  expect(status).toBe('ready');
  return ticket.body.key;
}

async function referencedTag(key: string): Promise<string | undefined> {
  const out = await s3.send(new GetObjectTaggingCommand({ Bucket: mediaBucket, Key: key }));
  return out.TagSet?.find((tag) => tag.Key === 'photonotes:referenced')?.Value;
}

async function tagBecomes(key: string, value: 'true' | 'false'): Promise<void> {
  const seen = await eventually(async () => ((await referencedTag(key)) === value ? value : undefined));
  expect(seen).toBe(value);
}

/** The lifecycle rules applied to the user's objects as of `at`, each expiration delivered as S3 would. */
function sweepAsOf(user: TestUser, at: Date): Promise<ExpiredObject[]> {
  const consumers = loadConsumers(services).filter((c): c is S3Consumer => c.source === 's3');
  const deps = localAsyncDeps({ invoke: lambda.invoke, deadLetters: new DeadLetterStore(deadLetterDir(process.env.TEST_PLATFORM_DATA_DIR as string)), log: () => undefined });
  return sweepLifecycle({
    s3,
    rules: declaredLifecycleRules(services),
    at,
    only: `uploads/${user.userId}/`,
    onExpired: async (record) => expect(await deliverS3Record(consumers, record, deps)).toEqual(['delivered']),
  });
}

const thumbnailsOf = (key: string) => key.replace(/^uploads\//, 'thumbs/').replace(/\.\w+$/, '/');

describe('originals no note references', () => {
  it('are removed with their thumbnails and record once 7 days old, while a referenced one stays', async () => {
    // Prepare: an orphan, and one a note uses.
    const user = await createTestUser('lifecycle');
    const orphan = await uploadPhoto(user, '#aa3355');
    const used = await uploadPhoto(user, '#3355aa');
    const note = await api<{ id: string }>('/notes', { method: 'POST', token: user.accessToken, body: { title: 'Keeps its photo', photoKey: used } });
    expect(note.status).toBe(201);
    await tagBecomes(used, 'true');
    await tagBecomes(orphan, 'false');
    expect(await listKeys(s3, thumbnailsOf(orphan))).toHaveLength(3);

    // Act
    const sixDaysOn = await sweepAsOf(user, new Date(Date.now() + 6 * dayMs));
    const eightDaysOn = await sweepAsOf(user, new Date(Date.now() + 8 * dayMs));

    // Assess
    expect(sixDaysOn).toEqual([]);
    expect(eightDaysOn.map((object) => object.key)).toEqual([orphan]);
    expect(await listKeys(s3, `uploads/${user.userId}/`)).toEqual([used]);
    expect(await listKeys(s3, thumbnailsOf(orphan))).toEqual([]);
    expect((await api(`/media/${orphan}`, { token: user.accessToken })).status).toBe(404);
    const kept = await api<MediaView>(`/media/${used}`, { token: user.accessToken });
    expect(kept.body.status).toBe('ready');
    expect(await listKeys(s3, thumbnailsOf(used))).toHaveLength(3);
    const shown = await api<{ photo: { status: string } | null }>(`/notes/${note.body.id}`, { token: user.accessToken });
    expect(shown.body.photo?.status).toBe('ready');
  });

  it('lets an original go once the last note using it lets it go', async () => {
    // Prepare
    const user = await createTestUser('lifecycle-drop');
    const key = await uploadPhoto(user, '#55aa33');
    const first = await api<{ id: string }>('/notes', { method: 'POST', token: user.accessToken, body: { title: 'First', photoKey: key } });
    const second = await api<{ id: string }>('/notes', { method: 'POST', token: user.accessToken, body: { title: 'Second', photoKey: key } });
    await tagBecomes(key, 'true');

    // Act: one note drops the photo, the other is deleted.
    expect((await api(`/notes/${first.body.id}`, { method: 'PATCH', token: user.accessToken, body: { photoKey: null } })).status).toBe(200);
    const stillUsed = await sweepAsOf(user, new Date(Date.now() + 8 * dayMs));
    expect((await api(`/notes/${second.body.id}`, { method: 'DELETE', token: user.accessToken })).status).toBe(204);
    await tagBecomes(key, 'false');
    const unused = await sweepAsOf(user, new Date(Date.now() + 8 * dayMs));

    // Assess
    expect(stillUsed).toEqual([]);
    expect(unused.map((object) => object.key)).toEqual([key]);
    expect((await api(`/media/${key}`, { token: user.accessToken })).status).toBe(404);
  });
});
