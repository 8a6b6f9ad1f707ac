// The cost of the shared HTTP chain: the same GetItem behind the full middy chain (request id, auth
// with a real RS256 token and the revocation list read from its table every 2 s, as deployed, validation,
// serialisation, error handler) versus a raw handler, same run.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { createAccessTokenVerifier } from '@photonotes/shared/auth';
import { revocationItem } from '@photonotes/shared/contracts/revocation-list';
import { cachedRevocationList, revocationsTableSource } from '@photonotes/shared/revocations';
import { http, ok } from '@photonotes/shared/http';
import { createLogger } from '@photonotes/shared/log';
import { apiEvent, lambdaContext } from '@photonotes/shared/testing/api-event';
import { startTokenIssuer } from '../shared/test/support/token-issuer';
import { startDynamoDbLocal } from '../scripts/platform/emulators';
import { createLogSink, ProcessGroup } from '../scripts/platform/processes';
import { median, percentile, round, writeResult, interleaved } from './support';

const port = Number(process.env.BENCH_DYNAMODB_PORT ?? 8123);

async function main(): Promise<void> {
  const group = new ProcessGroup(createLogSink(), () => undefined);
  await startDynamoDbLocal(group, { port, dataDir: null });
  const issuer = await startTokenIssuer();
  try {
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } }),
    );
    await client.send(new CreateTableCommand({ TableName: 'bench', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] }));
    await client.send(new PutCommand({ TableName: 'bench', Item: { pk: 'NOTE#1', title: 'hello', body: 'x'.repeat(500) } }));
    // The revocation list as the users stack declares it, holding the last hour's deletions of a busy app (100).
    await client.send(
      new CreateTableCommand({
        TableName: 'bench-revocations',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      }),
    );
    const deletedAt = Date.now() - 30 * 60_000;
    for (let batch = 0; batch < 4; batch++) {
      const items = Array.from({ length: 25 }, (_, i) => revocationItem(`deleted-${batch * 25 + i}`, new Date(deletedAt + (batch * 25 + i) * 1000)));
      await client.send(new BatchWriteCommand({ RequestItems: { 'bench-revocations': items.map((Item) => ({ PutRequest: { Item } })) } }));
    }
    const revocations = cachedRevocationList({ source: revocationsTableSource('bench-revocations', client), maxAgeMs: 2_000 });

    // The business function both handlers call.
    const getNote = async (id: string) => (await client.send(new GetCommand({ TableName: 'bench', Key: { pk: `NOTE#${id}` } }))).Item;

    const raw = async (event: APIGatewayProxyEventV2) => {
      const item = await getNote(event.pathParameters?.id ?? '');
      return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(item) };
    };
    const chained = http(
      { service: 'bench', params: z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }) },
      {
        verifier: createAccessTokenVerifier({ issuer: issuer.issuer, clientId: issuer.clientId, jwksUrl: issuer.jwksUrl, revocations }),
        logger: createLogger({ service: 'bench', level: 'silent' }),
      },
    ).handler(async ({ path }) => ok(await getNote(path.id)));

    const token = await issuer.accessToken();
    const event = () => apiEvent({ method: 'GET', path: '/notes/1', pathParameters: { id: '1' }, token });
    const context = lambdaContext();
    const check = await chained(event(), context);
    if (check.statusCode !== 200) throw new Error(`chain answered ${check.statusCode}: ${check.body}`);
    const revoked = await chained(apiEvent({ method: 'GET', path: '/notes/1', pathParameters: { id: '1' }, token: await issuer.accessToken({ sub: 'deleted-7' }) }), context);
    if (revoked.statusCode !== 401) throw new Error(`chain answered ${revoked.statusCode} to a revoked account's token`);

    const { a: rawTimes, b: chainTimes } = await interleaved(() => raw(event()), () => chained(event(), context), { rounds: 40, perRound: 50, warmup: 300 });
    const ratio = median(chainTimes) / median(rawTimes);
    const result = {
      description:
        'GET one item from DynamoDB Local: full middy chain (auth with a real RS256 token and the revocation list, 100 entries, read again every 2 s; validation, errors) vs a raw handler; interleaved blocks of 50 calls',
      rawMsPerCall: { p50: round(median(rawTimes)), p95: round(percentile(rawTimes, 95)) },
      chainMsPerCall: { p50: round(median(chainTimes)), p95: round(percentile(chainTimes, 95)) },
      ratio: round(ratio),
      goal: '<= 1.05',
      pass: ratio <= 1.05,
    };
    console.log(`middy chain: raw ${result.rawMsPerCall.p50} ms, chain ${result.chainMsPerCall.p50} ms per call, ratio ${result.ratio} (goal <= 1.05)`);
    console.log(`wrote ${writeResult('middy-chain', result)}`);
    client.destroy();
  } finally {
    await issuer.close();
    await group.stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
