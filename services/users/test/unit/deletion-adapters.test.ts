import type { SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseQueueMessage } from '@photonotes/shared/contracts/queue-message';
import { revocationItem } from '@photonotes/shared/contracts/revocation-list';
import { withInvocationCorrelationId } from '@photonotes/shared/correlation';
import { tableClient } from '@photonotes/shared/dynamodb';
import type { DocumentCommand } from '@photonotes/shared/dynamodb';
import { accountSweep, deletionSweepsQueue } from '../../src/adapters/deletion-sweeps-queue';
import { revocationsRepository } from '../../src/adapters/revocations-table';

describe('revocationsRepository', () => {
  test('writes the entry in the layout every reader shares', async () => {
    // Prepare
    const sent: DocumentCommand[] = [];
    const table = tableClient({ tableName: 'photonotes-users-test-revocations', client: { send: async (command) => (sent.push(command), {}) } });
    const at = new Date('2026-12-01T12:00:00.000Z');

    // Act
    await revocationsRepository(table).revoke('user-gone', at);

    // Assess
    expect(sent.map((command) => command.input)).toEqual([{ TableName: 'photonotes-users-test-revocations', Item: revocationItem('user-gone', at) }]);
  });
});

describe('deletionSweepsQueue', () => {
  test("sends the user's sweep to the queue, carrying the request's correlation id, with the queue's own delay", async () => {
    // Prepare
    const sent: SendMessageCommand[] = [];
    const sweeps = deletionSweepsQueue('https://sqs.us-east-1.amazonaws.com/1/photonotes-users-dev-account-sweeps', { send: async (command) => (sent.push(command), {}) });

    // Act
    await withInvocationCorrelationId('req-42', () => sweeps.schedule('user-gone'));

    // Assess
    expect(sent).toHaveLength(1);
    const input = sent[0]?.input;
    expect(input?.QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/1/photonotes-users-dev-account-sweeps');
    expect(input?.DelaySeconds).toBeUndefined();
    expect(parseQueueMessage(accountSweep, input?.MessageBody ?? '')).toEqual({
      kind: 'parsed',
      value: { type: 'account.sweep', version: 1, correlationId: 'req-42', data: { userId: 'user-gone' } },
    });
  });
});
