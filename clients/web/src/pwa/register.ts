// Registers the service worker of a production build (main.tsx): the app then opens offline after one visit.
// Not in `vite dev`, where files change on every save and a worker would serve stale ones.

export function registerServiceWorker(base: string = import.meta.env.BASE_URL): void {
  if (!('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    // A failed registration (private mode, an old browser) leaves an app that works online, as before.
    navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).catch(() => undefined);
  });
}
