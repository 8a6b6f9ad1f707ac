// The search index for the Lambda functions, built once per process.
import { requireEnv } from '@photonotes/shared/env';
import type { SearchIndex } from '../domain/ports';
import { searchIndex } from './search-index';

let index: SearchIndex | undefined;

export function searchIndexFromEnv(): SearchIndex {
  return (index ??= searchIndex({ tableName: requireEnv('SEARCH_INDEX_TABLE') }));
}
