// The users table behind the domain's UsersRepository and SessionsRepository: one item per user (profile and
// session epoch, or a tombstone after deletion) and one per refresh token issued by /auth/login (keys.ts).
import { ConditionFailedError } from '@photonotes/shared/dynamodb';
import type { TableClient } from '@photonotes/shared/dynamodb';
import type { ProfileChanges } from '../domain/account-fields';
import type { ProfileUpdate, SessionRecord, SessionsRepository, StoredUser, UsersRepository } from '../domain/users-store';
import { keys } from './keys';

const userKey = keys.user;
const refreshTokenKey = keys.session;

/** How long a tombstone stays; the Cognito user it stands for is gone, so it only has to outlive stragglers. */
const tombstoneDays = 30;

interface UserItem extends Partial<StoredUser> {
  pk: string;
  deletedAt?: string;
  expiresAt?: number;
}

interface SessionItem extends SessionRecord {
  pk: string;
  /** Epoch seconds: the table's TTL attribute. */
  expiresAt: number;
}

function toUser(item: UserItem | Record<string, unknown> | undefined): StoredUser | undefined {
  const user = item as UserItem | undefined;
  if (!user || user.deletedAt !== undefined || !user.userId) return undefined;
  return {
    userId: user.userId,
    email: user.email ?? '',
    displayName: user.displayName ?? '',
    bio: user.bio ?? '',
    createdAt: user.createdAt ?? '',
    updatedAt: user.updatedAt ?? '',
    sessionEpoch: user.sessionEpoch ?? 0,
  };
}

const liveUser = 'attribute_exists(pk) AND attribute_not_exists(deletedAt)';

export function usersRepository(table: TableClient): UsersRepository {
  return {
    async get(userId) {
      return toUser(await table.getItem<UserItem>(userKey(userId), { consistentRead: true }));
    },

    async createIfAbsent(user) {
      try {
        await table.putItem({ ...userKey(user.userId), ...user }, { condition: 'attribute_not_exists(pk)' });
        return user;
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        // Already there: the stored user wins (or its tombstone, which answers undefined).
        return toUser(err.item ?? (await table.getItem<UserItem>(userKey(user.userId), { consistentRead: true })));
      }
    },

    async update(userId, changes: ProfileChanges, updatedAt): Promise<ProfileUpdate> {
      const names: Record<string, string> = { '#updatedAt': 'updatedAt' };
      const values: Record<string, unknown> = { ':updatedAt': updatedAt };
      const sets = ['#updatedAt = :updatedAt'];
      for (const field of ['displayName', 'bio'] as const) {
        if (changes[field] === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = changes[field];
        sets.push(`#${field} = :${field}`);
      }
      try {
        const item = await table.updateItem<UserItem>({
          key: userKey(userId),
          update: `SET ${sets.join(', ')}`,
          condition: `${liveUser} AND #updatedAt < :updatedAt`,
          names,
          values,
        });
        const user = toUser(item);
        return user ? { status: 'updated', user } : { status: 'missing' };
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
        const current = toUser(err.item);
        return current ? { status: 'stale', current } : { status: 'missing' };
      }
    },

    async bumpSessionEpoch(userId) {
      try {
        await table.updateItem({ key: userKey(userId), update: 'ADD sessionEpoch :one', condition: liveUser, values: { ':one': 1 } });
      } catch (err) {
        if (!(err instanceof ConditionFailedError)) throw err;
      }
    },

    async markDeleted(userId, deletedAt) {
      const expiresAt = Math.floor(deletedAt.getTime() / 1000) + tombstoneDays * 86_400;
      await table.putItem({ ...userKey(userId), userId, deletedAt: deletedAt.toISOString(), expiresAt });
    },
  };
}

export function sessionsRepository(table: TableClient): SessionsRepository {
  return {
    async record(refreshToken, session, expiresAt) {
      const item: SessionItem = { ...refreshTokenKey(refreshToken), userId: session.userId, sessionEpoch: session.sessionEpoch, expiresAt: Math.floor(expiresAt.getTime() / 1000) };
      await table.putItem(item);
    },

    async find(refreshToken, now) {
      // Consistent: a refresh right after the login must see the record the login wrote.
      const item = await table.getItem<SessionItem>(refreshTokenKey(refreshToken), { consistentRead: true });
      // TTL deletes expired items only eventually.
      if (!item || item.expiresAt * 1000 <= now.getTime()) return undefined;
      return { userId: item.userId, sessionEpoch: item.sessionEpoch };
    },
  };
}
