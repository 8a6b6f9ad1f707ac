// Reading and deleting every item of one partition (one user's entries), page by page.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AttributeMap, DocumentSender } from '@photonotes/shared/dynamodb';
import { tableClient } from '@photonotes/shared/dynamodb';

export interface PartitionRange {
  tableName: string;
  pk: string;
  /** Only sort keys that start with this. */
  skPrefix: string;
}

export async function* partitionItems<T = AttributeMap>(client: DocumentSender, range: PartitionRange, projection?: string): AsyncGenerator<T> {
  let startKey: AttributeMap | undefined;
  do {
    const out = (await client.send(
      new QueryCommand({
        TableName: range.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': range.pk, ':prefix': range.skPrefix },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ExclusiveStartKey: startKey,
      }),
    )) as { Items?: T[]; LastEvaluatedKey?: AttributeMap };
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

const deleteParallelism = 10;

/** Deletes the range's items; returns how many. Safe to repeat. */
export async function deletePartition(client: DocumentSender, range: PartitionRange): Promise<number> {
  const table = tableClient({ tableName: range.tableName, client });
  let batch: AttributeMap[] = [];
  let deleted = 0;
  const flush = async () => {
    await Promise.all(batch.map((key) => table.deleteItem(key)));
    deleted += batch.length;
    batch = [];
  };
  for await (const item of partitionItems<{ pk: string; sk: string }>(client, range, 'pk, sk')) {
    batch.push({ pk: item.pk, sk: item.sk });
    if (batch.length >= deleteParallelism) await flush();
  }
  await flush();
  return deleted;
}
