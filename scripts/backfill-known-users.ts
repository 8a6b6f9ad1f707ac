// `npm run backfill:known-users [-- --stage <s>]`: a one-off for accounts that signed up before core-api kept its
// known-users projection (sharees are checked against it; it is fed by user.signed_up and user.deleted). It reads
// the live profiles of the users table and records each id in core-api's notes table with the projection's own
// conditional write, so a deletion recorded meanwhile is never undone and running it twice changes nothing.
// An operator's Scan, never a request path. Without --stage (or with --stage local) it works on the running local
// stage and also gives an older local users table the `email` index GET /users?email= reads (deployed stages get
// it from CloudFormation). With a deployed stage: AWS credentials and region from the environment, as for deploys.
import { parseArgs } from 'node:util';
import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { tableClient } from '@photonotes/shared/dynamodb';
import { knownUsers } from '../services/core-api/src/adapters/known-users';
import { emailIndex } from '../services/users/src/adapters/keys';
import { emulatorPorts } from './config/ports.cjs';

const usage = 'usage: npm run backfill:known-users [-- --stage <stage>]';

export interface BackfillTables {
  users: string;
  notes: string;
}

export const tablesOf = (stage: string): BackfillTables => ({ users: `photonotes-users-${stage}-users`, notes: `photonotes-core-api-${stage}-notes` });

export interface BackfillReport {
  profiles: number;
  recorded: number;
  /** Known already, or deleted: left as they were. */
  unchanged: number;
}

interface ProfileItem {
  userId?: string;
  createdAt?: string;
}

/** Records every live profile of `tables.users` as a known user in `tables.notes`. */
export async function backfillKnownUsers(client: DynamoDBDocumentClient, tables: BackfillTables, log: (line: string) => void = () => undefined): Promise<BackfillReport> {
  const projection = knownUsers(tableClient({ tableName: tables.notes, client }));
  const report: BackfillReport = { profiles: 0, recorded: 0, unchanged: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tables.users,
        // Profiles only: tombstones of deleted accounts keep no email; refresh-token and look-up items are no users.
        FilterExpression: 'begins_with(pk, :user) AND attribute_exists(email) AND attribute_not_exists(deletedAt)',
        ProjectionExpression: 'userId, createdAt',
        ExpressionAttributeValues: { ':user': 'USER#' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as ProfileItem[]) {
      if (!item.userId) continue;
      report.profiles++;
      if (await projection.recordSignedUp(item.userId, item.createdAt ?? new Date().toISOString())) report.recorded++;
      else report.unchanged++;
    }
    startKey = page.LastEvaluatedKey;
    log(`${report.profiles} profiles read, ${report.recorded} recorded`);
  } while (startKey);
  return report;
}

/** A local users table created before the index existed gets it (DynamoDB Local builds it from the stored items). */
export async function ensureLocalEmailIndex(client: DynamoDBClient, usersTable: string): Promise<boolean> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: usersTable }));
  if (Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === emailIndex)) return false;
  await client.send(
    new UpdateTableCommand({
      TableName: usersTable,
      AttributeDefinitions: [{ AttributeName: 'email', AttributeType: 'S' }],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: emailIndex,
            KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['userId', 'displayName'] },
            ...(Table?.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST' ? {} : { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }),
          },
        },
      ],
    }),
  );
  return true;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { stage: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const stage = values.stage ?? 'local';
  if (!/^[a-z0-9-]{1,16}$/.test(stage)) {
    console.error(`${usage}\nA stage name is [a-z0-9-]{1,16}.`);
    return 2;
  }
  const local = stage === 'local';
  const raw = new DynamoDBClient(
    local
      ? { endpoint: `http://127.0.0.1:${process.env.DYNAMODB_PORT || emulatorPorts().dynamodb}`, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {},
  );
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  const tables = tablesOf(stage);
  try {
    if (local && (await ensureLocalEmailIndex(raw, tables.users))) console.log(`Added the ${emailIndex} index to ${tables.users}.`);
    const report = await backfillKnownUsers(client, tables, (line) => console.log(line));
    console.log(`${tables.notes}: ${report.recorded} users recorded, ${report.unchanged} known already or deleted (${report.profiles} profiles).`);
    return 0;
  } finally {
    client.destroy();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
