// The cost of the shared HTTP chain: the same GetItem behind the full middy chain (request id, auth
// with a real RS256 token and the revocation list read from its table every 2 s, as deployed, validation,
// serialisation, error handler) versus a raw handler, same run. Both come from bench/middy-chain-handlers.ts,
// bundled as a deploy bundles a function (serverless.common.yml's esbuild settings and plugins).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { parse } from 'yaml';
import { revocationItem } from '@photonotes/shared/contracts/revocation-list';
import { apiEvent, lambdaContext } from '@photonotes/shared/testing/api-event';
import { startTokenIssuer } from '../shared/test/support/token-issuer';
import { startDynamoDbLocal } from '../scripts/platform/emulators';
import { createLogSink, ProcessGroup } from '../scripts/platform/processes';
import { repoRoot } from '../scripts/platform/service-definitions';
import type { benchHandlers } from './middy-chain-handlers';
import { median, percentile, round, writeResult, interleaved } from './support';

const work = mkdtempSync(path.join(os.tmpdir(), 'photonotes-middy-chain-'));

async function bundleHandlers(): Promise<{ benchHandlers: typeof benchHandlers }> {
  const common = parse(readFileSync(path.join(repoRoot, 'serverless.common.yml'), 'utf8')) as { esbuild: { minify: boolean; target: string; mainFields?: string[]; keepNames?: boolean } };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plugins = require(path.join(repoRoot, 'scripts', 'esbuild-plugins.cjs')) as Plugin[];
  const outfile = path.join(work, 'middy-chain-handlers.js');
  await build({
    entryPoints: [path.join(__dirname, 'middy-chain-handlers.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    minify: common.esbuild.minify,
    target: common.esbuild.target,
    mainFields: common.esbuild.mainFields,
    keepNames: common.esbuild.keepNames ?? false,
    plugins,
    outfile,
    logLevel: 'silent',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as { benchHandlers: typeof benchHandlers };
}

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
    // Timed as deployed: bundled and minified with the deploy's esbuild settings (no keepNames, SDK bundled).
    const bundle = await bundleHandlers();
    const options = { dynamodbEndpoint: `http://127.0.0.1:${port}`, table: 'bench', revocationsTable: 'bench-revocations', issuer: issuer.issuer, clientId: issuer.clientId, jwksUrl: issuer.jwksUrl };
    const { raw, chained, close } = bundle.benchHandlers(options);
    const memory = bundle.benchHandlers({ ...options, inMemory: true });

    const token = await issuer.accessToken();
    const event = () => apiEvent({ method: 'GET', path: '/notes/1', pathParameters: { id: '1' }, token });
    const context = lambdaContext();
    const check = await chained(event(), context);
    if (check.statusCode !== 200 || check.body !== (await raw(event(), context)).body) throw new Error(`chain answered ${check.statusCode}: ${check.body}`);
    const revoked = await chained(apiEvent({ method: 'GET', path: '/notes/1', pathParameters: { id: '1' }, token: await issuer.accessToken({ sub: 'deleted-7' }) }), context);
    if (revoked.statusCode !== 401) throw new Error(`chain answered ${revoked.statusCode} to a revoked account's token`);

    // Each round times a block of raw calls and a block of chained ones back to back (in alternating order); the
    // ratio is the median of the rounds' ratios, so a burst of load from elsewhere cancels out within its round.
    const { a: rawTimes, b: chainTimes } = await interleaved(() => raw(event(), context), () => chained(event(), context), { rounds: 100, perRound: 50, warmup: 500 });
    const ratio = median(rawTimes.map((rawMs, i) => (chainTimes[i] ?? NaN) / rawMs));
    // The chain's own CPU per request: the same pair around an in-memory item.
    const cpu = await interleaved(() => memory.raw(event(), context), () => memory.chained(event(), context), { rounds: 40, perRound: 500, warmup: 2000 });
    const overheadUs = median(cpu.a.map((rawMs, i) => ((cpu.b[i] ?? NaN) - rawMs) * 1000));
    const result = {
      description:
        'GET one item from DynamoDB Local: full middy chain (auth with a real RS256 token and the revocation list, 100 entries, read again every 2 s; validation, errors) vs a raw handler, both bundled as deployed; 100 rounds of two blocks of 50 calls, ratio = median of the rounds’ ratios',
      rawMsPerCall: { p50: round(median(rawTimes)), p95: round(percentile(rawTimes, 95)) },
      chainMsPerCall: { p50: round(median(chainTimes)), p95: round(percentile(chainTimes, 95)) },
      ratio: round(ratio),
      chainOverheadUsPerCall: round(overheadUs, 1),
      goal: '<= 1.05',
      pass: ratio <= 1.05,
    };
    console.log(`middy chain: raw ${result.rawMsPerCall.p50} ms, chain ${result.chainMsPerCall.p50} ms per call, ratio ${result.ratio} (goal <= 1.05); the chain's own CPU ${result.chainOverheadUsPerCall} µs per request`);
    console.log(`wrote ${writeResult('middy-chain', result)}`);
    close();
    memory.close();
    client.destroy();
  } finally {
    rmSync(work, { recursive: true, force: true });
    await issuer.close();
    await group.stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
