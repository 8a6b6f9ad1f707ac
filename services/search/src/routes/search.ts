// GET /search?q=&limit=&cursor= → the notes the caller may see that match q, best first.
import { defineRoute } from '@photonotes/shared/http-route';
import { annotate, describes, named, pageOf, timestamp } from '@photonotes/shared/openapi';
import { cursorParam, limitParam } from '@photonotes/shared/validation';
import { codePoints } from '@photonotes/shared/text';
import * as z from 'zod/mini';
import type { SearchHit, SearchInput, SearchPage } from '../domain/search-notes';

/** q is 1..200 characters, as people count them (an emoji is one). */
export const maxQueryLength = 200;

export const searchQuery = describes<SearchInput>()(
  z.object({
    q: annotate(
      z.string().check(
        z.refine((value) => value.trim().length > 0, 'q must not be empty'),
        z.refine((value) => codePoints(value) <= maxQueryLength, `q must be at most ${maxQueryLength} characters`),
      ),
      {
        minLength: 1,
        maxLength: maxQueryLength,
        description: 'Words to find in titles, bodies and tags: case- and accent-insensitive, every word must match, the last one also as a prefix',
        example: 'harb',
      },
    ),
    limit: limitParam,
    cursor: cursorParam,
  }),
);

const SearchHitSchema = named(
  'SearchHit',
  describes<SearchHit>()(
    z.object({
      id: annotate(z.string(), { description: 'The note id' }),
      title: z.string(),
      snippet: annotate(z.string(), { description: 'A passage of the body around the matches' }),
      ownerId: z.string(),
      score: annotate(z.number(), { description: 'Higher is a better match' }),
      updatedAt: timestamp,
    }),
  ),
);

const SearchPageSchema = named('SearchPage', describes<SearchPage>()(pageOf(SearchHitSchema)));

export const searchRoute = defineRoute({
  service: 'search',
  method: 'GET',
  path: '/search',
  operationId: 'searchNotes',
  summary: 'Search the notes you may see',
  description: 'Your own notes, the ones shared with you and public ones, best matches first. A query with no searchable word (punctuation, emoji) finds nothing.',
  tags: ['search'],
  query: searchQuery,
  responses: { 200: { description: 'A page of matches', schema: SearchPageSchema } },
  errors: { 400: 'q empty or over 200 characters, an invalid limit, or a cursor the server did not issue' },
});
