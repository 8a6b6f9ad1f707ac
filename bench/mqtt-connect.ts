// Device auth throughput of the local AWS IoT Core twin: authenticated MQTT CONNECTs per second through the
// broker, each one invoking a trivial authorizer over HTTP (a stand-in for serverless-offline's invoke API, so
// the Lambda invoke hop is in the loop) and then disconnecting. Concurrent devices connect, disconnect and
// connect again for a fixed time, from a child process (as a simulator would); broker and authorizer share this
// process, as the broker shares the platform's. Goal: ≥ 500/s, AWS IoT Core's default account rate for CONNECT.
import { fork } from 'node:child_process';
import os from 'node:os';
import mqtt from 'mqtt';
import { passwordAuthorizer } from '../scripts/test/support/fake-lambda-api';
import { fn, startTestTwin } from '../scripts/test/support/iot-twin';
import { percentile, round, writeResult } from './support';

const durationMs = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const warmupMs = 2000;
const concurrency = Number(process.env.BENCH_DEVICES ?? 50);

const serverlessYml = (withPresenceRule: boolean) => `
service: photonotes-iot
functions:
  iotAuthorizer:
    handler: src/functions/iot-authorizer.handler
  presence:
    handler: src/functions/presence.handler
    events:${withPresenceRule ? `
      - iot:
          sql: "SELECT * FROM '$aws/events/presence/+/+'"` : ' []'}
resources:
  Resources:
    ThingsAuthorizer:
      Type: AWS::IoT::Authorizer
      Properties:
        AuthorizerFunctionArn: !GetAtt IotAuthorizerLambdaFunction.Arn
        SigningDisabled: true
`;

interface LoadResult {
  latencies: number[];
  failures: number;
  seconds: number;
  /** CPU time of the devices' process (ms): when it nears `seconds`, the devices are the bottleneck. */
  cpuMs: number;
}

/** The devices: in a child process, so that the clients' own work does not count against the broker. */
async function generateLoad(url: string, forMs: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const deadline = Date.now() + forMs;
  const started = Date.now();
  const cpuBefore = process.cpuUsage();
  const device = async (index: number) => {
    const thingId = `bench-${index}`;
    while (Date.now() < deadline) {
      const t0 = performance.now();
      try {
        const client = await mqtt.connectAsync(url, { clientId: thingId, username: thingId, password: `pw-${thingId}`, reconnectPeriod: 0, connectTimeout: 10_000 });
        latencies.push(performance.now() - t0);
        await client.endAsync();
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => device(i)));
  const cpu = process.cpuUsage(cpuBefore);
  return { latencies, failures, seconds: (Date.now() - started) / 1000, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function loadFromChild(url: string, forMs: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load', url, String(forMs)], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (message) => resolve(message as LoadResult));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`load generator exited with ${code}`))));
  });
}

async function measure(withPresenceRule: boolean, forMs = durationMs) {
  const setup = await startTestTwin(serverlessYml(withPresenceRule), { [fn('iotAuthorizer')]: passwordAuthorizer, [fn('presence')]: () => null });
  const url = setup.twin.mqttUrl.replace('localhost', '127.0.0.1');
  const cpuBefore = process.cpuUsage();
  const { latencies, failures, seconds, cpuMs: deviceCpuMs } = await loadFromChild(url, forMs);
  // Lifecycle events of the last disconnects are still on their way to the rules engine.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await setup.twin.rules.idle();
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerConnect = (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length);
  const result = {
    presenceRule: withPresenceRule,
    connects: latencies.length,
    failures,
    seconds: round(seconds, 1),
    connectsPerSecond: Math.round(latencies.length / seconds),
    connectMs: { p50: round(percentile(latencies, 50), 1), p99: round(percentile(latencies, 99), 1) },
    // CPU time of the broker + authorizer process per connect: what a busy shared machine does not distort.
    brokerCpuMsPerConnect: round(cpuMsPerConnect, 2),
    connectsPerCpuSecond: Math.round(1000 / cpuMsPerConnect),
    devicesCpuShare: round(deviceCpuMs / 1000 / seconds, 2),
    authorizerInvocations: setup.lambda.eventsOf(fn('iotAuthorizer')).length,
    presenceInvocations: setup.lambda.eventsOf(fn('presence')).length,
    rules: setup.twin.rules.stats(),
  };
  await setup.stop();
  return result;
}

async function main(): Promise<void> {
  // The broker's code paths get compiled before anything is timed.
  await measure(true, warmupMs);
  const authorizerOnly = await measure(false);
  console.log(`authorizer only: ${authorizerOnly.connectsPerSecond} CONNECT/s (p50 ${authorizerOnly.connectMs.p50} ms, p99 ${authorizerOnly.connectMs.p99} ms, ${authorizerOnly.failures} failed; ${authorizerOnly.brokerCpuMsPerConnect} ms broker CPU each)`);
  const withPresence = await measure(true);
  console.log(`with a presence rule: ${withPresence.connectsPerSecond} CONNECT/s (p50 ${withPresence.connectMs.p50} ms, p99 ${withPresence.connectMs.p99} ms, ${withPresence.failures} failed; ${withPresence.brokerCpuMsPerConnect} ms broker CPU each)`);
  const file = writeResult('mqtt-connect', {
    description: `authenticated MQTT CONNECT + DISCONNECT through the local IoT twin (aedes) with a trivial authorizer behind an HTTP Lambda invoke API, ${concurrency} concurrent devices for ${durationMs / 1000} s; devices in a child process, broker and authorizer in one Node process`,
    concurrency,
    // The machine is shared: its 1-minute load average when the runs ended says how much it was.
    loadAverage1m: round(os.loadavg()[0] ?? 0, 1),
    runs: [authorizerOnly, withPresence],
    summary: `${authorizerOnly.connectsPerSecond} authenticated CONNECT/s (p99 ${authorizerOnly.connectMs.p99} ms); ${withPresence.connectsPerSecond}/s with a presence rule`,
    goal: '≥ 500/s',
  });
  console.log(`wrote ${file}`);
}

if (process.argv[2] === '--load') {
  void generateLoad(process.argv[3] as string, Number(process.argv[4])).then((result) => process.send?.(result, () => process.exit(0)));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
