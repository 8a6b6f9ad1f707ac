import type { SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { applied, sqsConsumer } from '../../src/consumers/sqs';
import { correlationId } from '../../src/correlation';
import { defineQueueMessage, parseQueueMessage, queueMessageBody } from '../../src/contracts/queue-message';
import { lambdaContext } from '../../src/testing/api-event';
import { captureLogger } from '../support/log-capture';

const sweep = defineQueueMessage({ type: 'thing.sweep', version: 1, queue: 'sweeps', producer: 'tests', data: z.object({ thingId: z.string() }) });

function sqsEvent(...bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'tests', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:sweeps',
      awsRegion: 'us-east-1',
    })),
  };
}

describe('queue messages', () => {
  test('the body a producer sends is what the consumer reads', () => {
    // Act
    const body = queueMessageBody(sweep, { thingId: 't-1' }, 'req-1');

    // Assess
    expect(parseQueueMessage(sweep, body)).toEqual({ kind: 'parsed', value: { type: 'thing.sweep', version: 1, correlationId: 'req-1', data: { thingId: 't-1' } } });
  });

  test('a producer cannot send what the contract refuses', () => {
    // Act
    const send = () => queueMessageBody(sweep, { thingId: 7 } as unknown as { thingId: string }, 'req-1');

    // Assess
    expect(send).toThrow();
  });
});

describe('sqsConsumer', () => {
  test('hands over each typed message under its correlation id, and reports only the failed ones', async () => {
    // Prepare
    const seen: Array<{ thingId: string; correlation: string | undefined }> = [];
    const { logger, entries } = captureLogger();
    const handler = sqsConsumer({ service: 'tests', contract: sweep, deps: () => ({}), logger }, async (message) => {
      if (message.data.thingId === 'boom') throw new Error('SNS unavailable');
      seen.push({ thingId: message.data.thingId, correlation: correlationId() });
      return applied();
    });

    // Act
    const response = await handler(
      sqsEvent(queueMessageBody(sweep, { thingId: 't-1' }, 'req-1'), 'not json', queueMessageBody(sweep, { thingId: 'boom' }, 'req-3'), queueMessageBody(sweep, { thingId: 't-4' }, 'req-4')),
      lambdaContext(),
    );

    // Assess
    expect(seen).toEqual([
      { thingId: 't-1', correlation: 'req-1' },
      { thingId: 't-4', correlation: 'req-4' },
    ]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }] });
    expect(entries().filter((entry) => entry.level === 'error').map((entry) => entry.messageId)).toEqual(['m-1', 'm-2']);
  });
});
