// Input validation with zod/mini (not classic zod: it would not fit a 150 KB bundle), mapped to 400 VALIDATION_FAILED.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { ValidationError } from './errors';

// zod/mini ships without messages ("Invalid input"); clients deserve readable ones.
z.config(en());

export type InputLocation = 'body' | 'query' | 'path';

export interface ValidationIssue {
  location: InputLocation;
  path: string;
  message: string;
  code: string;
}

export function parseInput<S extends z.ZodMiniType>(schema: S, value: unknown, location: InputLocation): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  const details: ValidationIssue[] = result.error.issues.map((issue) => ({
    location,
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: issue.code,
  }));
  throw new ValidationError('Request validation failed', details);
}

// Query values arrive as strings; a regex keeps "1.5", "1e2", " 5" and "010" out before the number conversion.
export const limitParam = z._default(
  z.pipe(
    z.string().check(z.regex(/^(?:[1-9][0-9]?|100)$/, 'limit must be an integer from 1 to 100')),
    z.transform((value: string) => Number(value)),
  ),
  20,
);

export const cursorParam = z.optional(z.string().check(z.minLength(1), z.maxLength(2048)));

/** `?limit=1..100` (default 20) and `?cursor=`; extend it with `z.extend(paginationQuery, {...})`. */
export const paginationQuery = z.object({ limit: limitParam, cursor: cursorParam });

export type PaginationQuery = z.output<typeof paginationQuery>;
