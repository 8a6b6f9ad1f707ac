// The devices table behind the domain's DevicesStore. Every registration change is one transaction over the
// token's owner record, the device and the user's device count, so a token always has exactly one device.
import { ConditionFailedError, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender, Transaction } from '@photonotes/shared/dynamodb';
import type { Device, TokenOwner } from '../domain/device';
import { DeviceLimitError, TokenChangedError } from '../domain/ports';
import type { DevicesStore } from '../domain/ports';
import { entities, keys } from './keys';

interface DeviceItem extends Device {
  pk: string;
  sk: string;
  entity: string;
}

interface TokenItem extends TokenOwner {
  pk: string;
  sk: string;
}

/** What each item of a registration transaction is, so a failed condition maps to the domain's reason. */
type Role = 'token' | 'device' | 'count';
type DevicesTransaction = Transaction<Role>;

/** Devices a user can have (the domain's limit) stay far below this; a read of more fails loudly. */
const maxDevicesRead = 1000;

export interface DevicesTableOptions {
  tableName: string;
  client?: DocumentSender;
}

function fromItem(item: DeviceItem): Device {
  return {
    deviceId: item.deviceId,
    userId: item.userId,
    platform: item.platform,
    token: item.token,
    appVersion: item.appVersion ?? null,
    endpointArn: item.endpointArn ?? null,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

export function devicesTable({ tableName, client }: DevicesTableOptions): DevicesStore {
  const table = tableClient({ tableName, ...(client ? { client } : {}) });

  const deviceItem = (device: Device): DeviceItem => ({ ...keys.device(device.userId, device.deviceId), entity: entities.device, ...device });
  const tokenItem = (device: Device): TokenItem & { entity: string } => ({
    ...keys.token(device.platform, device.token),
    entity: entities.token,
    userId: device.userId,
    deviceId: device.deviceId,
    endpointArn: device.endpointArn,
  });

  /** Adds one to (or takes one from) the user's device count; with a limit, only while the count is below it. */
  const countBy = (tx: DevicesTransaction, userId: string, delta: 1 | -1, limit?: number): void => {
    tx.update(keys.deviceCount(userId), 'SET entity = :entity ADD deviceCount :delta', {
      tag: 'count',
      values: { ':entity': entities.deviceCount, ':delta': delta, ...(limit === undefined ? {} : { ':limit': limit }) },
      ...(limit === undefined ? {} : { condition: 'attribute_not_exists(deviceCount) OR deviceCount < :limit' }),
    });
  };

  /** Commits the transaction `build` fills; a failed condition becomes the domain's reason (a count failure wins, as retrying could not fix it). */
  async function write(build: (tx: DevicesTransaction) => void): Promise<void> {
    const tx = table.transaction<Role>();
    build(tx);
    try {
      await tx.commit();
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err;
      if (err.failures.some((failure) => failure.tag === 'count')) throw new DeviceLimitError();
      throw new TokenChangedError();
    }
  }

  return {
    async tokenOwner(platform, token) {
      const item = await table.getItem<TokenItem>(keys.token(platform, token), { consistentRead: true });
      return item ? { userId: item.userId, deviceId: item.deviceId, endpointArn: item.endpointArn ?? null } : undefined;
    },

    async get(userId, deviceId) {
      const item = await table.getItem<DeviceItem>(keys.device(userId, deviceId), { consistentRead: true });
      return item ? fromItem(item) : undefined;
    },

    async create(device, limit) {
      await write((tx) => {
        tx.put(tokenItem(device), { tag: 'token', condition: 'attribute_not_exists(pk)' });
        tx.put(deviceItem(device), { tag: 'device' });
        countBy(tx, device.userId, 1, limit);
      });
    },

    async move(from, device, limit) {
      await write((tx) => {
        tx.put(tokenItem(device), { tag: 'token', condition: 'userId = :fromUser AND deviceId = :fromDevice', values: { ':fromUser': from.userId, ':fromDevice': from.deviceId } });
        tx.delete(keys.device(from.userId, from.deviceId), { tag: 'device', condition: 'attribute_exists(pk)' });
        countBy(tx, from.userId, -1);
        tx.put(deviceItem(device));
        countBy(tx, device.userId, 1, limit);
      });
    },

    async refresh(device) {
      try {
        await write((tx) => {
          tx.update(keys.device(device.userId, device.deviceId), 'SET appVersion = :appVersion, endpointArn = :endpointArn, updatedAt = :updatedAt', {
            tag: 'device',
            condition: 'attribute_exists(pk)',
            values: { ':appVersion': device.appVersion, ':endpointArn': device.endpointArn, ':updatedAt': device.updatedAt },
          });
          // The token record carries the endpoint too, for the next owner of the token.
          tx.update(keys.token(device.platform, device.token), 'SET endpointArn = :endpointArn', {
            tag: 'device',
            condition: 'deviceId = :deviceId',
            values: { ':endpointArn': device.endpointArn, ':deviceId': device.deviceId },
          });
        });
        return true;
      } catch (err) {
        if (err instanceof TokenChangedError) return false;
        throw err;
      }
    },

    async list(userId, page) {
      const result = await table.queryPage<DeviceItem>({
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': keys.userPartition(userId), ':prefix': keys.devicePrefix },
        limit: page.limit,
        cursor: page.cursor,
        cursorScope: `devices:${userId}`,
      });
      return { items: result.items.map(fromItem), nextCursor: result.nextCursor };
    },

    async listAll(userId) {
      const devices: Device[] = [];
      const items = table.queryAll<DeviceItem>({
        keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
        values: { ':pk': keys.userPartition(userId), ':prefix': keys.devicePrefix },
        maxItems: maxDevicesRead,
      });
      for await (const item of items) devices.push(fromItem(item));
      return devices;
    },

    async remove(device) {
      try {
        await write((tx) => {
          tx.delete(keys.device(device.userId, device.deviceId), { tag: 'device', condition: 'attribute_exists(pk)' });
          // While the device exists its token points at it (moves delete the old device in the same transaction).
          tx.delete(keys.token(device.platform, device.token), { tag: 'token', condition: 'attribute_not_exists(pk) OR deviceId = :deviceId', values: { ':deviceId': device.deviceId } });
          countBy(tx, device.userId, -1);
        });
        return true;
      } catch (err) {
        if (err instanceof TokenChangedError) return false;
        throw err;
      }
    },
  };
}
