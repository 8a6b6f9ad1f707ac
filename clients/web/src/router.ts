// Following the route: moving to another screen, and the hook that re-renders when the hash changes.
import { useEffect, useState } from 'preact/hooks';
import { href, parseRoute, type Route } from './route';

export { href, parseRoute, type Route } from './route';

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const next = href(route);
  if (window.location.hash === next) return;
  if (options.replace) {
    window.history.replaceState(null, '', next);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = next;
}

/** The current route, following the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}
