// What the iot integration tests do as an app (register things, read them, their telemetry and the owner's
// inbox through the gateway) and as a device (an mqtt.js client against the test platform's IoT twin).
import { connectAsync } from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { api } from '../../../../test/support/api';
import type { ApiResponse } from '../../../../test/support/api';
import { eventually } from '../../../../test/support/eventually';
import type { TestUser } from '../../../../test/support/users';

/** Device-side waits: a message goes broker → rule → function → DynamoDB, on a shared machine. */
export const deviceTimeoutMs = 20_000;

export interface Credentials {
  mqttUrl: string;
  clientId: string;
  username: string;
  password: string;
  topics: { telemetry: string; reported: string; desired: string };
}

export interface ThingBody {
  thingId: string;
  name: string;
  online: boolean;
  lastSeenAt: string | null;
  state: { desired: Record<string, unknown>; reported: Record<string, unknown>; delta: Record<string, unknown>; version: number };
  latest: Record<string, { value: number; at: string }>;
}

export interface RawItem {
  at: string;
  value: number;
}

export interface BucketItem {
  at: string;
  min: number;
  max: number;
  avg: number;
  count: number;
}

export interface TelemetryPage<T = RawItem | BucketItem> {
  metric: string;
  resolution: 'raw' | '1m' | '1h' | '1d';
  items: T[];
  nextCursor: string | null;
}

export interface InboxItem {
  id: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export const brokerUrl = (): string => `mqtt://127.0.0.1:${process.env.MQTT_PORT ?? '1883'}`;

const clients: MqttClient[] = [];

/** A device connection; every one is closed by `closeDevices` (call it in afterAll). */
export async function connect(credentials: Pick<Credentials, 'clientId' | 'username' | 'password'>, options: IClientOptions = {}): Promise<MqttClient> {
  const client = await connectAsync(brokerUrl(), { clientId: credentials.clientId, username: credentials.username, password: credentials.password, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  clients.push(client);
  return client;
}

export async function closeDevices(): Promise<void> {
  await Promise.all(clients.splice(0).map((client) => client.endAsync(true).catch(() => undefined)));
}

/** Resolves when the connection has closed (the broker's doing, or the client's); ask before acting. */
export function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    if (!client.connected) resolve();
    else client.once('close', () => resolve());
  });
}

export async function register(user: TestUser, name = 'Thermostat'): Promise<{ thingId: string; credentials: Credentials }> {
  const response = await api<{ thing: { thingId: string }; credentials: Credentials }>('/things', { method: 'POST', token: user.accessToken, body: { name } });
  if (response.status !== 201) throw new Error(`POST /things answered ${response.status}: ${response.text}`);
  return { thingId: response.body.thing.thingId, credentials: response.body.credentials };
}

export const getThing = (user: TestUser, thingId: string): Promise<ApiResponse<ThingBody>> => api<ThingBody>(`/things/${thingId}`, { token: user.accessToken });

export interface TelemetryQuery {
  metric: string;
  resolution?: 'raw' | '1m' | '1h' | '1d';
  /** Epoch ms or ISO-8601. */
  from?: number | string;
  to?: number | string;
  limit?: number;
  cursor?: string;
}

const isoOf = (value: number | string): string => (typeof value === 'number' ? new Date(value).toISOString() : value);

export function readTelemetry<T = RawItem | BucketItem>(user: TestUser, thingId: string, query: TelemetryQuery): Promise<ApiResponse<TelemetryPage<T>>> {
  const params = new URLSearchParams({ metric: query.metric });
  if (query.resolution) params.set('resolution', query.resolution);
  if (query.from !== undefined) params.set('from', isoOf(query.from));
  if (query.to !== undefined) params.set('to', isoOf(query.to));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  return api<TelemetryPage<T>>(`/things/${thingId}/telemetry?${params.toString()}`, { token: user.accessToken });
}

/** Every page of a telemetry query, following `nextCursor`; the pages' sizes too, to check the paging. */
export async function readAllTelemetry<T = RawItem | BucketItem>(user: TestUser, thingId: string, query: TelemetryQuery): Promise<{ items: T[]; pageSizes: number[] }> {
  const items: T[] = [];
  const pageSizes: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await readTelemetry<T>(user, thingId, { ...query, ...(cursor === undefined ? {} : { cursor }) });
    if (page.status !== 200) throw new Error(`GET telemetry answered ${page.status}: ${page.text}`);
    items.push(...page.body.items);
    pageSizes.push(page.body.items.length);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor !== undefined && pageSizes.length < 100);
  return { items, pageSizes };
}

export const telemetryPayload = (ts: number, metrics: Record<string, number>): string => JSON.stringify({ ts, metrics });

/**
 * Publishes one reading and waits until it is the thing's latest value at that time. Rule invocations run
 * concurrently (as on AWS), so readings whose order matters (alert runs, a replaced value) go out one by one.
 */
export async function publishStored(user: TestUser, device: MqttClient, credentials: Credentials, ts: number, metric: string, value: number): Promise<void> {
  await device.publishAsync(credentials.topics.telemetry, telemetryPayload(ts, { [metric]: value }), { qos: 1 });
  const at = new Date(ts).toISOString();
  const stored = (response: ApiResponse<ThingBody>) => response.body.latest?.[metric]?.at === at && response.body.latest[metric]?.value === value;
  const thing = await eventually(() => getThing(user, credentials.clientId), stored, deviceTimeoutMs);
  if (!stored(thing)) throw new Error(`${metric} = ${value} at ${at} was not stored within ${deviceTimeoutMs} ms: latest ${JSON.stringify(thing.body.latest)}`);
}

/** The owner's `thing.alert` notifications of one thing, oldest first. */
export async function alertsOf(user: TestUser, thingId: string): Promise<InboxItem[]> {
  const inbox = await api<{ items: InboxItem[] }>('/notifications?limit=100', { token: user.accessToken });
  return (inbox.body.items ?? []).filter((item) => item.type === 'thing.alert' && item.data.thingId === thingId).reverse();
}
