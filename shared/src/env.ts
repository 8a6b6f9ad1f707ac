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
