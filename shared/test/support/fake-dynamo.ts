// A DynamoDB stand-in for the table toolkit's unit tests: records every command and answers each with
// `respond` (which may throw, as DynamoDB would).
import type { DocumentSender } from '../../src/dynamodb';

export type SentCommand = Parameters<DocumentSender['send']>[0];

export function fakeDynamo(respond: (command: SentCommand, index: number) => unknown = () => ({})) {
  const sent: SentCommand[] = [];
  const client: DocumentSender = {
    send: async (command) => {
      sent.push(command);
      return respond(command, sent.length - 1);
    },
  };
  return { client, sent };
}

/** Batch retries without waiting, so tests stay in milliseconds. */
export const noWait = { backoff: { baseMs: 0, capMs: 0 } };
