// Where the app is: a route read from the URL's hash (`#/notes`, `#/things/<id>`…), so the back button, a
// reload and a shared link all land on the same screen, and the static hosting needs no rewrite rules.
export type Route =
  | { name: 'sign-in' }
  | { name: 'sign-up' }
  | { name: 'notes' }
  | { name: 'note'; id: string | null } // null: a new note
  | { name: 'search' }
  | { name: 'inbox' }
  | { name: 'things' }
  | { name: 'thing'; id: string }
  | { name: 'admin' };

const simple = ['sign-in', 'sign-up', 'notes', 'search', 'inbox', 'things', 'admin'] as const;

/** The route a hash names; anything unknown is the notes list (which sends a signed-out visitor to sign in). */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (parts.length === 2 && first === 'notes' && second) return { name: 'note', id: second === 'new' ? null : second };
  if (parts.length === 2 && first === 'things' && second) return { name: 'thing', id: second };
  if (parts.length === 1) {
    const found = simple.find((name) => name === first);
    if (found) return { name: found };
  }
  return { name: 'notes' };
}

/** The hash of a route (`href(parseRoute(h))` names the same screen as `h`). */
export function href(route: Route): string {
  if (route.name === 'note') return `#/notes/${route.id === null ? 'new' : encodeURIComponent(route.id)}`;
  if (route.name === 'thing') return `#/things/${encodeURIComponent(route.id)}`;
  return `#/${route.name}`;
}
