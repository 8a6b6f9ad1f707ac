import { RateLimitedError } from '@photonotes/shared/errors';
import {
  admitUpload,
  claimOrder,
  dayCounterExpiry,
  epochSeconds,
  freeSlots,
  pendingRetryAfterSeconds,
  secondsUntilNextUtcDay,
  uploadQuotaPolicy,
  utcDay,
} from '../../src/domain/upload-quotas';
import type { AdmissionRequest, UploadQuotaPolicy } from '../../src/domain/upload-quotas';
import { createUpload } from '../../src/domain/uploads';
import { FakeMediaRepository, FakeUploadQuotas, fakeUrls, fixedClock } from '../support/fakes';

process.env.MEDIA_KEY_SECRET = 'unit-test-media-key-secret';

const policy: UploadQuotaPolicy = { maxPendingUploads: 20, maxUploadBytesPerDay: 100 };
const now = new Date('2026-11-28T09:00:00.000Z');
const urlExpiresAt = new Date('2026-11-28T09:15:00.000Z');

function request(index: number, overrides: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return { userId: 'user-1', mediaKey: `uploads/user-1/key-${index}.jpg`, size: 1, now, urlExpiresAt, ...overrides };
}

async function outcomeOf(promise: Promise<unknown>): Promise<'admitted' | RateLimitedError> {
  try {
    await promise;
    return 'admitted';
  } catch (err) {
    if (err instanceof RateLimitedError) return err;
    throw err;
  }
}

describe('the quota arithmetic', () => {
  it.each([
    ['2026-11-28T09:00:00.000Z', '2026-11-28'],
    ['2026-11-28T23:59:59.999Z', '2026-11-28'],
    ['2026-11-29T00:00:00.000Z', '2026-11-29'],
  ])('counts %s against the UTC day %s', (at, day) => {
    // Act / Assess
    expect(utcDay(new Date(at))).toBe(day);
  });

  it.each([
    ['2026-11-28T00:00:00.000Z', 86_400],
    ['2026-11-28T09:00:00.000Z', 54_000],
    ['2026-11-28T23:59:59.000Z', 1],
    ['2026-11-28T23:59:59.900Z', 1],
  ])('from %s the next UTC day is %i s away', (at, seconds) => {
    // Act / Assess
    expect(secondsUntilNextUtcDay(new Date(at))).toBe(seconds);
  });

  it('keeps a day counter until a day after its day ended', () => {
    // Act / Assess
    expect(dayCounterExpiry('2026-11-28')).toBe(epochSeconds(new Date('2026-11-30T00:00:00.000Z')));
  });

  it('counts as taken only the slots whose upload URL has not expired', () => {
    // Prepare
    const nowSeconds = epochSeconds(now);
    const taken = [
      { slot: 0, mediaKey: 'a', expiresAt: nowSeconds + 60 },
      { slot: 1, mediaKey: 'b', expiresAt: nowSeconds },
      { slot: 3, mediaKey: 'c', expiresAt: nowSeconds - 1 },
    ];

    // Act
    const free = freeSlots({ maxPendingUploads: 4 }, taken, nowSeconds);

    // Assess
    expect(free).toEqual([1, 2, 3]);
  });

  it('tells a caller over the pending limit to wait until the first pending URL expires', () => {
    // Prepare
    const nowSeconds = epochSeconds(now);
    const taken = [
      { slot: 0, mediaKey: 'a', expiresAt: nowSeconds + 600 },
      { slot: 1, mediaKey: 'b', expiresAt: nowSeconds + 42 },
      { slot: 2, mediaKey: 'c', expiresAt: nowSeconds - 5 },
      // Above a lowered limit: not one the caller could get.
      { slot: 7, mediaKey: 'd', expiresAt: nowSeconds + 3 },
    ];

    // Act
    const seconds = pendingRetryAfterSeconds({ maxPendingUploads: 3 }, taken, nowSeconds);

    // Assess
    expect(seconds).toBe(42);
  });

  it('tries every free slot once, from a random place', () => {
    // Act
    const order = claimOrder([2, 5, 6, 9], () => 0.5);

    // Assess
    expect(order).toEqual([6, 9, 2, 5]);
  });

  it.each([
    [{ maxPendingUploads: '20', maxUploadBytesPerDay: '209715200' }, { maxPendingUploads: 20, maxUploadBytesPerDay: 209_715_200 }],
  ])('reads the policy from the stage values', (values, expected) => {
    // Act / Assess
    expect(uploadQuotaPolicy(values)).toEqual(expected);
  });

  it.each([
    { maxPendingUploads: '0', maxUploadBytesPerDay: '100' },
    { maxPendingUploads: '100', maxUploadBytesPerDay: '100' },
    { maxPendingUploads: '20', maxUploadBytesPerDay: 'lots' },
    { maxPendingUploads: '2.5', maxUploadBytesPerDay: '100' },
  ])('refuses a policy that is not positive whole numbers within the slot keys (%o)', (values) => {
    // Act / Assess
    expect(() => uploadQuotaPolicy(values)).toThrow(/must be/);
  });
});

describe('admitUpload', () => {
  it('admits 20 concurrent uploads of one user into 20 different slots', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();

    // Act
    const admissions = await Promise.all(Array.from({ length: 20 }, (_, i) => admitUpload(request(i), { quotas, policy })));

    // Assess
    expect(new Set(admissions.map((admission) => admission.slot)).size).toBe(20);
    expect(quotas.pendingOf('user-1')).toHaveLength(20);
  });

  it('refuses exactly one of 21 concurrent uploads, with a Retry-After until the first URL expires', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();

    // Act
    const outcomes = await Promise.all(Array.from({ length: 21 }, (_, i) => outcomeOf(admitUpload(request(i), { quotas, policy }))));

    // Assess
    const refused = outcomes.filter((outcome): outcome is RateLimitedError => outcome !== 'admitted');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 429, code: 'RATE_LIMITED', details: [{ quota: 'pendingUploads', limit: 20 }], retryAfterSeconds: 900 });
    expect(quotas.pendingOf('user-1')).toHaveLength(20);
  });

  it("counts one user's pending uploads apart from another's", async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();
    await Promise.all(Array.from({ length: 20 }, (_, i) => admitUpload(request(i), { quotas, policy })));

    // Act
    const other = await outcomeOf(admitUpload(request(0, { userId: 'user-2', mediaKey: 'uploads/user-2/k.jpg' }), { quotas, policy }));

    // Assess
    expect(other).toBe('admitted');
  });

  it('frees the slot of an upload whose URL expired without being used', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();
    await Promise.all(Array.from({ length: 20 }, (_, i) => admitUpload(request(i), { quotas, policy })));
    const later = new Date(urlExpiresAt.getTime());

    // Act
    const admission = await admitUpload(request(20, { now: later, urlExpiresAt: new Date(later.getTime() + 900_000) }), { quotas, policy });

    // Assess
    expect(admission.slot).toBeGreaterThanOrEqual(0);
    expect(quotas.pendingOf('user-1')).toContain('uploads/user-1/key-20.jpg');
  });

  it('frees the slot of a processed upload at once', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();
    const admissions = await Promise.all(Array.from({ length: 20 }, (_, i) => admitUpload(request(i), { quotas, policy })));
    const first = admissions[0];
    if (!first) throw new Error('no admission');
    await quotas.releasePendingSlot({ userId: 'user-1', slot: first.slot, mediaKey: 'uploads/user-1/key-0.jpg' });

    // Act
    const admission = await admitUpload(request(20), { quotas, policy });

    // Assess
    expect(admission.slot).toBe(first.slot);
  });

  it('refuses the upload that would pass the day’s bytes, until the next UTC day, and gives its slot back', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();
    await admitUpload(request(0, { size: 60 }), { quotas, policy });

    // Act
    const refused = await outcomeOf(admitUpload(request(1, { size: 41 }), { quotas, policy }));
    const fits = await outcomeOf(admitUpload(request(2, { size: 40 }), { quotas, policy }));

    // Assess
    expect(refused).toMatchObject({ status: 429, details: [{ quota: 'uploadBytesPerDay', limit: 100 }], retryAfterSeconds: 54_000 });
    expect(fits).toBe('admitted');
    expect(quotas.pendingOf('user-1')).toEqual(['uploads/user-1/key-0.jpg', 'uploads/user-1/key-2.jpg']);
    expect(quotas.bytes.get('user-1/2026-11-28')).toBe(100);
  });

  it('never lets concurrent uploads of one user pass the day’s bytes', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();

    // Act
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => outcomeOf(admitUpload(request(i, { size: 15 }), { quotas, policy }))));

    // Assess
    expect(outcomes.filter((outcome) => outcome === 'admitted')).toHaveLength(6);
    expect(quotas.bytes.get('user-1/2026-11-28')).toBe(90);
    expect(quotas.pendingOf('user-1')).toHaveLength(6);
  });

  it('counts a new UTC day from zero', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();
    await admitUpload(request(0, { size: 100 }), { quotas, policy });
    const tomorrow = new Date('2026-11-29T00:00:01.000Z');

    // Act
    const outcome = await outcomeOf(admitUpload(request(1, { size: 100, now: tomorrow, urlExpiresAt: new Date(tomorrow.getTime() + 900_000) }), { quotas, policy }));

    // Assess
    expect(outcome).toBe('admitted');
  });

  it('refuses a file larger than a whole day’s bytes without counting it', async () => {
    // Prepare
    const quotas = new FakeUploadQuotas();

    // Act
    const outcome = await outcomeOf(admitUpload(request(0, { size: 101 }), { quotas, policy }));

    // Assess
    expect(outcome).toMatchObject({ status: 429 });
    expect(quotas.bytes.size).toBe(0);
    expect(quotas.pendingOf('user-1')).toEqual([]);
  });
});

describe('createUpload over a quota', () => {
  it('records nothing and hands out no URL', async () => {
    // Prepare
    const media = new FakeMediaRepository();
    const quotas = new FakeUploadQuotas();
    const deps = { media, urls: fakeUrls, quotas, quotaPolicy: { maxPendingUploads: 1, maxUploadBytesPerDay: 100 }, clock: fixedClock(now.toISOString()) };
    await createUpload({ contentType: 'image/jpeg', size: 10 }, 'user-1', deps);

    // Act
    const outcome = await outcomeOf(createUpload({ contentType: 'image/jpeg', size: 10 }, 'user-1', deps));

    // Assess
    expect(outcome).toMatchObject({ status: 429, retryAfterSeconds: 900 });
    expect(media.records.size).toBe(1);
    expect(quotas.bytes.get('user-1/2026-11-28')).toBe(10);
  });

  it('gives the slot and the bytes back when the record cannot be written', async () => {
    // Prepare
    const media = new FakeMediaRepository();
    media.create = () => Promise.reject(new Error('DynamoDB is down'));
    const quotas = new FakeUploadQuotas();
    const deps = { media, urls: fakeUrls, quotas, quotaPolicy: policy, clock: fixedClock(now.toISOString()) };

    // Act
    const outcome = createUpload({ contentType: 'image/jpeg', size: 10 }, 'user-1', deps);

    // Assess
    await expect(outcome).rejects.toThrow('DynamoDB is down');
    expect(quotas.pendingOf('user-1')).toEqual([]);
    expect(quotas.bytes.get('user-1/2026-11-28')).toBe(0);
  });
});
