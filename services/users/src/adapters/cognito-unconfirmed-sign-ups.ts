// The unconfirmed sign-ups of the user pool (domain/unconfirmed-sign-ups.ts): ListUsers filtered on the status,
// page by page (Cognito filters on one attribute only, so the age is compared here), AdminGetUser to ask again
// before AdminDeleteUser. cognito-local supports the same filter.
import { AdminDeleteUserCommand, AdminGetUserCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { AdminGetUserCommandOutput, ListUsersCommandOutput } from '@aws-sdk/client-cognito-identity-provider';
import { ConditionFailedError } from '@photonotes/shared/dynamodb';
import type { TableClient } from '@photonotes/shared/dynamodb';
import type { SignUpRecords, UnconfirmedSignUps } from '../domain/unconfirmed-sign-ups';
import { keys } from './keys';

export interface UnconfirmedSignUpsSender {
  send(command: ListUsersCommand | AdminGetUserCommand | AdminDeleteUserCommand): Promise<unknown>;
}

/** ListUsers returns at most 60 users a page. */
const pageSize = 60;

const isUserNotFound = (err: unknown) => err instanceof Error && err.name === 'UserNotFoundException';

export function cognitoUnconfirmedSignUps({ client, userPoolId }: { client: UnconfirmedSignUpsSender; userPoolId: string }): UnconfirmedSignUps {
  return {
    async *list() {
      let token: string | undefined;
      do {
        const page = (await client.send(
          new ListUsersCommand({ UserPoolId: userPoolId, Filter: 'cognito:user_status = "UNCONFIRMED"', Limit: pageSize, PaginationToken: token }),
        )) as ListUsersCommandOutput;
        for (const user of page.Users ?? []) {
          // In a pool with email as the username attribute, the username is the sub: the user id.
          if (user.Username && user.UserCreateDate) yield { userId: user.Username, createdAt: new Date(user.UserCreateDate) };
        }
        token = page.PaginationToken;
      } while (token);
    },

    async isUnconfirmed(userId) {
      try {
        const user = (await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: userId }))) as AdminGetUserCommandOutput;
        return user.UserStatus === 'UNCONFIRMED';
      } catch (err) {
        if (isUserNotFound(err)) return false;
        throw err;
      }
    },

    async remove(userId) {
      try {
        await client.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: userId }));
        return 'deleted';
      } catch (err) {
        if (isUserNotFound(err)) return 'not-found';
        throw err;
      }
    },
  };
}

/** A profile written for the account, if any; a deleted account's tombstone stays (it is not this account's). */
export function signUpRecords(table: TableClient): SignUpRecords {
  return {
    async forget(userId) {
      try {
        await table.deleteItem(keys.user(userId), { condition: 'attribute_not_exists(deletedAt)' });
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
      }
    },
  };
}
