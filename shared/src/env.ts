// Environment access. Each capability reads its variables through requireEnv when it is first used (README,
// "Wiring a service"), so a missing one fails loudly, naming itself, at the first invocation that needs it.

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

export function optionalEnv(name: string): string | undefined;
export function optionalEnv(name: string, fallback: string): string;
export function optionalEnv(name: string, fallback?: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

/**
 * A stage param that must be a whole number of at least 1 (limits, windows, retention days), written as plain
 * digits: anything else fails loudly, naming the param, rather than admitting everyone or no one.
 */
export function positiveIntegerParam(name: string, raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
