// GET /search's query string: q is 1..200 characters (as people count them: an emoji is one).
import * as z from 'zod/mini';
import { cursorParam, limitParam } from '@photonotes/shared/validation';

export const maxQueryLength = 200;

function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

export const searchQuery = z.object({
  q: z.string().check(
    z.refine((value) => value.trim().length > 0, 'q must not be empty'),
    z.refine((value) => codePoints(value) <= maxQueryLength, `q must be at most ${maxQueryLength} characters`),
  ),
  limit: limitParam,
  cursor: cursorParam,
});

export type SearchQuery = z.output<typeof searchQuery>;
