// user.deleted: the account's devices (with their push endpoints) and its inbox go. Every step is idempotent,
// so a retried event finishes what an interrupted one began.
import type { Logger } from '@photonotes/shared/log';
import { removeEndpointQuietly } from './devices';
import type { NotificationsDeps } from './ports';

export interface AccountDeletionResult {
  devices: number;
  notifications: number;
}

export async function deleteAccountData(userId: string, deps: Pick<NotificationsDeps, 'devices' | 'inbox' | 'push'>, log: Logger): Promise<AccountDeletionResult> {
  let devices = 0;
  for (const device of await deps.devices.listAll(userId)) {
    if (await deps.devices.remove(device)) devices += 1;
    await removeEndpointQuietly(device, deps, log);
  }
  const notifications = await deps.inbox.deleteAll(userId);
  await deps.push.forgetUser(userId);
  return { devices, notifications };
}
