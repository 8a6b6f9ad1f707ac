// Every key of the notifications tables, built here and nowhere else.
// devices table
//   device        pk USER#<userId>               sk DEVICE#<deviceId>                 the registration
//   device-count  pk USER#<userId>               sk DEVICES                           deviceCount (the limit)
//   token         pk TOKEN#<platform>#<token>    sk TOKEN                             who holds the token
// inbox table
//   notification  pk USER#<userId>               sk NOTIFICATION#<id>                 ids sort by time (TTL expiresAt)
//   delivery      pk DELIVERY#<sha256(key)>      sk DELIVERY                          duplicate suppression (TTL expiresAt)
//   window        pk WINDOW#<sha256(key)>        sk WINDOW                            one delivery of a kind for a while,
//                                                                                     e.g. note.shared per note and recipient (TTL expiresAt)
//   outbox-push   pk OUTBOX#<userId>             sk PUSH#<notificationId>#<deviceId>  local stage only (TTL expiresAt)
// connections table (the realtime WebSocket; TTL expiresAt)
//   connection        pk USER#<userId>              sk CONNECTION#<connectionId>   the user's connections (cap, fan-out)
//   connection-owner  pk CONNECTION#<connectionId>  sk CONNECTION                  whose it is ($disconnect knows only the id);
//                                                                                  `things`: what it is subscribed to
//   thing-subscription pk THING#<thingId>           sk CONNECTION#<connectionId>   a connection subscribed to the thing
//                                                                                  (its user; TTL with the connection)
// thing-owners table (a projection of iot's thing.state events)
//   thing-owner   pk THING#<thingId>                sk OWNER                       ownerId, revision, deleted (TTL expiresAt
//                                                                                  once deleted)
//                     index byTokenExpiry: expiryPk TOKEN_EXPIRY#<minute>  expirySk <connectionId>  (the expiry sweep)
//   sequence          pk USER#<userId>              sk SEQ                         the user's last realtime seq
//   note-order        pk USER#<userId>              sk NOTE_ORDER#<noteId>         the note's last change sent to the user (TTL)
import { createHash } from 'node:crypto';
import type { Platform } from '../domain/device';

export interface TableKey {
  pk: string;
  sk: string;
}

export const entities = {
  device: 'device',
  deviceCount: 'device-count',
  token: 'token',
  notification: 'notification',
  delivery: 'delivery',
  deliveryWindow: 'delivery-window',
  outboxPush: 'outbox-push',
  connection: 'connection',
  connectionOwner: 'connection-owner',
  thingSubscription: 'thing-subscription',
  thingOwner: 'thing-owner',
  sequence: 'sequence',
  noteOrder: 'note-order',
} as const;

const devicePrefix = 'DEVICE#';
const notificationPrefix = 'NOTIFICATION#';
const pushPrefix = 'PUSH#';
const connectionPrefix = 'CONNECTION#';

/** `TOKEN_EXPIRY#2026-11-30T21:33`: the minute (UTC) of an ISO-8601 time. */
function tokenExpiryPartition(at: string): string {
  return `TOKEN_EXPIRY#${new Date(at).toISOString().slice(0, 16)}`;
}

export const keys = {
  device: (userId: string, deviceId: string): TableKey => ({ pk: `USER#${userId}`, sk: `${devicePrefix}${deviceId}` }),
  deviceCount: (userId: string): TableKey => ({ pk: `USER#${userId}`, sk: 'DEVICES' }),
  token: (platform: Platform, token: string): TableKey => ({ pk: `TOKEN#${platform}#${token}`, sk: 'TOKEN' }),
  notification: (userId: string, id: string): TableKey => ({ pk: `USER#${userId}`, sk: `${notificationPrefix}${id}` }),
  // Event ids are chosen by publishers: hashed, the key has a fixed size whatever they are.
  delivery: (deliveryKey: string): TableKey => ({ pk: `DELIVERY#${createHash('sha256').update(deliveryKey).digest('base64url')}`, sk: 'DELIVERY' }),
  deliveryWindow: (windowKey: string): TableKey => ({ pk: `WINDOW#${createHash('sha256').update(windowKey).digest('base64url')}`, sk: 'WINDOW' }),
  outboxPush: (userId: string, notificationId: string, deviceId: string): TableKey => ({ pk: `OUTBOX#${userId}`, sk: `${pushPrefix}${notificationId}#${deviceId}` }),
  userConnection: (userId: string, connectionId: string): TableKey => ({ pk: `USER#${userId}`, sk: `${connectionPrefix}${connectionId}` }),
  connection: (connectionId: string): TableKey => ({ pk: `${connectionPrefix}${connectionId}`, sk: 'CONNECTION' }),
  thingSubscription: (thingId: string, connectionId: string): TableKey => ({ pk: `THING#${thingId}`, sk: `${connectionPrefix}${connectionId}` }),
  thingOwner: (thingId: string): TableKey => ({ pk: `THING#${thingId}`, sk: 'OWNER' }),
  thingPartition: (thingId: string): string => `THING#${thingId}`,
  /** The byTokenExpiry index's key of a connection-owner item: one partition per minute of token expiry. */
  connectionExpiry: (tokenExpiresAt: string, connectionId: string) => ({ expiryPk: tokenExpiryPartition(tokenExpiresAt), expirySk: connectionId }),
  tokenExpiryPartition,
  sequence: (userId: string): TableKey => ({ pk: `USER#${userId}`, sk: 'SEQ' }),
  noteOrder: (userId: string, noteId: string): TableKey => ({ pk: `USER#${userId}`, sk: `NOTE_ORDER#${noteId}` }),
  /** Partitions and sort-key prefixes for queries. */
  userPartition: (userId: string): string => `USER#${userId}`,
  outboxPartition: (userId: string): string => `OUTBOX#${userId}`,
  devicePrefix,
  notificationPrefix,
  pushPrefix,
  connectionPrefix,
};
