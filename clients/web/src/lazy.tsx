// A screen loaded on demand (dynamic import), so its code (charts, admin tables) stays out of the initial JS.
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ErrorLine } from './components';

export function Lazy<M>(props: { load: () => Promise<M>; children: (module: M) => ComponentChildren; what: string }) {
  const [module, setModule] = useState<M | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let cancelled = false;
    props
      .load()
      .then((loaded) => !cancelled && setModule(() => loaded))
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [props.load]);
  if (module) return <>{props.children(module)}</>;
  return <main>{failed ? <ErrorLine message={`The ${props.what} screen could not be loaded. Check your connection and reload.`} /> : <p role="status">Opening {props.what}…</p>}</main>;
}
