// How the search functions get their dependencies (README, "Wiring a service"): a getter per capability,
// built on first use and kept for the container's life, each reading its own environment variables.
import { requireEnv } from '@photonotes/shared/env';
import type { SearchIndex } from '../domain/ports';
import { searchIndex } from './search-index';

export function searchIndexTableName(): string {
  return requireEnv('SEARCH_INDEX_TABLE');
}

let index: SearchIndex | undefined;
export function searchIndexFromEnv(): SearchIndex {
  return (index ??= searchIndex({ tableName: searchIndexTableName() }));
}
