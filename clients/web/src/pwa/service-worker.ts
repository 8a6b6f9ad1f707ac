// The app's service worker (built to /app/sw.js by vite.config.ts, which fills in this build's file list and
// version). Install: caches this build's shell. Activate: deletes earlier builds' caches. Fetch: see cache-policy.ts.
// A new build's worker waits until no tab runs the old one (no skipWaiting): an open tab keeps the files it loaded,
// lazily imported chunks included, and page loads are network first, so an online reload already gets the new build.
import { shellCacheName, staleCaches, strategyFor } from './cache-policy';

declare const __PRECACHE__: string[];
declare const __CACHE_VERSION__: string;

/** The few parts of ServiceWorkerGlobalScope used here (the app's tsconfig has the DOM's types, not the worker's). */
interface ExtendableEvent extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  readonly registration: { readonly scope: string };
  readonly location: { readonly origin: string };
  readonly clients: { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const worker = self as unknown as WorkerScope;
const cacheName = shellCacheName(__CACHE_VERSION__);
const scope = worker.registration.scope;
const precached = new Set(__PRECACHE__.map((file) => new URL(file, scope).href));
const indexHtml = new URL('index.html', scope).href;

worker.addEventListener('install', (event) => {
  // `reload`: straight from the server, never an older copy from the HTTP cache.
  event.waitUntil(caches.open(cacheName).then((cache) => cache.addAll([...precached].map((url) => new Request(url, { cache: 'reload' })))));
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(staleCaches(keys, cacheName).map((key) => caches.delete(key))))
      .then(() => worker.clients.claim()),
  );
});

async function fromCache(url: string): Promise<Response | undefined> {
  return (await caches.open(cacheName)).match(url);
}

worker.addEventListener('fetch', (event) => {
  const strategy = strategyFor(event.request, worker.location.origin, scope, precached);
  if (strategy === 'network') return;
  if (strategy === 'precached') {
    event.respondWith(fromCache(event.request.url).then((cached) => cached ?? fetch(event.request)));
    return;
  }
  event.respondWith(
    fetch(event.request).catch(async (error: unknown) => {
      const cached = await fromCache(indexHtml);
      if (cached) return cached;
      throw error;
    }),
  );
});
