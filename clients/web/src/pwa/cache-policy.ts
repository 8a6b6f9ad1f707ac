// What the service worker does with a request, as plain functions (unit-tested without a browser). It answers only
// for the app shell: the files of this build (index.html, hashed assets, manifest, icons) from its cache, and page
// loads under the app's scope network first with the cached index.html offline. Everything else, the API above
// all (same origin locally, another origin deployed), goes to the network untouched and is never cached.

export const shellCachePrefix = 'photonotes-shell-';

export const shellCacheName = (version: string): string => `${shellCachePrefix}${version}`;

/** `shell`: a page load under the scope; `precached`: a file of this build; `network`: not the worker's business. */
export type Strategy = 'shell' | 'precached' | 'network';

export interface RequestLike {
  method: string;
  url: string;
  mode: string;
}

/**
 * `origin` is the worker's own, `scope` its scope URL (`https://host/app/`), `precached` the absolute URLs of this
 * build's files.
 */
export function strategyFor(request: RequestLike, origin: string, scope: string, precached: ReadonlySet<string>): Strategy {
  if (request.method !== 'GET') return 'network';
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return 'network';
  }
  if (url.origin !== origin) return 'network';
  const withoutQuery = `${url.origin}${url.pathname}`;
  if (request.mode === 'navigate') return withoutQuery.startsWith(scope) ? 'shell' : 'network';
  return precached.has(withoutQuery) ? 'precached' : 'network';
}

/** Caches of earlier builds, to delete once this build's worker is active. Other caches are not ours to touch. */
export function staleCaches(keys: readonly string[], current: string): string[] {
  return keys.filter((key) => key.startsWith(shellCachePrefix) && key !== current);
}
