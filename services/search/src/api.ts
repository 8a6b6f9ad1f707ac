// The search service's routes for the OpenAPI document (scripts/openapi/generate.ts), with the schemas its
// handler validates with. The response schema is checked against the domain type it describes.
import { annotate, defineRoute, describes, healthRoute, named, pageOf, timestamp } from '@photonotes/shared/openapi';
import type { RouteSpec } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import { maxQueryLength, searchQuery } from './domain/search-input';
import type { SearchHit, SearchPage } from './domain/search-notes';

annotate(searchQuery.shape.q, {
  minLength: 1,
  maxLength: maxQueryLength,
  description: 'Words to find in titles, bodies and tags: case- and accent-insensitive, every word must match, the last one also as a prefix',
  example: 'harb',
});

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

export const routes: RouteSpec[] = [
  healthRoute('search'),
  defineRoute({
    method: 'GET',
    path: '/search',
    operationId: 'searchNotes',
    summary: 'Search the notes you may see',
    description: 'Your own notes, the ones shared with you and public ones, best matches first. A query with no searchable word (punctuation, emoji) finds nothing.',
    tags: ['search'],
    query: searchQuery,
    responses: { 200: { description: 'A page of matches', schema: SearchPageSchema } },
    errors: { 400: 'q empty or over 200 characters, an invalid limit, or a cursor the server did not issue' },
  }),
];
