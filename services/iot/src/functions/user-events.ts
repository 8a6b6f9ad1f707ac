// user-events topic: user.deleted removes every thing of the account (credentials first, devices cut off), then
// their telemetry. Safe to repeat: a retry resumes where the last run stopped. Each removal also reaches the things
// stream's purge (purge-deleted-things.ts); both purges delete what they find, so either may finish first.
import { userDeleted } from '@photonotes/shared/contracts/user-events';
import { applied, snsConsumer } from '@photonotes/shared/consumers/sns';
import { iotDeps } from '../adapters/dependencies';
import { deleteOwnerThings, purgeThingData } from '../domain/registry';

export const handler = snsConsumer({ service: 'iot', contract: userDeleted, deps: iotDeps }, async (event, { deps }) => {
  const thingIds = await deleteOwnerThings(event.data.userId, deps);
  let items = 0;
  for (const thingId of thingIds) items += await purgeThingData(thingId, deps);
  return applied({ userId: event.data.userId, things: thingIds.length, items });
});
