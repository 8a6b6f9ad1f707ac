// Per-user upload quotas (POST /media/uploads): how many uploads may be pending at once, and how many bytes may
// be declared per UTC day. Both are held with atomic conditional writes (TABLES.md, "Upload quotas"), so
// concurrent requests of one user never overshoot; over either limit is a 429 with an honest Retry-After.
import { positiveIntegerParam } from '@photonotes/shared/env';
import { RateLimitedError } from '@photonotes/shared/errors';
import type { UploadQuotas } from './ports';

export interface UploadQuotaPolicy {
  /** Uploads created and not yet processed (or expired), per user. */
  maxPendingUploads: number;
  /** Declared `size` summed per user and UTC day. */
  maxUploadBytesPerDay: number;
}

/** A pending-upload slot in use: which upload holds it and when it frees itself (epoch seconds). */
export interface PendingSlot {
  slot: number;
  mediaKey: string;
  expiresAt: number;
}

export interface UploadAdmission {
  /** The slot the new upload holds until it is processed or its URL expires. */
  slot: number;
  day: string;
}

const dayMs = 24 * 60 * 60 * 1000;

export function epochSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/** The UTC day a moment falls in, `YYYY-MM-DD`: the bytes counter it counts against. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Whole seconds from `at` to the next UTC midnight, at least 1: when a day's bytes quota starts afresh. */
export function secondsUntilNextUtcDay(at: Date): number {
  const next = Math.floor(at.getTime() / dayMs) * dayMs + dayMs;
  return Math.max(1, Math.ceil((next - at.getTime()) / 1000));
}

/** When a day's counter may go (epoch seconds): a day after that day ended, so it outlives every request of it. */
export function dayCounterExpiry(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) / 1000 + 2 * 24 * 60 * 60;
}

/** The slots a new upload may take: every index under the limit that no unexpired upload holds. */
export function freeSlots(policy: Pick<UploadQuotaPolicy, 'maxPendingUploads'>, taken: PendingSlot[], nowSeconds: number): number[] {
  const live = new Set(taken.filter((slot) => slot.expiresAt > nowSeconds).map((slot) => slot.slot));
  const free: number[] = [];
  for (let slot = 0; slot < policy.maxPendingUploads; slot++) if (!live.has(slot)) free.push(slot);
  return free;
}

/**
 * Seconds until the first unexpired pending upload within the limit frees its slot (its URL expires), at least 1.
 * Processing frees a slot sooner; this is the latest the caller must wait.
 */
export function pendingRetryAfterSeconds(policy: Pick<UploadQuotaPolicy, 'maxPendingUploads'>, taken: PendingSlot[], nowSeconds: number): number {
  const expiries = taken.filter((slot) => slot.slot < policy.maxPendingUploads && slot.expiresAt > nowSeconds).map((slot) => slot.expiresAt);
  if (expiries.length === 0) return 1;
  return Math.max(1, Math.min(...expiries) - nowSeconds);
}

/** `free` rotated to start at a random place, so concurrent requests of one user mostly try different slots first. */
export function claimOrder(free: number[], random: () => number = Math.random): number[] {
  if (free.length === 0) return [];
  const start = Math.floor(random() * free.length) % free.length;
  return [...free.slice(start), ...free.slice(0, start)];
}

export interface AdmissionRequest {
  userId: string;
  mediaKey: string;
  size: number;
  now: Date;
  /** When the upload URL expires: the slot frees itself then if the upload never arrives. */
  urlExpiresAt: Date;
}

export interface AdmissionDeps {
  quotas: UploadQuotas;
  policy: UploadQuotaPolicy;
  random?: () => number;
}

function pendingLimitReached(policy: UploadQuotaPolicy, retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError(
    `At most ${policy.maxPendingUploads} uploads may be pending at once: upload the files of earlier requests, or wait for their URLs to expire`,
    [{ quota: 'pendingUploads', limit: policy.maxPendingUploads }],
    { retryAfterSeconds },
  );
}

function bytesLimitReached(policy: UploadQuotaPolicy, now: Date): RateLimitedError {
  return new RateLimitedError(
    `At most ${policy.maxUploadBytesPerDay} bytes of uploads may be requested per day (UTC)`,
    [{ quota: 'uploadBytesPerDay', limit: policy.maxUploadBytesPerDay }],
    { retryAfterSeconds: secondsUntilNextUtcDay(now) },
  );
}

/**
 * Takes a pending slot, then the bytes, for one new upload; throws RateLimitedError when either is exhausted
 * (giving the slot back if the bytes are what ran out). Every free slot of one read is tried at most once, each
 * with a conditional write: a slot lost to a concurrent request of the same user was taken by a live upload,
 * so when all are lost the limit was reached at that moment.
 */
export async function admitUpload(request: AdmissionRequest, deps: AdmissionDeps): Promise<UploadAdmission> {
  const { quotas, policy } = deps;
  const nowSeconds = epochSeconds(request.now);
  const taken = await quotas.pendingSlots(request.userId);
  let slot: number | undefined;
  for (const candidate of claimOrder(freeSlots(policy, taken, nowSeconds), deps.random)) {
    const claimed = await quotas.claimPendingSlot({
      userId: request.userId,
      slot: candidate,
      mediaKey: request.mediaKey,
      expiresAt: epochSeconds(request.urlExpiresAt),
      nowSeconds,
    });
    if (claimed) {
      slot = candidate;
      break;
    }
  }
  if (slot === undefined) {
    // Read again: the slots that beat this request are the ones the caller waits for.
    throw pendingLimitReached(policy, pendingRetryAfterSeconds(policy, await quotas.pendingSlots(request.userId), nowSeconds));
  }

  const day = utcDay(request.now);
  const added = request.size <= policy.maxUploadBytesPerDay && (await quotas.addUploadBytes({ userId: request.userId, day, bytes: request.size, maxBytes: policy.maxUploadBytesPerDay, expiresAt: dayCounterExpiry(day) }));
  if (!added) {
    await quotas.releasePendingSlot({ userId: request.userId, slot, mediaKey: request.mediaKey });
    throw bytesLimitReached(policy, request.now);
  }
  return { slot, day };
}

/** Gives back what admitUpload took, when the upload could not be recorded after all. */
export async function revokeAdmission(request: Pick<AdmissionRequest, 'userId' | 'mediaKey' | 'size'>, admission: UploadAdmission, quotas: UploadQuotas): Promise<void> {
  await quotas.releasePendingSlot({ userId: request.userId, slot: admission.slot, mediaKey: request.mediaKey });
  await quotas.refundUploadBytes({ userId: request.userId, day: admission.day, bytes: request.size });
}

/** The policy from the function's environment values; refuses a limit that is not a positive integer. */
export function uploadQuotaPolicy(values: { maxPendingUploads: string; maxUploadBytesPerDay: string }): UploadQuotaPolicy {
  const maxPendingUploads = positiveIntegerParam('maxPendingUploads', values.maxPendingUploads);
  // Slot numbers are part of their item keys (two digits, keys.ts).
  if (maxPendingUploads > 99) throw new Error(`maxPendingUploads must be at most 99, got ${maxPendingUploads}`);
  return { maxPendingUploads, maxUploadBytesPerDay: positiveIntegerParam('maxUploadBytesPerDay', values.maxUploadBytesPerDay) };
}
