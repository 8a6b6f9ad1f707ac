import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Client } from '@photonotes/client';
import { ErrorLine, Field, ScreenTitle } from '../components';
import { createSearch, highlight, maxQueryLength, type SearchState } from '../search';

function Marked(props: { text: string; query: string }) {
  return (
    <>
      {highlight(props.text, props.query).map((piece, index) => (piece.match ? <mark key={index}>{piece.text}</mark> : piece.text))}
    </>
  );
}

function statusLine(state: SearchState): string {
  if (state.status === 'idle') return 'Type to search your notes, the ones shared with you and public ones.';
  if (state.status === 'waiting' || state.status === 'loading') return 'Searching…';
  if (state.status === 'done') {
    if (state.items.length === 0) return `No notes match “${state.query}”.`;
    return `${state.items.length}${state.nextCursor ? '+' : ''} ${state.items.length === 1 ? 'note matches' : 'notes match'} “${state.query}”.`;
  }
  return '';
}

/** Search as you type; a result opens its note. */
export function Search(props: { api: Client; onOpen: (id: string) => void }) {
  const search = useMemo(() => createSearch({ api: props.api }), [props.api]);
  const [state, setState] = useState<SearchState>(search.state);
  useEffect(() => {
    const unsubscribe = search.subscribe(setState);
    return () => {
      unsubscribe();
      search.dispose();
    };
  }, [search]);

  return (
    <main>
      <ScreenTitle>Search</ScreenTitle>
      <form role="search" onSubmit={(event) => event.preventDefault()}>
        <Field label="Search notes">
          {(id) => <input id={id} type="search" autoComplete="off" maxLength={maxQueryLength} onInput={(e) => search.setQuery(e.currentTarget.value)} />}
        </Field>
      </form>
      <p role="status" class="search-status">
        {statusLine(state)}
      </p>
      <ErrorLine message={state.error} />
      {state.items.length > 0 ? (
        <ul class="notes results" aria-busy={state.status === 'loading' || state.loadingMore}>
          {state.items.map((hit) => (
            <li key={hit.id}>
              <button type="button" class="note" onClick={() => props.onOpen(hit.id)}>
                <strong>
                  <Marked text={hit.title} query={state.query} />
                </strong>
                {hit.snippet ? (
                  <span class="snippet">
                    <Marked text={hit.snippet} query={state.query} />
                  </span>
                ) : null}
                <time dateTime={hit.updatedAt}>{new Date(hit.updatedAt).toLocaleString()}</time>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {state.status === 'done' && state.nextCursor ? (
        <button type="button" disabled={state.loadingMore} onClick={() => void search.more()}>
          {state.loadingMore ? 'Loading…' : 'More results'}
        </button>
      ) : null}
    </main>
  );
}
