// `npm run redrive [-- --stage <s>] [--list] [--id <id>]...`: lists and replays what asynchronous consumers
// could not process. Without --stage (or with --stage local): the local dead-letter store of `npm run dev`
// (replayed through the running platform). With a deployed stage: that stage's failure queues in SQS
// (AWS credentials and region from the environment, as for `sls deploy`). See README, "Failures and redrive".
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { deadLetterDir } from './platform/delivery';
import { loadConsumers, logShipperConsumer } from './platform/delivery/consumers';
import { DeadLetterStore } from './platform/delivery/dead-letters';
import { lambdaInvoker, localLambdaInvoker } from './platform/delivery/lambda-invoke';
import { redriveDeployed } from './platform/delivery/redrive-deployed';
import { redriveLocal } from './platform/delivery/redrive-local';
import { sdkStreamReader } from './platform/delivery/stream-poller';
import { canConnect } from './platform/net';
import { loadServiceDefinitions, repoRoot } from './platform/service-definitions';
import { runCommand } from './run-command';

const usage = 'usage: npm run redrive [-- --stage <stage>] [--list] [--id <id>]...';

async function local(options: { list: boolean; ids: string[] }): Promise<number> {
  const dataDir = process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local');
  const store = new DeadLetterStore(deadLetterDir(dataDir));
  const services = loadServiceDefinitions();
  if (options.list) {
    const letters = await store.list();
    if (letters.length === 0) console.log(`No dead letters in ${path.relative(repoRoot, store.dir) || store.dir}.`);
    for (const letter of letters) {
      console.log(`${letter.id}  ${letter.status.padEnd(8)}  ${letter.consumer}  ${letter.summary}`);
      console.log(`    ${letter.condition} after ${letter.attempts} attempt(s), ${letter.firstFailureAt} .. ${letter.lastFailureAt}: ${letter.error.message}`);
      for (const redrive of letter.redrives) console.log(`    redrive ${redrive.at}: ${redrive.ok ? 'ok' : `failed: ${redrive.error?.message ?? ''}`}`);
    }
    return 0;
  }
  const down = [];
  for (const service of services) if (!(await canConnect(service.lambdaPort))) down.push(`${service.name} (:${service.lambdaPort})`);
  if (down.length > 0) {
    console.error(`The local platform is not running (${down.join(', ')} unreachable): start 'npm run dev' first, then redrive.`);
    return 1;
  }
  const lambda = localLambdaInvoker(services);
  try {
    const results = await redriveLocal({ store, invoke: lambda.invoke, consumers: loadConsumers(services), ids: options.ids });
    if (results.length === 0) console.log('Nothing to redrive: no pending dead letters.');
    for (const result of results) console.log(`${result.outcome.padEnd(8)}  ${result.id}  ${result.consumer}  ${result.summary}${result.reason ? `  (${result.reason})` : ''}`);
    return results.some((result) => result.outcome === 'failed') ? 1 : 0;
  } finally {
    lambda.destroy();
  }
}

async function deployed(stage: string, options: { list: boolean; ids: string[] }): Promise<number> {
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const sqs = new SQSClient({ region });
  const lambda = new LambdaClient({ region });
  const streams = sdkStreamReader({ region });
  try {
    const reports = await redriveDeployed({
      stage,
      // The log shipper is deployed only with logs to search on; without it its queue is reported missing.
      consumers: [...loadConsumers(loadServiceDefinitions()), logShipperConsumer()],
      sqs,
      invoke: lambdaInvoker(() => lambda),
      streams,
      list: options.list,
      ids: options.ids,
    });
    let failed = 0;
    for (const report of reports) {
      console.log(`${report.queue} (${report.consumer}): ${report.missing ? 'no such queue in this stage' : `${report.messages.length} message(s)`}`);
      for (const message of report.messages) {
        console.log(`  ${message.messageId}  ${message.sentAt ?? ''}  received ${message.receiveCount ?? '?'}x  ${message.description}${message.outcome ? `  -> ${message.outcome}` : ''}${message.reason ? ` (${message.reason})` : ''}`);
        if (message.outcome === 'failed') failed++;
      }
    }
    return failed > 0 ? 1 : 0;
  } finally {
    sqs.destroy();
    lambda.destroy();
    streams.destroy();
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { stage: { type: 'string' }, list: { type: 'boolean', default: false }, id: { type: 'string', multiple: true }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const stage = values.stage ?? 'local';
  if (!/^[a-z0-9-]{1,16}$/.test(stage)) {
    console.error(`Invalid stage "${stage}". ${usage}`);
    return 2;
  }
  const options = { list: values.list ?? false, ids: values.id ?? [] };
  return stage === 'local' ? local(options) : deployed(stage, options);
}

runCommand('redrive', main);
