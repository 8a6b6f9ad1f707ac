// Analytics calls of the integration tests: batches as an app sends them, the raw archive through the very SQL
// runner of `npm run analytics:sql`, and the actor keys table (to check who an actor is).
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { runEventsSql } from '../../../../scripts/analytics/sql';
import { api } from '../../../../test/support/api';
import type { ApiResponse } from '../../../../test/support/api';

export interface AppEvent {
  id: string;
  type: string;
  at: string;
  sessionId?: string;
  attributes?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
}

export interface IngestAnswer {
  accepted: number;
  rejected: Array<{ index: number; reason: string }>;
}

export function appEvent(type: string, extra: Partial<AppEvent> = {}): AppEvent {
  return { id: randomUUID(), type, at: new Date().toISOString(), ...extra };
}

export function sendEvents(body: unknown, token?: string, headers?: Record<string, string>): Promise<ApiResponse<IngestAnswer>> {
  return api<IngestAnswer>('/analytics/events', { method: 'POST', body, ...(token ? { token } : {}), ...(headers ? { headers } : {}) });
}

function dataDir(): string {
  const dir = process.env.TEST_PLATFORM_DATA_DIR;
  if (!dir) throw new Error('TEST_PLATFORM_DATA_DIR is not set: integration tests run through the jest global setup');
  return dir;
}

/** SQL over the local archive, as `npm run analytics:sql` runs it. */
export async function sql(statement: string): Promise<Array<Record<string, unknown>>> {
  return (await runEventsSql(statement, dataDir())).rows;
}

/** The archived rows with these ids. */
export async function archivedRows(ids: string[]): Promise<Array<Record<string, unknown>>> {
  if (ids.length === 0) return [];
  const list = ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
  return sql(`SELECT id, type, "at", received_at, install_id, actor, session_id, platform, app_version, attributes, metrics, dt, hr FROM events WHERE id IN (${list}) ORDER BY "at", id`);
}

const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? '8000'}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
);

/** serverless.yml: ${self:service}-${sls:stage}-actor-keys. */
export async function actorKeyOf(userId: string): Promise<Uint8Array | undefined> {
  const out = await documents.send(new GetCommand({ TableName: 'photonotes-analytics-local-actor-keys', Key: { userId }, ConsistentRead: true }));
  return out.Item?.key as Uint8Array | undefined;
}
