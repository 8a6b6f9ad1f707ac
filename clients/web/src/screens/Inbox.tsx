// The inbox: notifications newest first, more on request; new ones appear live (the realtime channel); each can
// be marked read, or all at once.
import { useEffect, useState } from 'preact/hooks';
import { ErrorLine, ScreenTitle } from '../components';
import { describeError } from '../errors';
import { unreadCount, type Inbox as InboxModel, type InboxItem } from '../inbox';
import { href } from '../router';

/** The inbox's state, re-rendering on every change. */
export function useInbox(inbox: InboxModel) {
  const [state, setState] = useState(inbox.state());
  useEffect(() => {
    setState(inbox.state());
    return inbox.onChange(() => setState(inbox.state()));
  }, [inbox]);
  return state;
}

function link(item: InboxItem): string | null {
  if (item.type === 'note.shared' && typeof item.data.noteId === 'string') return href({ name: 'note', id: item.data.noteId });
  if (item.type === 'thing.alert' && typeof item.data.thingId === 'string') return href({ name: 'thing', id: item.data.thingId });
  return null;
}

export function Inbox(props: { inbox: InboxModel }) {
  const state = useInbox(props.inbox);
  useEffect(() => void props.inbox.refresh(), [props.inbox]);
  const unread = unreadCount(state.items);
  return (
    <main>
      <ScreenTitle>Inbox</ScreenTitle>
      <p role="status" class="sync-status">
        {!state.loaded ? 'Loading your notifications…' : unread === 0 ? 'No unread notifications.' : `${unread} unread ${unread === 1 ? 'notification' : 'notifications'}.`}
      </p>
      <ErrorLine message={state.error ? describeError(state.error) : null} />
      {unread > 0 ? (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => void props.inbox.markAllRead()}>
            Mark all read
          </button>
        </div>
      ) : null}
      {state.loaded && state.items.length === 0 ? <p>Nothing here yet: shares, photos and thing alerts show up here.</p> : null}
      <ul class="notes inbox">
        {state.items.map((item) => {
          const to = link(item);
          return (
            <li key={item.id} class={item.readAt === null ? 'unread' : undefined}>
              <div class="item">
                <strong>{to ? <a href={to}>{item.title}</a> : item.title}</strong>
                <span>{item.body}</span>
                <small>
                  <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString()}</time>
                  {item.readAt === null ? ' · unread' : ' · read'}
                </small>
              </div>
              {item.readAt === null ? (
                <button type="button" class="secondary" onClick={() => void props.inbox.markRead([item.id])} aria-label={`Mark read: ${item.title}`}>
                  Mark read
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {state.nextCursor !== null ? (
        <button type="button" class="secondary" disabled={state.loading} onClick={() => void props.inbox.loadMore()}>
          {state.loading ? 'Loading…' : 'Load more'}
        </button>
      ) : null}
    </main>
  );
}
