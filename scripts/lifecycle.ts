// `npm run lifecycle -- [--at <ISO time> | --days <n>] [--only <key prefix>]`: applies the buckets' lifecycle rules
// (serverless.yml) to the running local stage's S3 emulator as S3 would at that time (default: now), and delivers
// each removal's LifecycleExpiration notification through the platform's delivery code (retries, dead letters).
// The platform sweeps once a day on its own; `--days 8` plays the sweep of eight days from now, at once.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { emulatorPorts } from './config/ports.cjs';
import { deadLetterDir, localAsyncDeps } from './platform/delivery';
import { loadConsumers, type S3Consumer } from './platform/delivery/consumers';
import { DeadLetterStore } from './platform/delivery/dead-letters';
import { localLambdaInvoker } from './platform/delivery/lambda-invoke';
import { declaredLifecycleRules, emulatorS3Client, sweepLifecycle } from './platform/delivery/lifecycle';
import { deliverS3Record } from './platform/delivery/s3-delivery';
import { canConnect } from './platform/net';
import { loadServiceDefinitions, repoRoot } from './platform/service-definitions';
import { runCommand } from './run-command';

const usage = 'usage: npm run lifecycle -- [--at <ISO time> | --days <n>] [--only <key prefix>]';
const dayMs = 24 * 60 * 60 * 1000;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { at: { type: 'string' }, days: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const at = values.at !== undefined ? new Date(values.at) : new Date(Date.now() + Number(values.days ?? 0) * dayMs);
  if (Number.isNaN(at.getTime())) {
    console.error(`--at must be an ISO time and --days a number of days. ${usage}`);
    return 2;
  }
  const services = loadServiceDefinitions();
  const s3Port = Number(process.env.S3_PORT ?? emulatorPorts().s3);
  if (!(await canConnect(s3Port))) {
    console.error(`The local platform is not running (S3 emulator :${s3Port} unreachable): start 'npm run dev' first.`);
    return 1;
  }
  const rules = declaredLifecycleRules(services);
  const consumers = loadConsumers(services).filter((c): c is S3Consumer => c.source === 's3');
  const store = new DeadLetterStore(deadLetterDir(process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local')));
  const lambda = localLambdaInvoker(services);
  const s3 = emulatorS3Client(s3Port);
  const deps = localAsyncDeps({ invoke: lambda.invoke, deadLetters: store, log: (text) => console.log(text) });
  let failed = 0;
  try {
    const expired = await sweepLifecycle({
      s3,
      rules,
      at,
      ...(values.only ? { only: values.only } : {}),
      onExpired: async (record) => {
        const results = await deliverS3Record(consumers, record, deps);
        failed += results.filter((result) => result !== 'delivered').length;
      },
    });
    console.log(`Lifecycle as of ${at.toISOString()}: ${expired.length} object(s) expired${failed > 0 ? `, ${failed} notification(s) dead-lettered` : ''}.`);
    for (const object of expired) console.log(`  ${object.bucket}/${object.key}  (${object.rule})`);
    return failed > 0 ? 1 : 0;
  } finally {
    s3.destroy();
    lambda.destroy();
  }
}

runCommand('lifecycle', main);
