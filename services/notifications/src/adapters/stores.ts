// The tables, built once per process. Kept apart from the push transports so read-only routes do not bundle SNS.
import { requireEnv } from '@photonotes/shared/env';
import type { DevicesStore, InboxStore } from '../domain/ports';
import { devicesTable } from './devices-table';
import { inboxTable } from './inbox-table';

let devices: DevicesStore | undefined;
let inbox: InboxStore | undefined;

export function devicesStore(): DevicesStore {
  return (devices ??= devicesTable({ tableName: requireEnv('DEVICES_TABLE') }));
}

export function inboxStore(): InboxStore {
  return (inbox ??= inboxTable({ tableName: requireEnv('INBOX_TABLE') }));
}
