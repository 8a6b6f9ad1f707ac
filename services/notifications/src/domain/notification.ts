// An inbox entry, what each event type says to the user, and the ids that keep the inbox in time order.

export type NotificationType = 'note.shared' | 'media.ready' | 'media.failed' | 'thing.alert';

/** What an event tells one user: the inbox entry and the push carry the same text and data. */
export interface NotificationContent {
  type: NotificationType;
  title: string;
  body: string;
  data: Record<string, string | number>;
}

export interface Notification extends NotificationContent {
  id: string;
  userId: string;
  createdAt: string;
  readAt: string | null;
}

/** What the API shows of an inbox entry. */
export interface NotificationView {
  id: string;
  type: NotificationType;
  title: string;
  body: string;
  data: Record<string, string | number>;
  createdAt: string;
  readAt: string | null;
}

export function toNotificationView(notification: Notification): NotificationView {
  const { id, type, title, body, data, createdAt, readAt } = notification;
  return { id, type, title, body, data, createdAt, readAt };
}

/** Ids are URL-safe and sort by creation time: 9 base-36 digits of epoch milliseconds, then 12 random hex digits. */
export const notificationIdPattern = /^[0-9a-z]{9}[0-9a-f]{12}$/;

/** `random` is hex (a UUID's last 12 digits are random). */
export function notificationId(at: Date, random: string): string {
  return `${at.getTime().toString(36).padStart(9, '0')}${random.replace(/[^0-9a-f]/g, '').slice(-12).padStart(12, '0')}`;
}

const maxTitleInBody = 120;

function quoted(title: string): string {
  const chars = [...title.trim()];
  return chars.length > maxTitleInBody ? `“${chars.slice(0, maxTitleInBody - 1).join('')}…”` : `“${chars.join('')}”`;
}

export function noteSharedContent(note: { id: string; title: string }): NotificationContent {
  return { type: 'note.shared', title: 'A note was shared with you', body: quoted(note.title), data: { noteId: note.id } };
}

export function mediaProcessedContent(key: string, status: 'ready' | 'failed'): NotificationContent {
  return status === 'ready'
    ? { type: 'media.ready', title: 'Your photo is ready', body: 'The photo you uploaded has been processed.', data: { key } }
    : { type: 'media.failed', title: 'Your photo could not be processed', body: 'The file is not a photo we can read. Try uploading it again.', data: { key } };
}

/** A thing's alert rule fired: its reading, to the thing's owner. */
export function thingAlertContent(alert: { thingId: string; ruleId: string; metric: string; value: number; at: string }): NotificationContent {
  return {
    type: 'thing.alert',
    title: 'A thing raised an alert',
    body: `${alert.metric} is ${alert.value}`,
    data: { thingId: alert.thingId, ruleId: alert.ruleId, metric: alert.metric, value: alert.value, at: alert.at },
  };
}
