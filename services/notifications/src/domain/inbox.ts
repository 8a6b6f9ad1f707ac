// The caller's inbox: newest first, and read state set all-or-nothing.
import { NotFoundError } from '@photonotes/shared/errors';
import type { Caller } from './devices';
import { toNotificationView } from './notification';
import type { NotificationView } from './notification';
import type { NotificationsDeps, Page, PageRequest } from './ports';

export async function listInbox(caller: Caller, page: PageRequest, deps: Pick<NotificationsDeps, 'inbox'>): Promise<Page<NotificationView>> {
  const result = await deps.inbox.list(caller.userId, page);
  return { items: result.items.map(toNotificationView), nextCursor: result.nextCursor };
}

/**
 * Marks the caller's notifications read; an already read one keeps its first readAt. Any id that is not one of
 * the caller's notifications makes it a 404 naming those ids, and nothing is written.
 */
export async function markRead(ids: string[], caller: Caller, deps: Pick<NotificationsDeps, 'inbox' | 'clock'>): Promise<void> {
  const unique = [...new Set(ids)];
  const missing = new Set(await deps.inbox.markRead(caller.userId, unique, deps.clock.now().toISOString()));
  if (missing.size === 0) return;
  const details = ids.flatMap((id, index) => (missing.has(id) ? [{ location: 'body', path: `ids.${index}`, id, message: 'No such notification' }] : []));
  throw new NotFoundError('No such notification', details);
}
