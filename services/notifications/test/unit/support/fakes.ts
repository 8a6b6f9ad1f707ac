// In-memory stand-ins for the domain's ports, with the same conditional-write semantics as the DynamoDB
// adapters (one owner per token, the device limit, one claim per delivery, all-or-nothing read marks),
// a push transport that records what it sent and can be told to fail, a clock that moves when told and
// predictable ids.
import { createLogger } from '@photonotes/shared/log';
import { fakeMetrics } from '@photonotes/shared/metrics';
import type { FakeMetrics } from '@photonotes/shared/metrics';
import type { Device, Platform, TokenOwner } from '../../../src/domain/device';
import type { Notification } from '../../../src/domain/notification';
import { DeviceLimitError, TokenChangedError } from '../../../src/domain/ports';
import type { DeliveryDeps } from '../../../src/domain/delivery';
import type { Delivery, DeliveryWindow, DevicesStore, InboxStore, Page, PageRequest, PushGateway, PushMessage, PushOutcome } from '../../../src/domain/ports';
import type { FanoutReport, PushedMessage, RealtimeFanout, SendOptions } from '../../../src/domain/realtime-fanout';

export const alice = { userId: 'alice' };
export const bob = { userId: 'bob' };

export const iosToken = (n: number) => n.toString(16).padStart(64, 'a');
export const androidToken = (n: number) => `fcm:${String(n).padStart(4, '0')}_${'A1-b2'.repeat(30)}`;

function page<T>(items: T[], request: PageRequest): Page<T> {
  const start = request.cursor === undefined ? 0 : Number(request.cursor);
  const end = start + request.limit;
  return { items: items.slice(start, end), nextCursor: end < items.length ? String(end) : null };
}

export class FakeDevicesStore implements DevicesStore {
  readonly devices = new Map<string, Device>();
  readonly tokens = new Map<string, TokenOwner>();
  writes = 0;
  /** Runs once right before the next conditional write (to simulate a concurrent registration). */
  beforeNextWrite: (() => void) | undefined;

  private deviceKey = (userId: string, deviceId: string) => `${userId}/${deviceId}`;
  private tokenKey = (platform: Platform, token: string) => `${platform}/${token}`;

  private interleave(): void {
    const hook = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    hook?.();
  }

  count(userId: string): number {
    return [...this.devices.values()].filter((device) => device.userId === userId).length;
  }

  /** Stores a device directly, as a finished registration would have. */
  seed(device: Device): void {
    this.devices.set(this.deviceKey(device.userId, device.deviceId), device);
    this.tokens.set(this.tokenKey(device.platform, device.token), { userId: device.userId, deviceId: device.deviceId, endpointArn: device.endpointArn });
  }

  async tokenOwner(platform: Platform, token: string) {
    const owner = this.tokens.get(this.tokenKey(platform, token));
    return owner ? { ...owner } : undefined;
  }

  async get(userId: string, deviceId: string) {
    const device = this.devices.get(this.deviceKey(userId, deviceId));
    return device ? { ...device } : undefined;
  }

  async create(device: Device, limit: number) {
    this.interleave();
    if (this.tokens.has(this.tokenKey(device.platform, device.token))) throw new TokenChangedError();
    if (this.count(device.userId) >= limit) throw new DeviceLimitError();
    this.writes++;
    this.seed(device);
  }

  async move(from: TokenOwner, device: Device, limit: number) {
    this.interleave();
    const current = this.tokens.get(this.tokenKey(device.platform, device.token));
    if (current?.userId !== from.userId || current.deviceId !== from.deviceId || !this.devices.has(this.deviceKey(from.userId, from.deviceId))) {
      throw new TokenChangedError();
    }
    if (this.count(device.userId) >= limit) throw new DeviceLimitError();
    this.writes++;
    this.devices.delete(this.deviceKey(from.userId, from.deviceId));
    this.seed(device);
  }

  async refresh(device: Device) {
    const key = this.deviceKey(device.userId, device.deviceId);
    if (!this.devices.has(key)) return false;
    this.writes++;
    this.devices.set(key, { ...device });
    return true;
  }

  async list(userId: string, request: PageRequest) {
    return page(await this.listAll(userId), request);
  }

  async listAll(userId: string) {
    return [...this.devices.values()].filter((device) => device.userId === userId).sort((a, b) => a.deviceId.localeCompare(b.deviceId));
  }

  async remove(device: Device) {
    const key = this.deviceKey(device.userId, device.deviceId);
    if (!this.devices.has(key)) return false;
    this.writes++;
    this.devices.delete(key);
    const tokenKey = this.tokenKey(device.platform, device.token);
    if (this.tokens.get(tokenKey)?.deviceId === device.deviceId) this.tokens.delete(tokenKey);
    return true;
  }
}

export class FakeInboxStore implements InboxStore {
  readonly entries = new Map<string, Notification>();
  readonly deliveries = new Map<string, { userId: string; notificationId: string; pushedTo: Set<string>; complete: boolean; expiresAt: number }>();
  /** Window key → until (epoch seconds); expired windows stay until overwritten, as TTL leaves them a while. */
  readonly windows = new Map<string, number>();
  writes = 0;

  entriesOf(userId: string): Notification[] {
    return [...this.entries.values()].filter((entry) => entry.userId === userId).sort((a, b) => b.id.localeCompare(a.id));
  }

  seed(notification: Notification): void {
    this.entries.set(`${notification.userId}/${notification.id}`, { ...notification });
  }

  async claim(key: string, notification: Notification, markerExpiresAt: number, window?: DeliveryWindow): Promise<Delivery> {
    const existing = this.deliveries.get(key);
    if (existing) {
      const entry = this.entries.get(`${existing.userId}/${existing.notificationId}`);
      return { claimed: false, notification: entry ? { ...entry } : undefined, pushedTo: [...existing.pushedTo], complete: existing.complete };
    }
    if (window) {
      const heldUntil = this.windows.get(window.key);
      if (heldUntil !== undefined && heldUntil > window.now) return { claimed: false, suppressed: true, notification: undefined, pushedTo: [], complete: true };
      this.windows.set(window.key, window.until);
    }
    this.writes++;
    this.deliveries.set(key, { userId: notification.userId, notificationId: notification.id, pushedTo: new Set(), complete: false, expiresAt: markerExpiresAt });
    this.seed(notification);
    return { claimed: true, notification, pushedTo: [], complete: false };
  }

  async recordPushes(key: string, deviceIds: string[], complete: boolean) {
    const delivery = this.deliveries.get(key);
    if (!delivery) throw new Error(`no delivery ${key}`);
    this.writes++;
    for (const id of deviceIds) delivery.pushedTo.add(id);
    if (complete) delivery.complete = true;
  }

  async list(userId: string, request: PageRequest) {
    return page(this.entriesOf(userId), request);
  }

  async markRead(userId: string, ids: string[], readAt: string) {
    const missing = ids.filter((id) => !this.entries.has(`${userId}/${id}`));
    if (missing.length > 0) return missing;
    this.writes++;
    for (const id of ids) {
      const entry = this.entries.get(`${userId}/${id}`) as Notification;
      entry.readAt ??= readAt;
    }
    return [];
  }

  async deleteAll(userId: string) {
    const doomed = this.entriesOf(userId);
    for (const entry of doomed) this.entries.delete(`${userId}/${entry.id}`);
    return doomed.length;
  }
}

export interface SentPush {
  deviceId: string;
  userId: string;
  message: PushMessage;
}

export class FakePush implements PushGateway {
  readonly sent: SentPush[] = [];
  readonly endpoints = new Set<string>();
  readonly forgotten: string[] = [];
  /** Device ids whose next push throws (once each). */
  readonly failNext = new Set<string>();
  /** Device ids the push service no longer accepts. */
  readonly gone = new Set<string>();

  async registerEndpoint(device: { platform: Platform; token: string }, current: string | null) {
    const arn = current ?? `arn:aws:sns:us-east-1:000000000000:endpoint/${device.platform}/app/${device.token.slice(0, 8)}`;
    this.endpoints.add(arn);
    return arn;
  }

  async removeEndpoint(endpointArn: string | null) {
    if (endpointArn) this.endpoints.delete(endpointArn);
  }

  async send(device: Device, message: PushMessage): Promise<PushOutcome> {
    if (this.failNext.delete(device.deviceId)) throw new Error(`push to ${device.deviceId} failed`);
    if (this.gone.has(device.deviceId)) return 'gone';
    this.sent.push({ deviceId: device.deviceId, userId: device.userId, message });
    return 'sent';
  }

  async forgetUser(userId: string) {
    this.forgotten.push(userId);
  }

  sentTo(deviceId: string): SentPush[] {
    return this.sent.filter((push) => push.deviceId === deviceId);
  }
}

/** Records what the domain asked the realtime fan-out to send (realtime-fanout.ts has tests of its own). */
export class FakeRealtime implements Pick<RealtimeFanout, 'sendToUsers'> {
  readonly sent: Array<{ userIds: string[]; message: PushedMessage; options: Omit<SendOptions, 'log'> }> = [];
  async sendToUsers(userIds: readonly string[], message: PushedMessage, { log: _log, ...options }: SendOptions): Promise<FanoutReport> {
    this.sent.push({ userIds: [...userIds], message, options });
    return { users: { sent: userIds.length }, connections: { sent: userIds.length, gone: 0, expired: 0, timedOut: 0, failed: 0, resynced: 0 } };
  }
}

export interface TestDeps {
  deps: DeliveryDeps;
  realtime: FakeRealtime;
  devices: FakeDevicesStore;
  inbox: FakeInboxStore;
  push: FakePush;
  clock: { now: Date; advance(ms: number): void };
  metrics: FakeMetrics;
}

export function testDeps(): TestDeps {
  const devices = new FakeDevicesStore();
  const inbox = new FakeInboxStore();
  const push = new FakePush();
  const realtime = new FakeRealtime();
  const clock = {
    now: new Date('2026-11-28T09:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  let ids = 0;
  const metrics = fakeMetrics();
  const deps: DeliveryDeps = {
    devices,
    inbox,
    push,
    realtime,
    clock: { now: () => clock.now },
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    metrics,
  };
  return { deps, devices, inbox, push, realtime, clock, metrics };
}

let seededDevices = 0;

export function device(overrides: Partial<Device> = {}): Device {
  seededDevices++;
  return {
    deviceId: `device-${String(seededDevices).padStart(4, '0')}`,
    userId: bob.userId,
    platform: 'ios',
    token: iosToken(seededDevices),
    appVersion: '1.0.0',
    endpointArn: `arn:aws:sns:us-east-1:000000000000:endpoint/APNS/app/${seededDevices}`,
    createdAt: '2026-11-27T09:00:00.000Z',
    updatedAt: '2026-11-27T09:00:00.000Z',
    ...overrides,
  };
}

/** A logger that keeps its lines, for tests that check what was logged. */
export function testLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({ service: 'notifications-test', level: 'debug', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
