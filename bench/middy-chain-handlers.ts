// The two handlers the middy-chain benchmark compares, built from one DynamoDB client so both pay for the same
// GetItem: a raw handler, and the same call behind the shared HTTP chain with a real token verifier and the
// revocation list. The benchmark bundles this file with the deploy's esbuild settings and times the bundle.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { createAccessTokenVerifier } from '@photonotes/shared/auth';
import { cachedRevocationList, revocationsTableSource } from '@photonotes/shared/revocations';
import { http, ok } from '@photonotes/shared/http';
import { createLogger } from '@photonotes/shared/log';

export interface BenchHandlersOptions {
  dynamodbEndpoint: string;
  table: string;
  revocationsTable: string;
  issuer: string;
  clientId: string;
  jwksUrl: string;
  /** An in-memory item instead of the GetItem: what the chain alone costs. */
  inMemory?: boolean;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode?: number; body?: string }>;

export function benchHandlers(options: BenchHandlersOptions): { raw: Handler; chained: Handler; close: () => void } {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }),
  );
  const memoryItem = { pk: 'NOTE#1', title: 'hello', body: 'x'.repeat(500) };
  // The business function both handlers call.
  const getNote = options.inMemory
    ? async (id: string) => (id === '1' ? memoryItem : undefined)
    : async (id: string) => (await client.send(new GetCommand({ TableName: options.table, Key: { pk: `NOTE#${id}` } }))).Item;

  const raw: Handler = async (event) => {
    const item = await getNote(event.pathParameters?.id ?? '');
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) };
  };
  const revocations = cachedRevocationList({ source: revocationsTableSource(options.revocationsTable, client), maxAgeMs: 2_000 });
  const chained: Handler = http(
    { service: 'bench', params: z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }) },
    {
      verifier: createAccessTokenVerifier({ issuer: options.issuer, clientId: options.clientId, jwksUrl: options.jwksUrl, revocations }),
      logger: createLogger({ service: 'bench', level: 'silent' }),
    },
  ).handler(async ({ path }) => ok(await getNote(path.id)));
  return { raw, chained, close: () => client.destroy() };
}
