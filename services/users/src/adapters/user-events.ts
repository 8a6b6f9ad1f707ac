// The `user-events` topic: what other services learn about accounts (shared/src/contracts/user-events.ts).
import { userDeleted, userSignedUp } from '@photonotes/shared/contracts/user-events';
import { eventPublisher } from '@photonotes/shared/sns';
import type { EventPublisher } from '@photonotes/shared/sns';
import type { UserEvents } from '../domain/account-deletion';
import type { SignUpEvents } from '../domain/profile';

export function userEvents(publisher: EventPublisher<typeof userDeleted>): UserEvents {
  return {
    async userDeleted(userId) {
      // The correlation id is the DELETE /users/me request's (set by the HTTP chain).
      await publisher.publish({ userId }, { id: `user.deleted:${userId}` });
    },
    async userDeletedAgain(userId) {
      // The correlation id is the sweep message's, which carries the DELETE /users/me request's.
      await publisher.publish({ userId }, { id: `user.deleted:${userId}:sweep` });
    },
  };
}

export function userEventsOnTopic(topicArn: string): UserEvents {
  return userEvents(eventPublisher(userDeleted, { topicArn }));
}

export function signUpEventsOnTopic(topicArn: string): SignUpEvents {
  const publisher = eventPublisher(userSignedUp, { topicArn });
  return {
    async userSignedUp(userId, signedUpAt) {
      await publisher.publish({ userId, signedUpAt }, { id: `user.signed_up:${userId}` });
    },
  };
}
