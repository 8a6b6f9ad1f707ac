// The admin reads' query strings: a range of UTC days, `from` and `to` both included, at most 366 days. Left out,
// `to` is today (UTC) and `from` is 29 days before `to`: the last 30 days. The same default for every read.
import { ValidationError } from '@photonotes/shared/errors';
import { annotate } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { addDays, daysBetween, isDate, today } from './days';

export const rangeLimits = { maxDays: 366, defaultDays: 30 } as const;

// The refine says nothing to JSON Schema: the document learns the form from these keywords (a unit test holds
// them to what isDate accepts: test/unit/reads.test.ts).
const date = z.optional(annotate(z.string().check(z.refine(isDate, 'must be a UTC date YYYY-MM-DD')), { format: 'date', maxLength: 10 }));

export const rangeQuery = z.object({ from: date, to: date });

/** An attribute key, as events carry them (event-input.ts). */
export const attributeKeyPattern = /^[A-Za-z0-9_.-]{1,50}$/;
/** An event type: the apps' own, the standard `_` ones and the backend's `server.` ones. */
export const eventTypePattern = /^[A-Za-z0-9_.:-]{1,64}$/;

export const eventReportQuery = z.extend(rangeQuery, {
  by: z.optional(z.string().check(z.regex(attributeKeyPattern, 'by must be an attribute key: 1 to 50 of A-Z a-z 0-9 _ . -'))),
});

export const eventTypePath = z.object({
  type: z.string().check(z.regex(eventTypePattern, 'type must be 1 to 64 of A-Z a-z 0-9 _ . : -')),
});

export const retentionQuery = z.extend(rangeQuery, { period: z._default(z.enum(['day', 'week']), 'day') });

export type RangeInput = z.output<typeof rangeQuery>;

export interface DayRange {
  from: string;
  to: string;
}

function invalidRange(path: 'from' | 'to', message: string): ValidationError {
  return new ValidationError('Request validation failed', [{ location: 'query', path, message, code: 'invalid_range' }]);
}

export function resolveRange(input: RangeInput, now: Date): DayRange {
  const to = input.to ?? today(now);
  const from = input.from ?? addDays(to, -(rangeLimits.defaultDays - 1));
  if (from > to) throw invalidRange('from', 'from must not be after to');
  if (daysBetween(from, to) + 1 > rangeLimits.maxDays) throw invalidRange('from', `a range is at most ${rangeLimits.maxDays} days`);
  return { from, to };
}
