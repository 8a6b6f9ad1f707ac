// Command line of `npm run things:simulate`: every option checked up front, with an error that says what is
// wrong and what is allowed, so a typo never starts 50 devices with a surprising setting.
import { parseArgs } from 'node:util';
import { demoAccounts } from '../demo-accounts';

export interface SimulateOptions {
  /** The gateway, e.g. http://localhost:3000. */
  api: string;
  email: string;
  password: string;
  /** Things to register or reuse (not with `credentialsFile`). */
  things: number;
  /** Readings a second per thing. */
  rate: number;
  /** Stop after this many seconds; null runs until Ctrl-C. */
  durationSeconds: number | null;
  /** Drive the devices in this file instead of registering things. */
  credentialsFile: string | null;
  /** Names of the simulator's things: `<prefix>-1`, `<prefix>-2`, ... */
  prefix: string;
  qos: 0 | 1;
  /** Seconds between summary lines. */
  summarySeconds: number;
}

export class UsageError extends Error {}

/** The contract's limits: a user owns at most 50 things; a thing's messages beyond 10 a second are dropped. */
export const simulatorLimits = { things: 50, ratePerThing: 10 } as const;

const [alice] = demoAccounts;

export const usage = `usage: npm run things:simulate -- [options]

  --things <n>         things to simulate, 1..${simulatorLimits.things} (default 5); registered for the account, or
                       reused when they exist (named <prefix>-1..n; their credentials are rotated)
  --rate <r>           readings a second per thing, above 0 and at most ${simulatorLimits.ratePerThing} (default 1; 0.2 = one every 5 s)
  --duration <s>       stop after s seconds (default: run until Ctrl-C)
  --credentials <file> drive the devices in this JSON file (the credentials of POST /things, its whole answer, or
                       an array of them) instead of registering things; no sign-in
  --api <url>          the gateway (default $API_BASE_URL or http://localhost:3000)
  --email <e>          account to sign in as (default ${alice?.email ?? ''}, the seed's demo user)
  --password <p>       its password (default the demo user's)
  --prefix <name>      name prefix of the simulator's things (default sim-thermostat)
  --qos <0|1>          MQTT QoS of readings (default 1)
  --summary <s>        seconds between summary lines (default 5)
  --help               this text`;

const namePrefix = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,59}$/;

function number(flag: string, raw: string, check: (value: number) => boolean, allowed: string): number {
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(value) || !check(value)) throw new UsageError(`--${flag} must be ${allowed}, got "${raw}"`);
  return value;
}

/** Parses the arguments after `--`; 'help' when help was asked for. Throws UsageError with a clear message. */
export function parseSimulateArgs(argv: string[], env: Record<string, string | undefined> = process.env): SimulateOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        things: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        credentials: { type: 'string' },
        api: { type: 'string' },
        email: { type: 'string' },
        password: { type: 'string' },
        prefix: { type: 'string' },
        qos: { type: 'string' },
        summary: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // node:util names the problem ("Unknown option '--thing'"); the usage says what exists.
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error));
  }
  const values = parsed.values;
  if (values.help) return 'help';

  const credentialsFile = values.credentials ?? null;
  if (credentialsFile !== null) {
    if (credentialsFile.trim() === '') throw new UsageError('--credentials needs a file name');
    const clash = (['things', 'email', 'password', 'prefix'] as const).filter((flag) => values[flag] !== undefined);
    if (clash.length > 0) throw new UsageError(`--credentials drives the devices in the file; it cannot be combined with ${clash.map((flag) => `--${flag}`).join(', ')}`);
  }

  const things = values.things === undefined ? 5 : number('things', values.things, (v) => Number.isInteger(v) && v >= 1 && v <= simulatorLimits.things, `a whole number from 1 to ${simulatorLimits.things} (a user owns at most ${simulatorLimits.things} things)`);
  const rate = values.rate === undefined ? 1 : number('rate', values.rate, (v) => v > 0 && v <= simulatorLimits.ratePerThing, `readings a second per thing, above 0 and at most ${simulatorLimits.ratePerThing} (the service drops a thing's messages beyond ${simulatorLimits.ratePerThing} a second)`);
  const durationSeconds = values.duration === undefined ? null : number('duration', values.duration, (v) => v > 0, 'a number of seconds above 0');
  const summarySeconds = values.summary === undefined ? 5 : number('summary', values.summary, (v) => v >= 0.5, 'a number of seconds, at least 0.5');
  const qos = values.qos === undefined ? 1 : (number('qos', values.qos, (v) => v === 0 || v === 1, '0 or 1') as 0 | 1);

  const api = values.api ?? env.API_BASE_URL ?? 'http://localhost:3000';
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new UsageError(`--api must be an http:// or https:// URL, got "${api}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api must be an http:// or https:// URL, got "${api}"`);

  const prefix = values.prefix ?? 'sim-thermostat';
  if (!namePrefix.test(prefix)) throw new UsageError(`--prefix must be 1 to 60 letters, digits, spaces, _ . or - (starting with a letter or digit), got "${prefix}"`);
  if (values.email !== undefined && values.password === undefined && values.email !== alice?.email) throw new UsageError('--email needs --password (only the demo user has a default password)');

  return {
    api: api.replace(/\/+$/, ''),
    email: values.email ?? alice?.email ?? '',
    password: values.password ?? alice?.password ?? '',
    things,
    rate,
    durationSeconds,
    credentialsFile,
    prefix,
    qos,
    summarySeconds,
  };
}
