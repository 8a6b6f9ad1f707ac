// The iot service counts a dropped device message as one structured log line (`telemetry dropped`, with the
// thing and the reason), which CloudWatch Logs counts deployed; locally every line lands in the test platform's
// log file (test/setup hands its path over). Reading them back is how a test checks that a drop was counted.
import { readFileSync } from 'node:fs';

export interface LogEntry {
  level: string;
  message: string;
  [field: string]: unknown;
}

function logFile(): string {
  const file = process.env.TEST_PLATFORM_LOG_FILE;
  if (!file) throw new Error('TEST_PLATFORM_LOG_FILE is not set: integration tests run through the jest global setup');
  return file;
}

/** The JSON lines one service wrote (its prefix in the platform log is `<service> | `). */
export function serviceLog(service: string): LogEntry[] {
  const prefix = ` ${service.padEnd(14)}| {`;
  const entries: LogEntry[] = [];
  for (const line of readFileSync(logFile(), 'utf8').split('\n')) {
    const start = line.indexOf(prefix);
    if (start < 0) continue;
    try {
      entries.push(JSON.parse(line.slice(start + prefix.length - 1)) as LogEntry);
    } catch {
      // Not one of the service's JSON lines (serverless-offline's own output).
    }
  }
  return entries;
}

/** The reasons of the telemetry messages of a thing that the iot service dropped, sorted. */
export function telemetryDrops(thingId: string): string[] {
  return serviceLog('iot')
    .filter((entry) => entry.message === 'telemetry dropped' && entry.thingId === thingId)
    .map((entry) => String(entry.reason))
    .sort();
}
