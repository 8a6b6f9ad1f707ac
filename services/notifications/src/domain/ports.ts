// What the domain needs from storage and from the push service, and the typed outcomes of conditional writes.
// DynamoDB, SNS and outbox implementations live in adapters/; unit tests use in-memory fakes.
import type { Clock } from '@photonotes/shared/clock';
import type { Device, Platform, TokenOwner } from './device';
import type { Notification } from './notification';

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The token is no longer where the caller last saw it (another registration won a race). */
export class TokenChangedError extends Error {
  constructor() {
    super('The token was registered concurrently');
    this.name = 'TokenChangedError';
  }
}

/** The user already has the maximum number of devices. */
export class DeviceLimitError extends Error {
  constructor() {
    super('Device limit reached');
    this.name = 'DeviceLimitError';
  }
}

export interface DevicesStore {
  /** Strongly consistent. */
  tokenOwner(platform: Platform, token: string): Promise<TokenOwner | undefined>;
  get(userId: string, deviceId: string): Promise<Device | undefined>;
  /**
   * One transaction: the token's owner record, the device and the user's device count. Fails with
   * TokenChangedError when the token has an owner, DeviceLimitError when the user has `limit` devices.
   */
  create(device: Device, limit: number): Promise<void>;
  /** Moves a token from its owner to `device` (a new device of another user), atomically; errors as `create`. */
  move(from: TokenOwner, device: Device, limit: number): Promise<void>;
  /** Rewrites a device's app version, endpoint and updatedAt; false when it no longer exists. */
  refresh(device: Device): Promise<boolean>;
  list(userId: string, page: PageRequest): Promise<Page<Device>>;
  /** Every device of the user (at most the device limit). */
  listAll(userId: string): Promise<Device[]>;
  /** Removes the device and its token record; false when it was already gone. */
  remove(device: Device): Promise<boolean>;
}

/** Where a delivery stands: the entry written to the inbox, and the devices already pushed to. */
export interface Delivery {
  /** Nothing was written: the claim's window was held by another delivery (see InboxStore.claim). */
  suppressed?: boolean;
  /** True for the attempt whose claim wrote the entry; false for every repeat. */
  claimed: boolean;
  /** The inbox entry; undefined on a repeat when it is gone (the account was deleted meanwhile). */
  notification: Notification | undefined;
  pushedTo: string[];
  complete: boolean;
}

/**
 * A window a claim takes with its delivery: while another delivery holds `key` (until its `until`, epoch seconds,
 * judged against `now`: TTL deletes lazily), a new claim writes nothing and answers `suppressed`. A repeated
 * claim of the delivery that holds it is a repeat as usual.
 */
export interface DeliveryWindow {
  key: string;
  now: number;
  until: number;
}

export interface InboxStore {
  /**
   * Claims the delivery `key` for `notification`: the delivery marker (kept until `markerExpiresAt`, epoch seconds;
   * it names the entry, it does not copy it) and the inbox entry are written together, once. A repeated claim writes
   * nothing and returns the first one's entry and state.
   */
  claim(key: string, notification: Notification, markerExpiresAt: number, window?: DeliveryWindow): Promise<Delivery>;
  /** Adds devices to the delivery's pushed set; `complete` once no device is left to push to. */
  recordPushes(key: string, deviceIds: string[], complete: boolean): Promise<void>;
  list(userId: string, page: PageRequest): Promise<Page<Notification>>;
  /** Marks the user's entries read (keeping an earlier readAt), all or none: returns the ids that do not exist. */
  markRead(userId: string, ids: string[], readAt: string): Promise<string[]>;
  /** Deletes every inbox entry of the user; returns how many. */
  deleteAll(userId: string): Promise<number>;
}

export interface PushMessage {
  notificationId: string;
  title: string;
  body: string;
  /** The notification's data plus `type` and `notificationId`, all strings (what both push services accept). */
  data: Record<string, string>;
}

/** `gone`: the push service no longer accepts the device (disabled or deleted endpoint); it should be removed. */
export type PushOutcome = 'sent' | 'gone';

export interface PushGateway {
  /** Makes the push service accept the token (re-enabling a disabled endpoint); returns the endpoint to store. */
  registerEndpoint(device: { platform: Platform; token: string }, current: string | null): Promise<string | null>;
  /** Idempotent. */
  removeEndpoint(endpointArn: string | null): Promise<void>;
  /** At most one push per (notificationId, device) when the transport can tell; see the adapters. */
  send(device: Device, message: PushMessage): Promise<PushOutcome>;
  /** Forgets what the transport kept about the user (the local outbox); idempotent. */
  forgetUser(userId: string): Promise<void>;
}

export interface NotificationsDeps {
  devices: DevicesStore;
  inbox: InboxStore;
  push: PushGateway;
  clock: Clock;
  /** A random UUID. */
  newId: () => string;
}
