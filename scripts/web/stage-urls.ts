// Where a build of the web app reaches its stage: the API base URL and the realtime WebSocket URL. `local` uses the
// page's own origin for both ('' = derive: the gateway serves the API and /realtime). A deployed stage names both,
// from flags / environment, else from its stacks' CloudFormation outputs: the users stack's HttpApiUrl and the
// notifications stack's ServiceEndpointWebsocket (the realtime API is a separate API Gateway, so it cannot be
// derived from the HTTP API's URL).
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

export interface StageUrls {
  /** '' = the page's own origin. */
  apiUrl: string;
  /** '' = `<api base>/realtime` over ws(s), right only where one gateway serves both (local). */
  realtimeUrl: string;
}

/** What the stage's deployed stacks say, when they could be asked (credentials present, stacks deployed). */
export interface StackOutputs {
  httpApiUrl?: string;
  websocketUrl?: string;
}

export function assertStage(stage: string): void {
  if (!/^[a-z0-9-]{1,16}$/.test(stage)) throw new Error(`Invalid stage "${stage}": 1 to 16 characters of a-z, 0-9 and "-".`);
}

function checkedUrl(value: string, protocols: string[], flag: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${flag} is not a URL: ${value}`);
  }
  if (!protocols.includes(url.protocol)) throw new Error(`${flag} must be ${protocols.map((p) => p.replace(':', '')).join(' or ')}, got ${value}`);
  return url.toString().replace(/\/+$/, '');
}

/** The stage's URLs: explicit values first, then the stacks' outputs; a deployed stage without one of them fails. */
export function stageUrls(stage: string, explicit: { apiUrl?: string; realtimeUrl?: string }, outputs: StackOutputs = {}): StageUrls {
  assertStage(stage);
  if (stage === 'local') return { apiUrl: '', realtimeUrl: '' };
  const api = explicit.apiUrl || outputs.httpApiUrl;
  const realtime = explicit.realtimeUrl || outputs.websocketUrl;
  if (!api) throw new Error(`Stage ${stage} needs its API base URL: pass --api-url https://… or set PHOTONOTES_API_URL (or deploy the stage and have AWS credentials, to read it from the stacks).`);
  if (!realtime) throw new Error(`Stage ${stage} needs its realtime URL: pass --realtime-url wss://… or set PHOTONOTES_REALTIME_URL (or deploy the stage and have AWS credentials, to read it from the stacks).`);
  return { apiUrl: checkedUrl(api, ['https:', 'http:'], '--api-url'), realtimeUrl: checkedUrl(realtime, ['wss:', 'ws:'], '--realtime-url') };
}

export interface OutputsReader {
  /** The named stack's outputs (key → value), or undefined when it does not exist or cannot be read. */
  outputs(stackName: string): Promise<Record<string, string> | undefined>;
}

export function cloudFormationOutputs(client = new CloudFormationClient({ region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' })): OutputsReader {
  return {
    async outputs(stackName) {
      try {
        const stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
        return Object.fromEntries((stack?.Outputs ?? []).flatMap((o) => (o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [])));
      } catch {
        return undefined;
      }
    },
  };
}

/** The users stack's HTTP API URL and the notifications stack's WebSocket URL, as far as they can be read. */
export async function readStackOutputs(stage: string, reader: OutputsReader): Promise<StackOutputs> {
  const [users, notifications] = await Promise.all([reader.outputs(`photonotes-users-${stage}`), reader.outputs(`photonotes-notifications-${stage}`)]);
  return { httpApiUrl: users?.HttpApiUrl, websocketUrl: notifications?.ServiceEndpointWebsocket };
}

/** Whether the environment holds AWS credentials worth trying (no prompt, no hang on an instance metadata lookup). */
export function hasAwsCredentials(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean((env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
}

/** Flags and environment first; the stacks are asked only for what is missing and only with credentials. */
export async function resolveStageUrls(stage: string, explicit: { apiUrl?: string; realtimeUrl?: string }, reader?: OutputsReader): Promise<StageUrls> {
  const complete = stage === 'local' || (explicit.apiUrl && explicit.realtimeUrl);
  const outputs = !complete && reader ? await readStackOutputs(stage, reader) : {};
  return stageUrls(stage, explicit, outputs);
}
