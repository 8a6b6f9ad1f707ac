// Helpers for notifications' integration tests: the device, inbox and outbox routes through the gateway, the
// core-api calls that share notes, media events published to the local SNS emulator, tokens, and polling; and what
// the service's tables hold for a user, for when the user's own token no longer opens the routes (a deleted account).
import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../src/adapters/keys';
import { api } from '../../../../test/support/api';
import type { ApiResponse } from '../../../../test/support/api';
import type { TestUser } from '../../../../test/support/users';
import { mediaProcessed } from '@photonotes/shared/contracts/media-events';
import { publishEvent } from '../../../../test/support/events';

export interface DeviceView {
  deviceId: string;
  platform: 'ios' | 'android';
  appVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NotificationView {
  id: string;
  type: 'note.shared' | 'media.ready' | 'media.failed';
  title: string;
  body: string;
  data: Record<string, string>;
  createdAt: string;
  readAt: string | null;
}

export interface OutboxEntry {
  deviceId: string;
  userId: string;
  platform: 'ios' | 'android';
  token: string;
  title: string;
  body: string;
  data: Record<string, string>;
  sentAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const apnsToken = (): string => randomBytes(32).toString('hex');
export const fcmToken = (): string => `${randomBytes(16).toString('hex')}:APA91b${randomBytes(100).toString('base64url')}`.slice(0, 163);

export function registerDevice(user: TestUser, body: unknown): Promise<ApiResponse<{ deviceId: string; platform: string; createdAt: string }>> {
  return api('/devices', { method: 'POST', token: user.accessToken, body });
}

/** Registers a device and fails the test unless it got a 201. */
export async function newDevice(user: TestUser, platform: 'ios' | 'android' = 'ios'): Promise<{ deviceId: string; token: string }> {
  const token = platform === 'ios' ? apnsToken() : fcmToken();
  const res = await registerDevice(user, { platform, token, appVersion: '1.0.0' });
  if (res.status !== 201) throw new Error(`POST /devices answered ${res.status}: ${res.text}`);
  return { deviceId: res.body.deviceId, token };
}

export function listDevices(user: TestUser, query = ''): Promise<ApiResponse<Page<DeviceView>>> {
  return api(`/devices${query}`, { token: user.accessToken });
}

export function unregisterDevice(user: TestUser, deviceId: string): Promise<ApiResponse<unknown>> {
  return api(`/devices/${encodeURIComponent(deviceId)}`, { method: 'DELETE', token: user.accessToken });
}

export function inbox(user: TestUser, query = ''): Promise<ApiResponse<Page<NotificationView>>> {
  return api(`/notifications${query}`, { token: user.accessToken });
}

export function markRead(user: TestUser, ids: unknown): Promise<ApiResponse<unknown>> {
  return api('/notifications/read', { method: 'POST', token: user.accessToken, body: { ids } });
}

export function outbox(user: TestUser, query = '?limit=100'): Promise<ApiResponse<Page<OutboxEntry>>> {
  return api(`/dev/push-outbox${query}`, { token: user.accessToken });
}

/** Every page of a list route. */
export async function allPages<T>(fetchPage: (query: string) => Promise<ApiResponse<Page<T>>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse<Page<T>> = await fetchPage(`?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`list answered ${res.status}: ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

export async function shareNewNote(owner: TestUser, sharedWith: string[], title = 'Shared plans'): Promise<{ id: string; version: number }> {
  const res = await api<{ id: string; version: number }>('/notes', { method: 'POST', token: owner.accessToken, body: { title, sharedWith } });
  if (res.status !== 201) throw new Error(`POST /notes answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function patchNote(owner: TestUser, id: string, body: unknown): Promise<{ id: string; version: number }> {
  const res = await api<{ id: string; version: number }>(`/notes/${id}`, { method: 'PATCH', token: owner.accessToken, body });
  if (res.status !== 200) throw new Error(`PATCH /notes/${id} answered ${res.status}: ${res.text}`);
  return res.body;
}

/** Publishes a media.processed envelope to the local SNS emulator, as thumbnails does; returns its id. */
export function publishMediaProcessed(data: { key: string; ownerId: string; status: 'ready' | 'failed' }, id: string = randomUUID()): Promise<string> {
  return publishEvent(mediaProcessed, { ...data, thumbnails: null }, { id }).then((event) => event.id);
}

export { eventually } from '../../../../test/support/eventually';

/** How many devices and notifications the local stage's tables hold for a user, read straight from DynamoDB Local. */
export async function storedForUser(userId: string): Promise<{ devices: number; notifications: number }> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  const count = async (tableName: string, key: { pk: string; sk: string }) => {
    const out = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': key.pk, ':prefix': key.sk }, Select: 'COUNT' }));
    return out.Count ?? 0;
  };
  try {
    return {
      devices: await count('photonotes-notifications-local-devices', keys.device(userId, '')),
      notifications: await count('photonotes-notifications-local-inbox', keys.notification(userId, '')),
    };
  } finally {
    db.destroy();
  }
}

/** Waits a while and returns the last value: for asserting that something did NOT happen after a known-good marker. */
export async function settle(ms = 2_500): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
