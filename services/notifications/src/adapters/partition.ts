// The keys of one partition's items whose sort key starts with a prefix (one user's entries), read page by
// page with the table toolkit, for deleting them (TableClient.deleteAll).
import type { TableClient } from '@photonotes/shared/dynamodb';
import type { TableKey } from './keys';

export async function* partitionKeys(table: TableClient, pk: string, skPrefix: string, maxItems: number): AsyncGenerator<TableKey> {
  const items = table.queryAll<TableKey>({
    keyCondition: 'pk = :pk AND begins_with(sk, :prefix)',
    values: { ':pk': pk, ':prefix': skPrefix },
    projection: 'pk, sk',
    maxItems,
  });
  for await (const item of items) yield { pk: item.pk, sk: item.sk };
}
