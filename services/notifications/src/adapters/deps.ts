// Everything the event consumers and the registration routes need, built once per process. PUSH_TRANSPORT picks
// SNS mobile push (deployed stages) or the recorded outbox (local stage).
import { randomUUID } from 'node:crypto';
import { requireEnv } from '@photonotes/shared/env';
import type { NotificationsDeps, PushGateway } from '../domain/ports';
import { pushOutbox } from './outbox-push';
import { snsPush } from './sns-push';
import { devicesStore, inboxStore } from './stores';

function pushGateway(): PushGateway {
  const transport = requireEnv('PUSH_TRANSPORT');
  if (transport === 'outbox') return pushOutbox({ tableName: requireEnv('INBOX_TABLE') });
  if (transport === 'sns') {
    return snsPush({ applications: { ios: requireEnv('IOS_PLATFORM_APPLICATION_ARN'), android: requireEnv('ANDROID_PLATFORM_APPLICATION_ARN') } });
  }
  throw new Error(`PUSH_TRANSPORT must be "sns" or "outbox", not "${transport}"`);
}

let deps: NotificationsDeps | undefined;

export function notificationsDeps(): NotificationsDeps {
  return (deps ??= {
    devices: devicesStore(),
    inbox: inboxStore(),
    push: pushGateway(),
    clock: { now: () => new Date() },
    newId: randomUUID,
  });
}
