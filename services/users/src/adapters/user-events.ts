// The `user-events` topic: what other services learn about accounts.
import { createEventPublisher } from '@photonotes/shared/sns';
import type { EventPublisher } from '@photonotes/shared/sns';
import type { UserEvents } from '../domain/account-deletion';

export function userEvents(publisher: EventPublisher): UserEvents {
  return {
    async userDeleted(userId) {
      await publisher.publish('user.deleted', { userId }, { id: `user.deleted:${userId}` });
    },
  };
}

export function userEventsOnTopic(topicArn: string): UserEvents {
  return userEvents(createEventPublisher({ topicArn, source: 'users' }));
}
