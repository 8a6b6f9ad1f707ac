import { TransactionCanceledException, TransactionConflictException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionFailedError, maxTransactionItems, tableClient, TransactionCancelledError, TransactionConflictError, TransactionTooLargeError } from '../src/dynamodb';
import { fakeDynamo } from './support/fake-dynamo';

function cancelled(...reasons: Array<{ Code: string; Item?: Record<string, unknown> }>) {
  return new TransactionCanceledException({ message: `Transaction cancelled [${reasons.map((r) => r.Code).join(', ')}]`, $metadata: {}, CancellationReasons: reasons as never });
}

describe('transaction', () => {
  test('sends its items as one TransactWriteItems call, asking for the stored item of every condition', async () => {
    // Prepare
    const { client, sent } = fakeDynamo();
    const tx = tableClient({ tableName: 'notes', client }).transaction<'note' | 'head'>();

    // Act
    await tx
      .put({ pk: 'NOTE#n1', title: 'Trip' }, { tag: 'note', condition: 'attribute_not_exists(pk)' })
      .update({ pk: 'FEED#u1' }, 'SET lastSeq = :seq', { tag: 'head', condition: 'attribute_not_exists(lastSeq) OR lastSeq < :seq', values: { ':seq': 7 } })
      .delete({ pk: 'NOTE#n0' })
      .check({ pk: 'NOTE#n1', sk: 'TOMBSTONE' }, 'attribute_not_exists(pk)')
      .commit();

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeInstanceOf(TransactWriteCommand);
    expect(sent[0]?.input).toEqual({
      TransactItems: [
        { Put: { TableName: 'notes', Item: { pk: 'NOTE#n1', title: 'Trip' }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        {
          Update: {
            TableName: 'notes',
            Key: { pk: 'FEED#u1' },
            UpdateExpression: 'SET lastSeq = :seq',
            ConditionExpression: 'attribute_not_exists(lastSeq) OR lastSeq < :seq',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ExpressionAttributeValues: { ':seq': 7 },
          },
        },
        { Delete: { TableName: 'notes', Key: { pk: 'NOTE#n0' } } },
        { ConditionCheck: { TableName: 'notes', Key: { pk: 'NOTE#n1', sk: 'TOMBSTONE' }, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      ],
    });
  });

  test('an item may name another table, so one write spans two tables', async () => {
    // Prepare
    const { client, sent } = fakeDynamo();

    // Act
    await tableClient({ tableName: 'telemetry', client })
      .transaction()
      .put({ pk: 'SERIES#t1', sk: 1 })
      .update({ pk: 'THING#t1', sk: 'HEAD' }, 'SET rev = :rev', { table: 'things', values: { ':rev': 2 } })
      .commit();

    // Assess
    expect(sent[0]?.input).toEqual({
      TransactItems: [
        { Put: { TableName: 'telemetry', Item: { pk: 'SERIES#t1', sk: 1 } } },
        { Update: { TableName: 'things', Key: { pk: 'THING#t1', sk: 'HEAD' }, UpdateExpression: 'SET rev = :rev', ExpressionAttributeValues: { ':rev': 2 } } },
      ],
    });
  });

  test('an empty transaction sends nothing', async () => {
    // Prepare
    const { client, sent } = fakeDynamo();

    // Act
    await tableClient({ tableName: 'notes', client }).transaction().commit();

    // Assess
    expect(sent).toHaveLength(0);
  });

  test('a failed condition names the tag of the item that failed, with its stored item', async () => {
    // Prepare
    const { client } = fakeDynamo(() => {
      throw cancelled({ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { pk: { S: 'FEED#u1' }, lastSeq: { N: '9' } } });
    });
    const tx = tableClient({ tableName: 'notes', client }).transaction<'note' | 'head'>();
    tx.put({ pk: 'NOTE#n1' }, { tag: 'note', condition: 'attribute_not_exists(pk)' });
    tx.update({ pk: 'FEED#u1' }, 'SET lastSeq = :seq', { tag: 'head', condition: 'lastSeq < :seq', values: { ':seq': 7 } });

    // Act
    const outcome = tx.commit();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConditionFailedError);
    await expect(outcome).rejects.toMatchObject({
      failedIndexes: [1],
      failures: [{ code: 'ConditionalCheckFailed', tag: 'head', item: { pk: 'FEED#u1', lastSeq: 9 } }],
      reasons: [{ code: 'None', tag: 'note' }, { code: 'ConditionalCheckFailed', tag: 'head' }],
    });
  });

  test('a failed condition wins over a conflict on another item', async () => {
    // Prepare
    const { client } = fakeDynamo(() => {
      throw cancelled({ Code: 'TransactionConflict' }, { Code: 'ConditionalCheckFailed' });
    });

    // Act
    const outcome = tableClient({ tableName: 'notes', client }).transaction().put({ pk: 'a' }).put({ pk: 'b' }, { condition: 'attribute_not_exists(pk)' }).commit();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(ConditionFailedError);
  });

  test('a transaction cancelled for conflicts only is a TransactionConflictError', async () => {
    // Prepare
    const conflict = cancelled({ Code: 'TransactionConflict' }, { Code: 'None' });
    const { client } = fakeDynamo(() => {
      throw conflict;
    });

    // Act
    const outcome = tableClient({ tableName: 'notes', client }).transaction().put({ pk: 'a' }, { tag: 'x' }).put({ pk: 'b' }).commit();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(TransactionConflictError);
    await expect(outcome).rejects.toMatchObject({ cause: conflict, reasons: [{ code: 'TransactionConflict', tag: 'x' }, { code: 'None' }] });
  });

  test('a write that conflicted with a running transaction is a TransactionConflictError too', async () => {
    // Prepare
    const { client } = fakeDynamo(() => {
      throw new TransactionConflictException({ message: 'Transaction is ongoing for the item', $metadata: {} });
    });

    // Act
    const outcome = tableClient({ tableName: 'notes', client }).putItem({ pk: 'a' });

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(TransactionConflictError);
  });

  test('any other cancellation is a TransactionCancelledError with its reasons', async () => {
    // Prepare
    const { client } = fakeDynamo(() => {
      throw cancelled({ Code: 'None' }, { Code: 'ThrottlingError' });
    });

    // Act
    const outcome = tableClient({ tableName: 'notes', client }).transaction().put({ pk: 'a' }).put({ pk: 'b' }).commit();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(TransactionCancelledError);
    await expect(outcome).rejects.toMatchObject({ reasons: [{ code: 'None' }, { code: 'ThrottlingError' }] });
  });

  test('more items than DynamoDB takes in one transaction fail before anything is sent', async () => {
    // Prepare
    const { client, sent } = fakeDynamo();
    const tx = tableClient({ tableName: 'notes', client }).transaction();
    for (let i = 0; i <= maxTransactionItems; i++) tx.put({ pk: `NOTE#${i}` });

    // Act
    const outcome = tx.commit();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(TransactionTooLargeError);
    await expect(outcome).rejects.toMatchObject({ itemCount: 101 });
    expect(sent).toHaveLength(0);
  });

  test('more than 4 MB fails before anything is sent', async () => {
    // Prepare
    const { client, sent } = fakeDynamo();
    const tx = tableClient({ tableName: 'notes', client }).transaction();
    for (let i = 0; i < 11; i++) tx.put({ pk: `NOTE#${i}`, body: 'x'.repeat(400 * 1024) });

    // Act
    const outcome = tx.commit();

    // Assess
    await expect(outcome).rejects.toBeInstanceOf(TransactionTooLargeError);
    expect(sent).toHaveLength(0);
  });
});
