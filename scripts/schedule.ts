// `npm run schedule -- <service>.<function> [--at <ISO time>]`: fires a scheduled function of the running local
// stage once, as EventBridge would at that time (default: now), through the platform's delivery code: the
// function's retries, then the dead-letter store (`npm run redrive`). The platform fires every schedule on its own
// at its rate; this makes a daily job run now, or as of a later day (`--at` two weeks ahead acts as if they had
// passed, for a job that takes its time from the event). `--list` shows the declared schedules.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { deadLetterDir, localAsyncDeps } from './platform/delivery';
import { loadConsumers, type ScheduleConsumer } from './platform/delivery/consumers';
import { DeadLetterStore } from './platform/delivery/dead-letters';
import { localLambdaInvoker } from './platform/delivery/lambda-invoke';
import { runScheduled } from './platform/delivery/schedules';
import { canConnect } from './platform/net';
import { loadServiceDefinitions, repoRoot } from './platform/service-definitions';
import { runCommand } from './run-command';

const usage = 'usage: npm run schedule -- <service>.<function> [--at <ISO time>] | --list';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { at: { type: 'string' }, list: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  const services = loadServiceDefinitions();
  const schedules = loadConsumers(services).filter((c): c is ScheduleConsumer => c.source === 'schedule');
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (values.list) {
    for (const consumer of schedules) console.log(`${consumer.id}  ${consumer.rules.map((rule) => `${rule.expression}${rule.enabled ? '' : ' (disabled)'}`).join(', ')}`);
    return 0;
  }
  const consumer = schedules.find((c) => c.id === positionals[0]);
  if (!consumer) {
    console.error(`${positionals[0] ? `No scheduled function ${positionals[0]}` : 'Name the function'} (one of ${schedules.map((c) => c.id).join(', ') || 'none'}). ${usage}`);
    return 2;
  }
  const at = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(at.getTime())) {
    console.error(`--at must be an ISO time, got "${values.at}". ${usage}`);
    return 2;
  }
  const service = services.find((s) => s.name === consumer.service);
  if (!service || !(await canConnect(service.lambdaPort))) {
    console.error(`The local platform is not running (${consumer.service} :${service?.lambdaPort ?? '?'} unreachable): start 'npm run dev' first.`);
    return 1;
  }
  const store = new DeadLetterStore(deadLetterDir(process.env.DEV_DATA_DIR ?? path.join(repoRoot, '.local')));
  const lambda = localLambdaInvoker(services);
  try {
    const result = await runScheduled(
      consumer,
      localAsyncDeps({ invoke: lambda.invoke, deadLetters: store, log: (text) => console.log(text) }),
      { at },
    );
    console.log(`${consumer.id} for ${at.toISOString()}: ${result}`);
    return result === 'delivered' ? 0 : 1;
  } finally {
    lambda.destroy();
  }
}

runCommand('schedule', main);
