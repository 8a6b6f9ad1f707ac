// The devices table behind the domain's DevicesStore. Every registration change is one transaction over the
// token's owner record, the device and the user's device count, so a token always has exactly one device.
import { ConditionFailedError, documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentSender, TransactWriteItem } from '@photonotes/shared/dynamodb';
import type { Device, TokenOwner } from '../domain/device';
import { DeviceLimitError, TokenChangedError } from '../domain/ports';
import type { DevicesStore } from '../domain/ports';
import { entities, keys } from './keys';
import type { TableKey } from './keys';
import { partitionItems } from './partition';

interface DeviceItem extends Device {
  pk: string;
  sk: string;
  entity: string;
}

interface TokenItem extends TokenOwner {
  pk: string;
  sk: string;
}

type Role = 'token' | 'device' | 'count' | 'plain';

interface Op {
  role: Role;
  item: TransactWriteItem;
}

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
  const sender = client ?? documentClient();
  const table = tableClient({ tableName, client: sender });

  const deviceItem = (device: Device): DeviceItem => ({ ...keys.device(device.userId, device.deviceId), entity: entities.device, ...device });
  const tokenItem = (device: Device): TokenItem & { entity: string } => ({
    ...keys.token(device.platform, device.token),
    entity: entities.token,
    userId: device.userId,
    deviceId: device.deviceId,
    endpointArn: device.endpointArn,
  });

  const put = (role: Role, item: object, condition?: string, values?: Record<string, unknown>): Op => ({
    role,
    item: { Put: { TableName: tableName, Item: item, ...(condition ? { ConditionExpression: condition } : {}), ...(values ? { ExpressionAttributeValues: values } : {}) } },
  });
  const del = (role: Role, key: TableKey, condition?: string, values?: Record<string, unknown>): Op => ({
    role,
    item: { Delete: { TableName: tableName, Key: key, ...(condition ? { ConditionExpression: condition } : {}), ...(values ? { ExpressionAttributeValues: values } : {}) } },
  });
  const countBy = (userId: string, delta: 1 | -1, limit?: number): Op => ({
    role: 'count',
    item: {
      Update: {
        TableName: tableName,
        Key: keys.deviceCount(userId),
        UpdateExpression: 'SET entity = :entity ADD deviceCount :delta',
        ExpressionAttributeValues: { ':entity': entities.deviceCount, ':delta': delta, ...(limit === undefined ? {} : { ':limit': limit }) },
        ...(limit === undefined ? {} : { ConditionExpression: 'attribute_not_exists(deviceCount) OR deviceCount < :limit' }),
      },
    },
  });

  /** Maps a failed condition to the domain's reason; a count failure wins, as retrying could not fix it. */
  async function write(ops: Op[]): Promise<void> {
    try {
      await table.transactWrite(ops.map((op) => op.item));
    } catch (err) {
      if (!(err instanceof ConditionFailedError)) throw err;
      const roles = err.failedIndexes.map((index) => ops[index]?.role);
      if (roles.includes('count')) throw new DeviceLimitError();
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
      await write([put('token', tokenItem(device), 'attribute_not_exists(pk)'), put('device', deviceItem(device)), countBy(device.userId, 1, limit)]);
    },

    async move(from, device, limit) {
      await write([
        put('token', tokenItem(device), 'userId = :fromUser AND deviceId = :fromDevice', { ':fromUser': from.userId, ':fromDevice': from.deviceId }),
        del('device', keys.device(from.userId, from.deviceId), 'attribute_exists(pk)'),
        countBy(from.userId, -1),
        put('plain', deviceItem(device)),
        countBy(device.userId, 1, limit),
      ]);
    },

    async refresh(device) {
      const update = (key: TableKey, expression: string, condition: string, values: Record<string, unknown>): Op => ({
        role: 'device',
        item: { Update: { TableName: tableName, Key: key, UpdateExpression: expression, ConditionExpression: condition, ExpressionAttributeValues: values } },
      });
      try {
        await write([
          update(keys.device(device.userId, device.deviceId), 'SET appVersion = :appVersion, endpointArn = :endpointArn, updatedAt = :updatedAt', 'attribute_exists(pk)', {
            ':appVersion': device.appVersion,
            ':endpointArn': device.endpointArn,
            ':updatedAt': device.updatedAt,
          }),
          // The token record carries the endpoint too, for the next owner of the token.
          update(keys.token(device.platform, device.token), 'SET endpointArn = :endpointArn', 'deviceId = :deviceId', { ':endpointArn': device.endpointArn, ':deviceId': device.deviceId }),
        ]);
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
      for await (const item of partitionItems<DeviceItem>(sender, { tableName, pk: keys.userPartition(userId), skPrefix: keys.devicePrefix })) {
        devices.push(fromItem(item));
      }
      return devices;
    },

    async remove(device) {
      try {
        await write([
          del('device', keys.device(device.userId, device.deviceId), 'attribute_exists(pk)'),
          // While the device exists its token points at it (moves delete the old device in the same transaction).
          del('token', keys.token(device.platform, device.token), 'attribute_not_exists(pk) OR deviceId = :deviceId', { ':deviceId': device.deviceId }),
          countBy(device.userId, -1),
        ]);
        return true;
      } catch (err) {
        if (err instanceof TokenChangedError) return false;
        throw err;
      }
    },
  };
}
