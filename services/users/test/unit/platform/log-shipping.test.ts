import { createLogger } from '@photonotes/shared/log';
import { logDocuments } from '../../../src/platform/domain/log-documents';
import type { LogDocument } from '../../../src/platform/domain/log-documents';
import { shipDocuments } from '../../../src/platform/domain/log-shipping';
import type { BulkItemOutcome } from '../../../src/platform/domain/log-shipping';
import { dataMessage } from '../../support/log-subscription';

const docs = logDocuments(dataMessage('/aws/lambda/photonotes-users-dev-logIn', ['{"message":"a"}', '{"message":"b"}', '{"message":"c"}']), 'p');

/** A bulk sender that answers each request from `answers` in turn (by document id) and records what it was sent. */
function scriptedSender(answers: Array<Record<string, number>>) {
  const sent: LogDocument[][] = [];
  const send = async (batch: LogDocument[]): Promise<BulkItemOutcome[]> => {
    const answer = answers[sent.length] ?? {};
    sent.push(batch);
    return batch.map((doc) => {
      const status = answer[doc.id] ?? 201;
      return status < 300 ? { status } : { status, error: `injected: ${status}` };
    });
  };
  return { send, sent };
}

function options(send: (batch: LogDocument[]) => Promise<BulkItemOutcome[]>) {
  const lines: string[] = [];
  return { lines, options: { send, log: createLogger({ service: 'test', write: (line) => lines.push(line) }), maxAttempts: 3, backoff: { baseMs: 1, capMs: 1 }, sleep: async () => undefined } };
}

const [a, b, c] = docs.map((doc) => doc.id);

test('all indexed at once: one request', async () => {
  // Prepare
  const sender = scriptedSender([]);
  const { options: opts } = options(sender.send);

  // Act
  const report = await shipDocuments(docs, opts);

  // Assess
  expect(report).toEqual({ received: 3, indexed: 3, plain: 0, dropped: 0, requests: 1 });
});

test('throttled and failed items are sent again, alone', async () => {
  // Prepare
  const sender = scriptedSender([{ [a ?? '']: 429, [c ?? '']: 503 }, { [c ?? '']: 500 }]);
  const { options: opts } = options(sender.send);

  // Act
  const report = await shipDocuments(docs, opts);

  // Assess
  expect(sender.sent.map((batch) => batch.map((doc) => doc.id))).toEqual([[a, b, c], [a, c], [c]]);
  expect(report).toEqual({ received: 3, indexed: 3, plain: 0, dropped: 0, requests: 3 });
});

test('items still failing after the last attempt fail the invocation', async () => {
  // Prepare
  const sender = scriptedSender([{ [b ?? '']: 429 }, { [b ?? '']: 429 }, { [b ?? '']: 429 }]);
  const { options: opts } = options(sender.send);

  // Act / Assess
  await expect(shipDocuments(docs, opts)).rejects.toThrow('1 log document(s) not indexed after 3 bulk requests');
  expect(sender.sent).toHaveLength(3);
});

test('a refused item is sent again as its raw line, then dropped and logged if refused again', async () => {
  // Prepare
  const sender = scriptedSender([{ [a ?? '']: 400, [b ?? '']: 400 }, { [b ?? '']: 400 }]);
  const { options: opts, lines } = options(sender.send);

  // Act
  const report = await shipDocuments(docs, opts);

  // Assess
  expect(sender.sent[1]?.map((doc) => doc.source)).toEqual([expect.objectContaining({ message: '{"message":"a"}', unparsed: true }), expect.objectContaining({ message: '{"message":"b"}', unparsed: true })]);
  expect(report).toEqual({ received: 3, indexed: 2, plain: 2, dropped: 1, requests: 2 });
  expect(lines.map((line) => JSON.parse(line) as { level: string; documentId: string })).toEqual([
    expect.objectContaining({ level: 'warn', documentId: a }),
    expect.objectContaining({ level: 'warn', documentId: b }),
    expect.objectContaining({ level: 'error', documentId: b }),
  ]);
});

test('a failed request fails the invocation', async () => {
  // Prepare
  const { options: opts } = options(async () => {
    throw new Error('OpenSearch _bulk answered 503');
  });

  // Act / Assess
  await expect(shipDocuments(docs, opts)).rejects.toThrow('503');
});

test('an answer with the wrong number of items fails the invocation', async () => {
  // Prepare
  const { options: opts } = options(async () => [{ status: 201 }]);

  // Act / Assess
  await expect(shipDocuments(docs, opts)).rejects.toThrow('1 items for 3 documents');
});
