// What every contract's parser answers for one incoming record: the typed value, "not mine" (another event
// type, another item of the table: the consumer ignores it), or "mine but malformed" (the consumer fails it,
// so the platform retries it and then dead-letters it: nothing is dropped without a trace).
import type * as z from 'zod/mini';

export type ParseResult<T> =
  | { kind: 'parsed'; value: T }
  | { kind: 'foreign'; reason: string }
  | { kind: 'invalid'; issues: string[] };

export const parsed = <T>(value: T): ParseResult<T> => ({ kind: 'parsed', value });
export const foreign = (reason: string): ParseResult<never> => ({ kind: 'foreign', reason });
export const invalid = (issues: string[]): ParseResult<never> => ({ kind: 'invalid', issues });

/** zod's issues as `path: message` lines, for logs. */
export function issuesOf(error: z.core.$ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => `${[prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`);
}
