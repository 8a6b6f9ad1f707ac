// One lazily created document client per process, and the narrow `send` the table toolkit needs from it
// (a fake in unit tests only implements that).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  NativeAttributeValue,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { optionalEnv } from '../env';
import { tableError } from './errors';

export type AttributeMap = Record<string, NativeAttributeValue>;

export type DocumentCommand =
  | GetCommand
  | PutCommand
  | UpdateCommand
  | DeleteCommand
  | QueryCommand
  | BatchGetCommand
  | BatchWriteCommand
  | TransactWriteCommand;

/** The part of DynamoDBDocumentClient the toolkit uses; a fake only needs `send`. */
export interface DocumentSender {
  send(command: DocumentCommand): Promise<unknown>;
}

let shared: DynamoDBDocumentClient | undefined;

/** Created on first use, so modules that import the toolkit for types or fakes pay nothing. */
export function documentClient(): DynamoDBDocumentClient {
  const endpoint = optionalEnv('DYNAMODB_ENDPOINT');
  return (shared ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: optionalEnv('AWS_REGION', 'us-east-1'), ...(endpoint ? { endpoint } : {}) }),
    { marshallOptions: { removeUndefinedValues: true } },
  ));
}

/** Sends one command; DynamoDB's condition and transaction failures come back as the typed errors of errors.ts. */
export async function send<T>(client: DocumentSender, command: DocumentCommand, tags?: Array<string | undefined>): Promise<T> {
  try {
    return (await client.send(command)) as T;
  } catch (err) {
    throw tableError(err, tags) ?? err;
  }
}
