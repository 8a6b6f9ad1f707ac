// The service worker's choices (src/pwa/cache-policy.ts): only the app shell is ever answered from its cache.
import { shellCacheName, staleCaches, strategyFor } from '../src/pwa/cache-policy';

const origin = 'https://d111.cloudfront.net';
const scope = `${origin}/app/`;
const precached = new Set([`${scope}index.html`, `${scope}assets/index-abc123.js`, `${scope}manifest.webmanifest`]);
const get = (url: string, mode = 'cors') => ({ method: 'GET', url, mode });

describe('strategyFor', () => {
  test("page loads under the scope are the shell; this build's files come from the cache", () => {
    // Act & Assess
    expect(strategyFor(get(`${scope}`, 'navigate'), origin, scope, precached)).toBe('shell');
    expect(strategyFor(get(`${scope}index.html?from=home`, 'navigate'), origin, scope, precached)).toBe('shell');
    expect(strategyFor(get(`${scope}assets/index-abc123.js`), origin, scope, precached)).toBe('precached');
    expect(strategyFor(get(`${scope}manifest.webmanifest`, 'no-cors'), origin, scope, precached)).toBe('precached');
  });

  test('the API is never the worker\'s: same origin (local gateway) or another origin, any method', () => {
    // Act & Assess
    expect(strategyFor(get(`${origin}/notes?limit=20`), origin, scope, precached)).toBe('network');
    expect(strategyFor(get(`${origin}/sync?scope=all`), origin, scope, precached)).toBe('network');
    expect(strategyFor(get('https://abc.execute-api.eu-west-1.amazonaws.com/notes'), origin, scope, precached)).toBe('network');
    expect(strategyFor({ method: 'POST', url: `${scope}index.html`, mode: 'cors' }, origin, scope, precached)).toBe('network');
    expect(strategyFor(get(`${origin}/docs`, 'navigate'), origin, scope, precached)).toBe('network');
  });

  test('files of another build, the worker itself and unparsable URLs go to the network', () => {
    // Act & Assess
    expect(strategyFor(get(`${scope}assets/index-old999.js`), origin, scope, precached)).toBe('network');
    expect(strategyFor(get(`${scope}sw.js`), origin, scope, precached)).toBe('network');
    expect(strategyFor(get('not a url'), origin, scope, precached)).toBe('network');
  });
});

describe('staleCaches', () => {
  test("earlier builds' shell caches go; the current one and caches that are not ours stay", () => {
    // Prepare
    const current = shellCacheName('new');

    // Act
    const stale = staleCaches([shellCacheName('old'), current, 'someone-else', shellCacheName('older')], current);

    // Assess
    expect(stale).toEqual([shellCacheName('old'), shellCacheName('older')]);
  });
});
