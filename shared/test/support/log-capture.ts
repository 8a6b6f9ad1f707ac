// A logger whose lines are kept in memory, so tests can assert on what was logged.
import { createLogger } from '../../src/log';
import type { Logger, LogLevel } from '../../src/log';

export interface CapturedLogger {
  logger: Logger;
  lines: string[];
  entries(): Record<string, unknown>[];
}

export function captureLogger(level: LogLevel = 'debug'): CapturedLogger {
  const lines: string[] = [];
  return {
    logger: createLogger({ service: 'test', level, write: (line) => lines.push(line) }),
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
