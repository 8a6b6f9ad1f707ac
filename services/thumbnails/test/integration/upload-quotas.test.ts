// Upload quotas through the real stack: 20 pending uploads per user (the 21st, even among concurrent requests, is a
// 429 with Retry-After), a processed upload frees its place, and the bytes declared per UTC day are capped.
// The limits are the local stage's params (serverless.common.yml).
import path from 'node:path';
import { readYaml, repoRoot } from '../../../../scripts/platform/service-definitions';
import { api } from '../../../../test/support/api';
import type { ErrorBody } from '../../../../test/support/api';
import { createTestUser } from '../../../../test/support/users';
import type { TestUser } from '../../../../test/support/users';
import { eventually } from '../support/local-aws';

jest.setTimeout(90_000);

const localParams = readYaml<{ params: { local: Record<string, string> } }>(path.join(repoRoot, 'serverless.common.yml')).params.local;
const maxPending = Number(localParams.uploadMaxPending);
const maxBytesPerDay = Number(localParams.uploadMaxBytesPerDay);
const maxFileBytes = 10 * 1024 * 1024;

interface UploadTicket {
  key: string;
  uploadUrl: string;
  headers: Record<string, string>;
  expiresAt: string;
}

function requestUpload(user: TestUser, size: number) {
  return api<UploadTicket & ErrorBody>('/media/uploads', { method: 'POST', token: user.accessToken, body: { contentType: 'image/jpeg', size } });
}

/** The app PUTs a few bytes that are not what it declared: processing refuses the file (`failed`), quickly. */
async function uploadSomethingElse(user: TestUser, ticket: UploadTicket): Promise<void> {
  const put = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: Buffer.from('not the declared file') });
  expect(put.status).toBe(200);
  const done = await eventually(async () => {
    const res = await api<{ status: string }>(`/media/${ticket.key}`, { token: user.accessToken });
    return res.body.status === 'pending' ? undefined : res.body.status;
  });
  expect(done).toBe('failed');
}

function secondsUntilNextUtcDay(): number {
  const now = Date.now();
  return Math.ceil((Math.floor(now / 86_400_000) * 86_400_000 + 86_400_000 - now) / 1000);
}

describe('pending uploads per user', () => {
  it(`answers ${maxPending} concurrent requests and refuses one more with 429 and a Retry-After until the first URL expires`, async () => {
    // Prepare
    expect(maxPending).toBe(20);
    const user = await createTestUser('pending');

    // Act
    const answers = await Promise.all(Array.from({ length: maxPending + 1 }, () => requestUpload(user, 1000)));

    // Assess
    const created = answers.filter((res) => res.status === 201);
    const refused = answers.filter((res) => res.status === 429);
    expect(created).toHaveLength(maxPending);
    expect(refused).toHaveLength(1);
    const [tooMany] = refused;
    expect(tooMany?.body.error).toMatchObject({ code: 'RATE_LIMITED', details: [{ quota: 'pendingUploads', limit: maxPending }] });
    const retryAfter = Number(tooMany?.headers.get('retry-after'));
    const firstExpiry = Math.min(...created.map((res) => Date.parse(res.body.expiresAt)));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(Math.abs(Date.now() + retryAfter * 1000 - firstExpiry)).toBeLessThan(5_000);
  });

  it('counts an upload as pending only until it is processed', async () => {
    // Prepare
    const user = await createTestUser('pending-done');
    const tickets = await Promise.all(Array.from({ length: maxPending }, () => requestUpload(user, 1000)));
    expect(tickets.every((res) => res.status === 201)).toBe(true);
    expect((await requestUpload(user, 1000)).status).toBe(429);
    const first = tickets[0]?.body;
    if (!first) throw new Error('no ticket');

    // Act
    await uploadSomethingElse(user, first);
    const after = await requestUpload(user, 1000);

    // Assess
    expect(after.status).toBe(201);
  });
});

describe('upload bytes per day', () => {
  it('refuses a request past the day’s bytes with 429 and a Retry-After until the next UTC day', async () => {
    // Prepare: the day's bytes requested at once, in files of the largest size, then one slot freed again.
    expect(maxBytesPerDay % maxFileBytes).toBe(0);
    const files = maxBytesPerDay / maxFileBytes;
    expect(files).toBeLessThanOrEqual(maxPending);
    const user = await createTestUser('bytes');
    const tickets = await Promise.all(Array.from({ length: files }, () => requestUpload(user, maxFileBytes)));
    expect(tickets.every((res) => res.status === 201)).toBe(true);
    const first = tickets[0]?.body;
    if (!first) throw new Error('no ticket');
    await uploadSomethingElse(user, first);

    // Act: a place is free, the bytes are not.
    const oneMore = await requestUpload(user, 1);
    const someoneElse = await requestUpload(await createTestUser('bytes-other'), maxFileBytes);

    // Assess
    expect(oneMore.status).toBe(429);
    expect(oneMore.body.error).toMatchObject({ code: 'RATE_LIMITED', details: [{ quota: 'uploadBytesPerDay', limit: maxBytesPerDay }] });
    const retryAfter = Number(oneMore.headers.get('retry-after'));
    expect(Math.abs(retryAfter - secondsUntilNextUtcDay())).toBeLessThanOrEqual(5);
    expect(someoneElse.status).toBe(201);
  });
});
