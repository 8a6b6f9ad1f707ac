// `npm run check:deploy`: packages every service for the given stages through compose (offline,
// dummy credentials) and checks what would ship: every HTTP and WebSocket function's zip within the size budget,
// sharp only in the thumbnails processor, templates free of cfn-lint errors, IAM without wildcards,
// a role of its own for every function, encrypted private buckets, protected prod tables, no
// local-only route in a deployed stage, a failure queue for every asynchronous consumer (stream mappings,
// SNS and S3 notifications, IoT topic rules, the log shipper), the alarms and dashboard of README's "Operations" section,
// every function log group subscribed to the log shipper when the stage ships logs to search (none when not), and
// the realtime channel: notifications' WebSocket API with its three routes, its endpoint output and a throttled stage.
// The web app's hosting stack (clients/web/hosting.yml, deployed by `npm run deploy:web`, not by compose) gets
// cfn-lint, the bucket and IAM checks and its own (scripts/web/hosting-checks.ts), once: it is the same for every stage.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { metricCatalogue, metricsNamespace } from '../shared/src/metrics';
import { checkThumbnailsZips } from '../services/thumbnails/test/package/check-processor-zip';
import { loadServiceDefinitions, repoRoot } from './platform/service-definitions';
import { logicalIdOf } from './cfn-template';
import { hostingTemplate, readHostingTemplate, webHostingProblems } from './web/hosting-checks';

export const httpZipBudgetBytes = 150 * 1024;

interface PackagedFunction {
  service: string;
  name: string;
  zip: string;
  bytes: number;
  isHttp: boolean;
  /** A route of the realtime WebSocket API ($connect, $disconnect, $default): a request path like an HTTP route's. */
  isWebsocket: boolean;
  entries: string[];
  /** The function's environment as deployed: provider-wide variables overlaid with its own. */
  environment: Record<string, unknown>;
}

interface ServerlessState {
  service: {
    provider: { environment?: Record<string, unknown> };
    functions: Record<string, { events?: Array<Record<string, unknown>>; environment?: Record<string, unknown>; package?: { artifact?: string } }>;
  };
}

export function packageStage(stage: string): void {
  // serverless-esbuild zips every file of its build folder, and `sls offline` leaves that folder behind: a
  // stale bundle (a local-only function, a removed one) would otherwise ship inside every zip.
  for (const service of loadServiceDefinitions()) rmSync(path.join(service.dir, '.esbuild'), { recursive: true, force: true });
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: 'package-only', AWS_SECRET_ACCESS_KEY: 'package-only', AWS_REGION: 'us-east-1' };
  const sls = path.join(repoRoot, 'node_modules', 'serverless', 'bin', 'serverless.js');
  const result = spawnSync(process.execPath, [sls, 'package', '--stage', stage], { cwd: repoRoot, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sls package --stage ${stage} failed:\n${result.stdout}\n${result.stderr}`);
}

function zipEntries(zip: string): string[] {
  const out = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', zip], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

export function packagedFunctions(): PackagedFunction[] {
  return loadServiceDefinitions().flatMap((service) => {
    const dir = path.join(service.dir, '.serverless');
    const state = JSON.parse(readFileSync(path.join(dir, 'serverless-state.json'), 'utf8')) as ServerlessState;
    return Object.entries(state.service.functions).map(([name, fn]) => {
      const zip = path.join(dir, `${name}.zip`);
      return {
        service: service.name,
        name,
        zip,
        bytes: statSync(zip).size,
        isHttp: (fn.events ?? []).some((event) => 'httpApi' in event),
        isWebsocket: (fn.events ?? []).some((event) => 'websocket' in event),
        entries: zipEntries(zip),
        environment: { ...state.service.provider.environment, ...fn.environment },
      };
    });
  });
}

function cfnLint(template: string): { errors: string; warnings: number } {
  // cfn-lint exit code bits: 2 = errors, 4 = warnings, 8 = informational. W3005 (a redundant DependsOn
  // that the framework writes next to a Ref) is harmless and ignored.
  const result = spawnSync('cfn-lint', ['--ignore-checks', 'W3005', '--', template], { encoding: 'utf8' });
  if (result.error) throw new Error(`cfn-lint could not run: ${result.error.message}`);
  const status = result.status ?? 0;
  return { errors: status & 2 ? result.stdout + result.stderr : '', warnings: status & 4 ? 1 : 0 };
}

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

/**
 * The zip budget: every function on a request path (an HTTP route, or a route of the WebSocket API: every connect
 * and every frame waits for its cold start) is at most httpZipBudgetBytes.
 */
export function zipBudgetProblems(functions: ReadonlyArray<Pick<PackagedFunction, 'service' | 'name' | 'bytes' | 'isHttp' | 'isWebsocket'>>): string[] {
  return functions
    .filter((fn) => (fn.isHttp || fn.isWebsocket) && fn.bytes > httpZipBudgetBytes)
    .map((fn) => `${fn.service}/${fn.name} is ${(fn.bytes / 1024).toFixed(1)} KB, over the ${httpZipBudgetBytes / 1024} KB budget`);
}

/** The stack that serves the realtime channel (API.md "Realtime"), and the routes its WebSocket API must have. */
export const realtimeService = 'notifications';
export const websocketRouteKeys = ['$connect', '$disconnect', '$default'];

/**
 * The realtime channel as deployed: one WEBSOCKET API in the stack, with the $connect, $disconnect and $default routes,
 * the ServiceEndpointWebsocket output (the wss:// URL an app connects to), and every stage of it throttled
 * (DefaultRouteSettings.ThrottlingRateLimit / ThrottlingBurstLimit, positive numbers: the stage params
 * realtimeThrottleRateLimit / realtimeThrottleBurstLimit), so a flood of frames is not an unlimited number of invocations.
 */
export function websocketApiProblems(template: Template): string[] {
  const apis = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Api' && resource.Properties?.ProtocolType === 'WEBSOCKET')
    .map(([id]) => id);
  if (apis.length !== 1) return [`${apis.length} WebSocket APIs (AWS::ApiGatewayV2::Api, ProtocolType WEBSOCKET), not one`];
  const api = apis[0] as string;
  const onApi = Object.entries(template.Resources).filter(([, resource]) => logicalIdOf(resource.Properties?.ApiId) === api);
  const problems: string[] = [];
  const routes = new Set(onApi.filter(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Route').map(([, resource]) => String(resource.Properties?.RouteKey)));
  const missing = websocketRouteKeys.filter((key) => !routes.has(key));
  if (missing.length > 0) problems.push(`${api}: no ${missing.join(', ')} route`);
  if (template.Outputs?.ServiceEndpointWebsocket === undefined) problems.push(`${api}: no ServiceEndpointWebsocket output (the URL an app connects to)`);
  const stages = onApi.filter(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Stage');
  if (stages.length === 0) problems.push(`${api}: no stage`);
  for (const [id, stage] of stages) {
    const settings = (stage.Properties?.DefaultRouteSettings ?? {}) as Record<string, unknown>;
    for (const key of ['ThrottlingRateLimit', 'ThrottlingBurstLimit']) {
      const value = settings[key];
      if (typeof value !== 'number' || !(value > 0)) problems.push(`${id}: the WebSocket stage without DefaultRouteSettings.${key} (a flood of frames would be unlimited invocations)`);
    }
  }
  return problems;
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/**
 * Statements where AWS offers no narrower resource. Each entry is an action that is allowed on "*",
 * with the reason; nothing else may use a wildcard action or resource.
 */
export const wildcardResourceAllowed: Record<string, string> = {
  // provider.tracing.lambda: X-Ray's segment writes have no resource-level permissions; "*" is the only form AWS
  // accepts (Service Authorization Reference, AWS X-Ray). They write traces and read nothing.
  'xray:PutTraceSegments': 'X-Ray has no resource-level permissions for writing trace segments',
  'xray:PutTelemetryRecords': 'X-Ray has no resource-level permissions for writing telemetry records',
};

export function iamProblems(template: Template): string[] {
  const problems: string[] = [];
  for (const [name, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const policies = (resource.Properties?.Policies as Array<{ PolicyDocument: { Statement: Statement[] } }> | undefined) ?? [];
    for (const statement of policies.flatMap((policy) => policy.PolicyDocument.Statement)) {
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
      for (const action of actions) {
        if (action.includes('*')) problems.push(`${name}: wildcard action ${action}`);
      }
      if (resources.some((r) => r === '*')) {
        const unexplained = actions.filter((action) => !(action in wildcardResourceAllowed));
        if (unexplained.length > 0) problems.push(`${name}: resource "*" for ${unexplained.join(', ')}`);
      }
      if (actions.includes('execute-api:ManageConnections')) problems.push(...manageConnectionsProblems(template, name, resources));
    }
  }
  return problems;
}

/**
 * `execute-api:ManageConnections` (PostToConnection, DeleteConnection) only on the @connections of a WebSocket API of
 * the same stack: `arn:aws:execute-api:<region>:<account>:<api>/<stage>/<method>/@connections/<id>` with the method
 * and the id left open (`*`): no ARN can name a connection that does not exist yet.
 */
function manageConnectionsProblems(template: Template, role: string, resources: unknown[]): string[] {
  const websocketApis = Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Api' && resource.Properties?.ProtocolType === 'WEBSOCKET')
    .map(([id]) => id);
  return resources.flatMap((resource) => {
    const text = JSON.stringify(resource);
    const ownApi = websocketApis.some((id) => text.includes(JSON.stringify({ Ref: id })));
    return ownApi && /\/@connections\/\*"/.test(text) ? [] : [`${role}: execute-api:ManageConnections beyond the @connections of the stack's own WebSocket API (${text.slice(0, 200)})`];
  });
}

/** The framework's own helper functions (custom resources): one shared role that the framework scopes itself. */
const frameworkFunction = /^CustomDashresource/;

/** Every function runs with a role of its own (serverless-iam-roles-per-function), never a shared one. */
export function sharedRoles(template: Template): string[] {
  const byRole = new Map<string, string[]>();
  for (const [name, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function' || frameworkFunction.test(name)) continue;
    const role = JSON.stringify(resource.Properties?.Role ?? null);
    byRole.set(role, [...(byRole.get(role) ?? []), name]);
  }
  const problems: string[] = [];
  for (const [role, functions] of byRole) {
    if (functions.length > 1) problems.push(`${functions.join(', ')} share the role ${role}`);
    else if (/"IamRoleLambdaExecution"/.test(role) || role === 'null') problems.push(`${functions[0]} has no role of its own (${role})`);
  }
  return problems;
}

/**
 * Tables that keep no point-in-time recovery on purpose. analytics' actor keys: deleting a user's key is what
 * unlinks their events (API.md), and a restore would bring deleted keys back for 35 days.
 */
export const tablesWithoutRecovery = new Set(['ActorKeysTable']);

/**
 * Stream consumers that process a batch as one unit of work identified by its records (analytics' processEvents:
 * its event-id claims name the work), so a retry must be the very same batch: never bisected, no partial responses.
 */
export const wholeBatchMappings = new Set(['ProcessEventsEventSourceMappingDynamodbBufferTable']);

/** Buckets are encrypted and block every kind of public access; in prod every table has PITR and deletion protection. */
export function dataProtectionProblems(template: Template, stage: string): string[] {
  const problems: string[] = [];
  for (const [name, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::S3::Bucket') {
      if (!props.BucketEncryption) problems.push(`${name}: bucket without BucketEncryption`);
      const block = (props.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
      const missing = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'].filter((key) => block[key] !== true);
      if (missing.length > 0) problems.push(`${name}: bucket public access not blocked (${missing.join(', ')})`);
    }
    if (resource.Type === 'AWS::DynamoDB::Table' && stage === 'prod') {
      const pitr = props.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: unknown } | undefined;
      if (pitr?.PointInTimeRecoveryEnabled !== true && !tablesWithoutRecovery.has(name)) problems.push(`${name}: table without point-in-time recovery`);
      if (props.DeletionProtectionEnabled !== true) problems.push(`${name}: table without deletion protection`);
    }
  }
  return problems;
}

type Resource = Template['Resources'][string];

const onFailureOf = (props: Record<string, unknown> | undefined): unknown =>
  (props?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure?.Destination;

const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Whether the function's own role may send to the queue: Lambda sends a consumer's failures with it. */
function maySendTo(template: Template, functionId: string, queueId: string): boolean {
  const roleId = logicalIdOf(template.Resources[functionId]?.Properties?.Role);
  const policies = (template.Resources[roleId ?? '']?.Properties?.Policies as Array<{ PolicyDocument?: { Statement?: Statement[] } }> | undefined) ?? [];
  return policies
    .flatMap((policy) => policy.PolicyDocument?.Statement ?? [])
    .some((statement) => statement.Effect === 'Allow' && listOf(statement.Action).includes('sqs:SendMessage') && listOf(statement.Resource).some((resource) => logicalIdOf(resource) === queueId));
}

/** Where a consumer's failures go: an SQS queue of the stack that its function's role may send to. */
function destinationProblems(template: Template, label: string, functionId: string | undefined, destination: unknown): string[] {
  if (!destination) return [];
  const queueId = logicalIdOf(destination);
  if (!queueId || template.Resources[queueId]?.Type !== 'AWS::SQS::Queue') return [`${label}: on-failure destination ${JSON.stringify(destination)} is not an SQS queue of the stack`];
  if (functionId && !maySendTo(template, functionId, queueId)) return [`${label}: the role of ${functionId} may not send to its on-failure queue ${queueId} (sqs:SendMessage)`];
  return [];
}

/** A function Lambda invokes asynchronously for `invoker`: a chosen retry count and an on-failure queue. */
function asyncInvokeProblems(template: Template, invokeConfigs: Map<string, Resource>, functionId: string | undefined, invoker: string, fallback: string): string[] {
  const label = functionId ?? fallback;
  const config = functionId ? invokeConfigs.get(functionId) : undefined;
  const destination = onFailureOf(config?.Properties);
  const problems: string[] = [];
  if (!destination) problems.push(`${label}: invoked asynchronously by ${invoker} without an on-failure destination`);
  if (config && typeof config.Properties?.MaximumRetryAttempts !== 'number') problems.push(`${label}: asynchronous invocation without a chosen MaximumRetryAttempts`);
  return [...problems, ...destinationProblems(template, label, functionId, destination)];
}

/**
 * Every asynchronous consumer keeps its failures (README, "Failures and redrive"): stream mappings retry a
 * bounded number of times, bisect, report partial failures, drop records past a maximum age and send what
 * fails to an on-failure destination; SNS subscriptions have a dead-letter queue; functions that SNS, S3, an
 * EventBridge schedule or an IoT topic rule invoke asynchronously have an on-failure destination and a chosen retry
 * count; a queue a function reads has a dead-letter queue of the stack and the mapping reports partial failures;
 * every on-failure destination is an SQS queue of the stack that the function's role may send to; queues are
 * encrypted and keep messages 14 days.
 */
export function failureHandlingProblems(template: Template): string[] {
  const problems: string[] = [];
  const resources = Object.entries(template.Resources);
  const invokeConfigs = new Map<string, Resource>();
  for (const [, resource] of resources) {
    const target = resource.Type === 'AWS::Lambda::EventInvokeConfig' ? logicalIdOf(resource.Properties?.FunctionName) : undefined;
    if (target) invokeConfigs.set(target, resource);
  }
  for (const [name, resource] of resources) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::EventSourceMapping' && props.StartingPosition !== undefined) {
      const onFailure = onFailureOf(props);
      if (!onFailure) problems.push(`${name}: stream mapping without an on-failure destination`);
      problems.push(...destinationProblems(template, name, logicalIdOf(props.FunctionName), onFailure));
      if (typeof props.MaximumRetryAttempts !== 'number' || props.MaximumRetryAttempts < 0) problems.push(`${name}: stream mapping without a bounded MaximumRetryAttempts`);
      if (typeof props.MaximumRecordAgeInSeconds !== 'number' || props.MaximumRecordAgeInSeconds < 60) problems.push(`${name}: stream mapping without a MaximumRecordAgeInSeconds`);
      if (wholeBatchMappings.has(name)) {
        // The opposite is required: a split or partial batch would be new work that cannot find its claims.
        if (props.BisectBatchOnFunctionError === true || (props.FunctionResponseTypes as unknown[] | undefined)?.includes('ReportBatchItemFailures')) {
          problems.push(`${name}: a whole-batch consumer must not split batches or report partial failures`);
        }
      } else {
        if (props.BisectBatchOnFunctionError !== true) problems.push(`${name}: stream mapping without BisectBatchOnFunctionError`);
        if (!(props.FunctionResponseTypes as unknown[] | undefined)?.includes('ReportBatchItemFailures')) problems.push(`${name}: stream mapping without ReportBatchItemFailures`);
      }
    }
    if (resource.Type === 'AWS::Lambda::EventSourceMapping' && props.StartingPosition === undefined) {
      // An SQS mapping: what keeps failing stays in the queue until its redrive policy moves it to a dead-letter queue.
      const queueId = logicalIdOf(props.EventSourceArn);
      const source = queueId ? template.Resources[queueId] : undefined;
      if (source?.Type === 'AWS::SQS::Queue') {
        const policy = source.Properties?.RedrivePolicy;
        const redrive = (typeof policy === 'string' ? JSON.parse(policy) : policy) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
        const deadLetterId = logicalIdOf(redrive?.deadLetterTargetArn);
        if (!deadLetterId || template.Resources[deadLetterId]?.Type !== 'AWS::SQS::Queue' || typeof redrive?.maxReceiveCount !== 'number') {
          problems.push(`${name}: the queue ${queueId} has no dead-letter queue of the stack (RedrivePolicy with maxReceiveCount)`);
        }
        if (!(props.FunctionResponseTypes as unknown[] | undefined)?.includes('ReportBatchItemFailures')) problems.push(`${name}: queue mapping without ReportBatchItemFailures`);
      }
    }
    if (resource.Type === 'AWS::SNS::Subscription' && props.Protocol === 'lambda') {
      if (!(props.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn) problems.push(`${name}: SNS subscription without a dead-letter queue (RedrivePolicy)`);
    }
    // SNS, S3 and EventBridge (schedules) invoke asynchronously.
    if (resource.Type === 'AWS::Lambda::Permission' && ['sns.amazonaws.com', 's3.amazonaws.com', 'events.amazonaws.com'].includes(String(props.Principal))) {
      problems.push(...asyncInvokeProblems(template, invokeConfigs, logicalIdOf(props.FunctionName), String(props.Principal), name));
    }
    // CloudWatch Logs invokes a subscription's function (the log shipper) asynchronously; a stack that only
    // subscribes its log groups names the shipper of another stack by ARN, and that stack is checked instead.
    if (resource.Type === 'AWS::Lambda::Permission' && props.Principal === 'logs.amazonaws.com' && logicalIdOf(props.FunctionName)) {
      problems.push(...asyncInvokeProblems(template, invokeConfigs, logicalIdOf(props.FunctionName), 'CloudWatch Logs', name));
    }
    // A topic rule's Lambda action invokes asynchronously. (IoT Core also invokes the custom authorizer, but
    // synchronously: its permission names iot.amazonaws.com too, so rules are found by their actions instead.)
    if (resource.Type === 'AWS::IoT::TopicRule') {
      const actions = ((props.TopicRulePayload as { Actions?: Array<{ Lambda?: { FunctionArn?: unknown } }> } | undefined)?.Actions ?? []).filter((action) => action.Lambda);
      for (const action of actions) {
        problems.push(...asyncInvokeProblems(template, invokeConfigs, logicalIdOf(action.Lambda?.FunctionArn), `the IoT topic rule ${name}`, name));
      }
    }
    if (resource.Type === 'AWS::SQS::Queue') {
      if (props.SqsManagedSseEnabled !== true && !props.KmsMasterKeyId) problems.push(`${name}: queue without encryption`);
      if (props.MessageRetentionPeriod !== 1209600) problems.push(`${name}: queue does not keep messages 14 days (MessageRetentionPeriod 1209600)`);
    }
  }
  return problems;
}

interface AlarmProps {
  Namespace?: string;
  MetricName?: string;
  Dimensions?: Array<{ Name: string; Value: unknown }>;
  Metrics?: Array<{ MetricStat?: { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Array<{ Name: string; Value: unknown }> } } }>;
  Threshold?: number;
  ComparisonOperator?: string;
  TreatMissingData?: string;
  AlarmActions?: unknown[];
}

/** The stage's ops topic: the users stack's OpsTopic, or its ARN built from its name (opsTopicArn). */
function isOpsTopic(value: unknown, stage: string): boolean {
  const text = JSON.stringify(value);
  return text === JSON.stringify({ Ref: 'OpsTopic' }) || text.includes(JSON.stringify(`photonotes-${stage}-ops`));
}

/** The alarms of the template that notify the ops topic and treat missing data as not breaching, with their metrics. */
function opsAlarms(template: Template, stage: string): Array<{ id: string; metrics: Array<{ namespace?: string; name?: string; dimensions: Array<{ Name: string; Value: unknown }> }>; props: AlarmProps }> {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')
    .map(([id, resource]) => {
      const props = (resource.Properties ?? {}) as AlarmProps;
      const metrics = props.Metrics
        ? props.Metrics.flatMap((m) => (m.MetricStat?.Metric ? [{ namespace: m.MetricStat.Metric.Namespace, name: m.MetricStat.Metric.MetricName, dimensions: m.MetricStat.Metric.Dimensions ?? [] }] : []))
        : [{ namespace: props.Namespace, name: props.MetricName, dimensions: props.Dimensions ?? [] }];
      return { id, metrics, props };
    })
    .filter(({ props }) => (props.AlarmActions ?? []).some((action) => isOpsTopic(action, stage)) && props.TreatMissingData === 'notBreaching');
}

function hasAlarm(template: Template, stage: string, namespace: string, metric: string, dimension: string, matches: (value: unknown) => boolean): boolean {
  return opsAlarms(template, stage).some(({ metrics }) =>
    metrics.some((m) => m.namespace === namespace && m.name === metric && m.dimensions.some((d) => d.Name === dimension && matches(d.Value))),
  );
}

/**
 * The queues of the template that keep failures: on-failure destinations (asynchronous invocations, stream
 * mappings), dead-letter queues (SNS subscriptions, SQS redrive policies), topic rules' error actions, and any queue
 * named …FailuresQueue.
 */
export function failureQueueIds(template: Template): Set<string> {
  const ids = new Set<string>();
  const add = (reference: unknown): void => {
    const id = logicalIdOf(reference);
    if (id && template.Resources[id]?.Type === 'AWS::SQS::Queue') ids.add(id);
  };
  for (const [name, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::EventInvokeConfig' || resource.Type === 'AWS::Lambda::EventSourceMapping') add(onFailureOf(props));
    if (resource.Type === 'AWS::SNS::Subscription' || resource.Type === 'AWS::SQS::Queue') {
      const policy = props.RedrivePolicy;
      add(((typeof policy === 'string' ? JSON.parse(policy) : policy) as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn);
    }
    if (resource.Type === 'AWS::IoT::TopicRule') add((props.TopicRulePayload as { ErrorAction?: { Sqs?: { QueueUrl?: unknown } } } | undefined)?.ErrorAction?.Sqs?.QueueUrl);
    if (resource.Type === 'AWS::SQS::Queue' && name.endsWith('FailuresQueue')) ids.add(name);
  }
  return ids;
}

/**
 * README, "Operations: alarms and dashboard": every function has an Errors and a Throttles alarm, every stream
 * consumer an IteratorAge alarm, every failure queue a depth alarm (more than 0 messages), every IoT topic rule an
 * error action to a failure queue; all to the stage's ops topic, missing data not breaching.
 */
export function alarmProblems(template: Template, stage: string): string[] {
  const problems: string[] = [];
  const refersTo = (id: string) => (value: unknown) => logicalIdOf(value) === id;
  for (const [id, resource] of Object.entries(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Function' && !frameworkFunction.test(id)) {
      for (const metric of ['Errors', 'Throttles']) {
        if (!hasAlarm(template, stage, 'AWS/Lambda', metric, 'FunctionName', refersTo(id))) problems.push(`${id}: no ${metric} alarm to the ops topic`);
      }
    }
    if (resource.Type === 'AWS::Lambda::EventSourceMapping' && props.StartingPosition !== undefined) {
      const fn = logicalIdOf(props.FunctionName) ?? '';
      if (!hasAlarm(template, stage, 'AWS/Lambda', 'IteratorAge', 'FunctionName', refersTo(fn))) problems.push(`${id}: no IteratorAge alarm on ${fn} to the ops topic`);
    }
    if (resource.Type === 'AWS::IoT::TopicRule') {
      const queue = logicalIdOf((props.TopicRulePayload as { ErrorAction?: { Sqs?: { QueueUrl?: unknown } } } | undefined)?.ErrorAction?.Sqs?.QueueUrl);
      if (!queue || template.Resources[queue]?.Type !== 'AWS::SQS::Queue') problems.push(`${id}: topic rule without an error action to an SQS queue of the stack`);
    }
  }
  for (const queue of failureQueueIds(template)) {
    const depth = opsAlarms(template, stage).some(
      ({ metrics, props }) =>
        props.Threshold === 0 &&
        props.ComparisonOperator === 'GreaterThanThreshold' &&
        metrics.some((m) => m.namespace === 'AWS/SQS' && m.name === 'ApproximateNumberOfMessagesVisible' && m.dimensions.some((d) => d.Name === 'QueueName' && refersTo(queue)(d.Value))),
    );
    if (!depth) problems.push(`${queue}: failure queue without a depth alarm (ApproximateNumberOfMessagesVisible > 0) to the ops topic`);
  }
  return problems;
}

/**
 * Once per stage, over every stack: the ops topic, the HTTP API's 5xx and p99 latency alarms (on the stack that owns
 * the API) and the dashboard.
 */
export function stageOperationsProblems(templates: Record<string, Template>, stage: string): string[] {
  const problems: string[] = [];
  const all = Object.values(templates);
  const owner = all.find((template) => template.Resources.HttpApi?.Type === 'AWS::ApiGatewayV2::Api');
  if (!all.some((template) => Object.entries(template.Resources).some(([id, r]) => id === 'OpsTopic' && r.Type === 'AWS::SNS::Topic' && String(r.Properties?.TopicName) === `photonotes-${stage}-ops`))) {
    problems.push(`no ops topic photonotes-${stage}-ops (OpsTopic)`);
  }
  if (!owner) problems.push('no stack owns the HTTP API');
  else {
    const onApi = (value: unknown): boolean => logicalIdOf(value) === 'HttpApi';
    if (!hasAlarm(owner, stage, 'AWS/ApiGateway', '5xx', 'ApiId', onApi)) problems.push('no HTTP 5xx alarm on the HTTP API to the ops topic');
    if (!hasAlarm(owner, stage, 'AWS/ApiGateway', 'Latency', 'ApiId', onApi)) problems.push('no HTTP latency alarm on the HTTP API to the ops topic');
  }
  const dashboards = all.flatMap((template) => Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard'));
  if (dashboards.length !== 1) problems.push(`${dashboards.length} CloudWatch dashboards, not one`);
  else {
    const graphed = productMetricsGraphed(dashboards[0]?.Properties?.DashboardBody);
    const missing = Object.keys(metricCatalogue).filter((name) => !graphed.has(name));
    if (missing.length > 0) problems.push(`the dashboard graphs no ${metricsNamespace} metric ${missing.join(', ')}`);
  }
  return problems;
}

/**
 * README, "Operations: logs to search": with the stage's log shipper deployed (the users stack's logShipper, only when
 * logsOpenSearchEndpoint is set), every function's log group of every stack has a subscription filter to it, except
 * the shipper's own (a loop), and every stack that subscribes lets CloudWatch Logs invoke it; without it, no stack
 * has a subscription filter.
 */
export function logShippingProblems(templates: Record<string, Template>, stage: string): string[] {
  const problems: string[] = [];
  const shipperName = `photonotes-users-${stage}-logShipper`;
  const enabled = Object.values(templates).some((template) => template.Resources.LogShipperLambdaFunction?.Type === 'AWS::Lambda::Function');
  const toShipper = (value: unknown): boolean => logicalIdOf(value) === 'LogShipperLambdaFunction' || JSON.stringify(value).includes(`:function:${shipperName}"`);
  for (const [service, template] of Object.entries(templates)) {
    const filters = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::Logs::SubscriptionFilter');
    if (!enabled) {
      for (const [id] of filters) problems.push(`${service}: ${id}: a subscription filter, but the stage ships no logs (logsOpenSearchEndpoint empty)`);
      continue;
    }
    const logGroups = Object.entries(template.Resources).filter(
      ([id, resource]) => resource.Type === 'AWS::Logs::LogGroup' && !frameworkFunction.test(id) && String(resource.Properties?.LogGroupName ?? '').startsWith('/aws/lambda/'),
    );
    for (const [id] of logGroups) {
      const subscribed = filters.filter(([, filter]) => logicalIdOf(filter.Properties?.LogGroupName) === id && toShipper(filter.Properties?.DestinationArn));
      if (id === 'LogShipperLogGroup' && subscribed.length > 0) problems.push(`${service}: the log shipper's own log group is subscribed to it (a loop)`);
      if (id !== 'LogShipperLogGroup' && subscribed.length === 0) problems.push(`${service}: ${id} has no subscription filter to the log shipper`);
    }
    const permitted = Object.values(template.Resources).some(
      (resource) => resource.Type === 'AWS::Lambda::Permission' && resource.Properties?.Principal === 'logs.amazonaws.com' && toShipper(resource.Properties.FunctionName),
    );
    if (filters.length > 0 && !permitted) problems.push(`${service}: subscription filters without a permission for CloudWatch Logs to invoke the log shipper`);
  }
  return problems;
}

/** The metric names of the product namespace that the dashboard's graphs search for (its body is an Fn::Join of text and Refs). */
export function productMetricsGraphed(body: unknown): Set<string> {
  const join = (body as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  const text = typeof body === 'string' ? body : (join?.[1] ?? []).map((part) => (typeof part === 'string' ? part : 'ref')).join('');
  const names = new Set<string>();
  let widgets: Array<{ properties?: { metrics?: unknown[][] } }> = [];
  try {
    widgets = (JSON.parse(text) as { widgets?: typeof widgets }).widgets ?? [];
  } catch {
    return names;
  }
  const search = new RegExp(`^SEARCH\\('\\{${metricsNamespace}[,}][^']* MetricName="([A-Za-z]+)"`);
  for (const widget of widgets) {
    for (const entry of widget.properties?.metrics ?? []) {
      for (const item of entry) {
        const name = search.exec(String((item as { expression?: unknown } | null)?.expression ?? ''))?.[1];
        if (name !== undefined) names.add(name);
      }
    }
  }
  return names;
}

/** Routes under /dev/ exist only in the local stage (e.g. the push outbox). */
export function localOnlyRoutes(template: Template): string[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
    .map((resource) => String(resource.Properties?.RouteKey))
    .filter((routeKey) => / \/dev\//.test(routeKey));
}

function main(): void {
  const stages = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['dev', 'prod'];
  const problems: string[] = [];
  for (const stage of stages) {
    packageStage(stage);
    const functions = packagedFunctions();
    console.log(`\nstage ${stage}: ${functions.length} functions`);
    for (const fn of functions) {
      const hasSharp = fn.entries.some((entry) => entry.includes('sharp') || entry.endsWith('.node'));
      console.log(`  ${`${fn.service}/${fn.name}`.padEnd(40)} ${(fn.bytes / 1024).toFixed(1).padStart(7)} KB${fn.isHttp ? '' : fn.isWebsocket ? '  (websocket)' : '  (event)'}${hasSharp ? '  sharp' : ''}`);
      if (hasSharp && fn.service !== 'thumbnails') problems.push(`${stage}: ${fn.service}/${fn.name} ships sharp or a native addon`);
    }
    for (const problem of zipBudgetProblems(functions)) problems.push(`${stage}: ${problem}`);
    // The processor must carry sharp for its Lambda architecture, and nothing else in thumbnails may.
    for (const problem of checkThumbnailsZips()) problems.push(`${stage}: ${problem}`);
    const templates: Record<string, Template> = {};
    for (const service of loadServiceDefinitions()) {
      const template = path.join(service.dir, '.serverless', 'cloudformation-template-update-stack.json');
      const { errors } = cfnLint(template);
      if (errors) problems.push(`${stage}: cfn-lint errors in ${path.relative(repoRoot, template)}:\n${errors}`);
      const parsed = JSON.parse(readFileSync(template, 'utf8')) as Template;
      for (const problem of iamProblems(parsed)) problems.push(`${stage}: ${service.name}: ${problem}`);
      for (const route of localOnlyRoutes(parsed)) problems.push(`${stage}: ${service.name}: local-only route "${route}" in a deployed stage`);
      for (const problem of sharedRoles(parsed)) problems.push(`${stage}: ${service.name}: ${problem}`);
      for (const problem of failureHandlingProblems(parsed)) problems.push(`${stage}: ${service.name}: ${problem}`);
      for (const problem of alarmProblems(parsed, stage)) problems.push(`${stage}: ${service.name}: ${problem}`);
      templates[service.name] = parsed;
      // The create template holds the deployment bucket alone; the update template everything else.
      const created = JSON.parse(readFileSync(path.join(service.dir, '.serverless', 'cloudformation-template-create-stack.json'), 'utf8')) as Template;
      for (const problem of [...dataProtectionProblems(created, stage), ...dataProtectionProblems(parsed, stage)]) problems.push(`${stage}: ${service.name}: ${problem}`);
    }
    const realtime = templates[realtimeService];
    if (!realtime) problems.push(`${stage}: no ${realtimeService} stack (the realtime WebSocket API)`);
    else for (const problem of websocketApiProblems(realtime)) problems.push(`${stage}: ${realtimeService}: ${problem}`);
    for (const problem of stageOperationsProblems(templates, stage)) problems.push(`${stage}: ${problem}`);
    for (const problem of logShippingProblems(templates, stage)) problems.push(`${stage}: ${problem}`);
  }
  const web = readHostingTemplate();
  const { errors: webLint } = cfnLint(hostingTemplate);
  if (webLint) problems.push(`cfn-lint errors in ${path.relative(repoRoot, hostingTemplate)}:\n${webLint}`);
  for (const problem of [...webHostingProblems(web), ...dataProtectionProblems(web, 'prod'), ...iamProblems(web)]) problems.push(`web hosting: ${problem}`);
  console.log(`\nweb hosting (${path.relative(repoRoot, hostingTemplate)}): ${Object.keys(web.Resources).length} resources checked`);
  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('\ndeploy checks passed');
}

if (require.main === module) main();
