// `npm run things:simulate -- --things 20 --rate 2`: a fleet of simulated thermostats against the running
// backend (README, "Things over MQTT"). Signs in (the seed's demo user by default), registers or reuses its
// things (or takes a credentials file), connects each over MQTT with what its credentials say, publishes
// readings, obeys desired state, and prints a summary line every few seconds. Ctrl-C disconnects every
// device and exits 0. `startSimulation` is the same thing as a module, for tests.
import { isApiError } from '@photonotes/client';
import { parseSimulateArgs, usage, UsageError, type SimulateOptions } from './args';
import { loadCredentialsFile, type SimulatedThing } from './credentials';
import { createDevice, type ConnectLink, type DeviceEvent, type DeviceStats, type SimulatedDevice } from './device';
import { provisionThings, signIn } from './provision';

export interface SimulationIo {
  log(line: string): void;
  /** Device events (published readings, desired state, connections), for tests and tooling. */
  onEvent?(event: DeviceEvent): void;
  connect?: ConnectLink;
}

export interface Simulation {
  things: SimulatedThing[];
  devices: SimulatedDevice[];
  totals(): DeviceStats & { online: number };
  /** Disconnects every device; safe to call twice. */
  stop(): Promise<void>;
}

/** Connects at most this many devices at once: a fleet of 50 should not be a CONNECT storm. */
const connectsInFlight = 10;

export async function resolveThings(options: SimulateOptions, log: (line: string) => void): Promise<SimulatedThing[]> {
  if (options.credentialsFile) {
    const things = loadCredentialsFile(options.credentialsFile);
    log(`${things.length} device(s) from ${options.credentialsFile}`);
    return things;
  }
  const api = await signIn(options.api, options.email, options.password);
  const result = await provisionThings(api, { count: options.things, prefix: options.prefix });
  log(`signed in as ${options.email} at ${options.api}: ${result.registered} thing(s) registered, ${result.reused} reused (credentials rotated)`);
  return result.things;
}

export async function startSimulation(options: SimulateOptions, io: SimulationIo): Promise<Simulation> {
  const things = await resolveThings(options, io.log);
  let stopped = false;
  const devices = things.map((thing) =>
    createDevice({
      thingId: thing.thingId,
      credentials: thing.credentials,
      rate: options.rate,
      qos: options.qos,
      ...(io.connect ? { connect: io.connect } : {}),
      onEvent: (event) => {
        io.onEvent?.(event);
        // Disconnecting on purpose is not news.
        if (stopped && event.type === 'connection') return;
        if (event.type === 'desired') io.log(`${thing.name}: desired ${JSON.stringify(event.reported)} applied${event.ignored.length ? `, ignored ${event.ignored.join(', ')}` : ''}`);
        if (event.type === 'connection' && event.state === 'refused') io.log(`${thing.name}: gave up reconnecting, the broker refused its credentials (${event.reason ?? ''}); rotated or deleted?`);
        else if (event.type === 'connection' && event.state !== 'connected') io.log(`${thing.name}: connection ${event.state}${event.reason ? ` (${event.reason})` : ''}`);
      },
    }),
  );
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(devices.map((device) => device.stop()));
  };
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(connectsInFlight, devices.length) }, async () => {
        while (next < devices.length) {
          const index = next++;
          const device = devices[index] as SimulatedDevice;
          const thing = things[index] as SimulatedThing;
          try {
            await device.connect();
          } catch (error) {
            throw new Error(`${thing.name} (${thing.credentials.clientId}) could not connect to ${thing.credentials.mqttUrl}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  for (const device of devices) device.startPublishing();
  io.log(`${devices.length} device(s) connected to ${things[0]?.credentials.mqttUrl ?? '?'}, ${options.rate} reading(s)/s each at QoS ${options.qos}`);
  return {
    things,
    devices,
    totals() {
      const sum: DeviceStats & { online: number } = { sent: 0, acked: 0, errors: 0, skipped: 0, desired: 0, reported: 0, online: 0 };
      for (const device of devices) {
        const stats = device.stats();
        for (const key of Object.keys(stats) as Array<keyof DeviceStats>) sum[key] += stats[key];
        if (device.connected) sum.online += 1;
      }
      return sum;
    },
    stop,
  };
}

/** One compact summary line; `previous` gives the rate since the last line. */
export function summaryLine(elapsedSeconds: number, devices: number, totals: DeviceStats & { online: number }, previous: DeviceStats | null, intervalSeconds: number): string {
  const perSecond = previous && intervalSeconds > 0 ? ` (${((totals.sent - previous.sent) / intervalSeconds).toFixed(1)}/s)` : '';
  const extras = [totals.skipped ? `skipped ${totals.skipped} offline` : '', totals.desired ? `desired ${totals.desired}` : ''].filter(Boolean);
  return `[${Math.round(elapsedSeconds)} s] online ${totals.online}/${devices} · sent ${totals.sent}${perSecond} · acked ${totals.acked} · errors ${totals.errors}${extras.length ? ` · ${extras.join(' · ')}` : ''}`;
}

async function main(argv: string[]): Promise<number> {
  let options: SimulateOptions;
  try {
    const parsed = parseSimulateArgs(argv);
    if (parsed === 'help') {
      console.log(usage);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`things:simulate: ${error.message}\n\n${usage}`);
      return 2;
    }
    throw error;
  }

  const log = (line: string) => console.log(line);
  const started = Date.now();
  let simulation: Simulation;
  try {
    simulation = await startSimulation(options, { log });
  } catch (error) {
    const reason = isApiError(error) ? `${error.status} ${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    console.error(`things:simulate: ${reason}`);
    return 1;
  }

  let previous: DeviceStats | null = null;
  let previousAt = Date.now();
  const printSummary = () => {
    const totals = simulation.totals();
    const now = Date.now();
    log(summaryLine((now - started) / 1000, simulation.devices.length, totals, previous, (now - previousAt) / 1000));
    previous = totals;
    previousAt = now;
  };
  const ticker = setInterval(printSummary, options.summarySeconds * 1000);

  await new Promise<void>((resolve) => {
    const finish = (why: string) => {
      log(why);
      resolve();
    };
    process.once('SIGINT', () => finish('stopping (Ctrl-C): disconnecting every device'));
    process.once('SIGTERM', () => finish('stopping (SIGTERM): disconnecting every device'));
    if (options.durationSeconds !== null) setTimeout(() => finish(`stopping after ${options.durationSeconds} s`), options.durationSeconds * 1000);
  });
  clearInterval(ticker);
  await simulation.stop();
  printSummary();
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
