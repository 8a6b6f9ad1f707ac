// What the local AWS IoT twin needs from each service's serverless.yml, read as the framework reads it:
// - rules: a function's `iot` events (`- iot: { sql, sqlVersion?, enabled?, name?, description? }`), each an
//   AWS::IoT::TopicRule whose Lambda action invokes that function;
// - the custom authorizer: an `AWS::IoT::Authorizer` resource whose AuthorizerFunctionArn is
//   `!GetAtt <Fn>LambdaFunction.Arn` (or `Fn::GetAtt`) of one of the service's functions.
// A rule whose SQL is outside the supported subset, or an authorizer the twin cannot emulate, fails here, at
// platform start, with the file, the function and the construct named.
import path from 'node:path';
import { IotSqlError, parseIotSql, type IotSqlStatement } from './iot-sql';
import type { LambdaTarget } from './lambda-invoke';
import { localFunctions, localName, readYaml, type ServiceDefinition } from '../service-definitions';

export interface IotAuthorizerDefinition {
  service: string;
  /** The authorizer's name in the local stage: what a username's `x-amz-customauthorizer-name` may name. */
  name: string;
  logicalId: string;
  target: LambdaTarget;
}

export interface AsyncRetryPolicy {
  /** Lambda's asynchronous retries after a function error (0..2, default 2). */
  maximumRetryAttempts: number;
  /** How long an event may wait for a successful attempt (60..21,600 s, default 6 h). */
  maximumEventAgeSeconds: number;
}

export interface IotRuleDefinition {
  service: string;
  /** The function's key in serverless.yml. */
  functionKey: string;
  /** The topic rule's logical id as the framework names it (`<Fn>IotTopicRule<n>`), for log lines. */
  ruleId: string;
  sql: string;
  statement: IotSqlStatement;
  target: LambdaTarget;
  retry: AsyncRetryPolicy;
}

export interface IotDefinitions {
  authorizers: IotAuthorizerDefinition[];
  rules: IotRuleDefinition[];
}

interface IotFunction {
  name?: unknown;
  events?: Array<Record<string, unknown>>;
  maximumRetryAttempts?: unknown;
  maximumEventAge?: unknown;
}

interface IotServiceFile {
  service: string;
  functions?: Record<string, unknown>;
  resources?: { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> };
}

/** The framework's logical id for a function: `iot-authorizer` → `IotDashauthorizerLambdaFunction`. */
export function lambdaLogicalId(functionKey: string): string {
  const normalized = functionKey.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

/** `!GetAtt X.Arn`, `!GetAtt [X, Arn]`, `Fn::GetAtt: X.Arn` or `Fn::GetAtt: [X, Arn]`: the logical id X. */
function getAttTarget(value: unknown): string | null {
  const inner = typeof value === 'object' && value !== null && !Array.isArray(value) && 'Fn::GetAtt' in value ? (value as Record<string, unknown>)['Fn::GetAtt'] : value;
  if (typeof inner === 'string' && !inner.startsWith('arn:')) {
    const [id, attribute] = inner.split('.');
    return attribute === 'Arn' && id ? id : null;
  }
  if (Array.isArray(inner) && inner.length === 2 && inner[1] === 'Arn' && typeof inner[0] === 'string') return inner[0];
  return null;
}

function functionTarget(service: ServiceDefinition, functionKey: string, fn: IotFunction): LambdaTarget {
  const functionName = typeof fn.name === 'string' ? localName(fn.name, service.serviceName) : `${service.serviceName}-local-${functionKey}`;
  return { lambdaPort: service.lambdaPort, functionName };
}

function retryPolicy(fn: IotFunction): AsyncRetryPolicy {
  return {
    maximumRetryAttempts: typeof fn.maximumRetryAttempts === 'number' ? fn.maximumRetryAttempts : 2,
    maximumEventAgeSeconds: typeof fn.maximumEventAge === 'number' ? fn.maximumEventAge : 21_600,
  };
}

function rulesOf(service: ServiceDefinition, file: string, functions: Record<string, IotFunction>): IotRuleDefinition[] {
  const rules: IotRuleDefinition[] = [];
  for (const [functionKey, fn] of Object.entries(functions)) {
    let index = 0;
    for (const event of fn.events ?? []) {
      if (!('iot' in event)) continue;
      index += 1;
      const where = `${file}: function ${functionKey}, iot event ${index}`;
      const iot = event.iot as { sql?: unknown; enabled?: unknown; sqlVersion?: unknown } | null;
      if (typeof iot?.sql !== 'string') throw new Error(`${where}: \`sql\` is required`);
      if (iot.sqlVersion !== undefined && !['2015-10-08', '2016-03-23', 'beta'].includes(String(iot.sqlVersion))) {
        throw new Error(`${where}: sqlVersion must be 2015-10-08, 2016-03-23 or beta (got ${String(iot.sqlVersion)})`);
      }
      if (iot.enabled === false) continue;
      // The framework strips newlines before CloudFormation sees the SQL; so does the twin.
      const sql = iot.sql.replace(/\r?\n/g, '');
      let statement: IotSqlStatement;
      try {
        statement = parseIotSql(sql);
      } catch (error) {
        if (!(error instanceof IotSqlError)) throw error;
        throw new Error(`${where}: the local IoT rules engine does not support ${error.construct} in "${sql}" (${error.message}). See scripts/platform/iot/iot-sql.ts for the supported subset.`);
      }
      const ruleId = `${lambdaLogicalId(functionKey).replace(/LambdaFunction$/, '')}IotTopicRule${index}`;
      rules.push({ service: service.name, functionKey, ruleId, sql, statement, target: functionTarget(service, functionKey, fn), retry: retryPolicy(fn) });
    }
  }
  return rules;
}

function authorizersOf(service: ServiceDefinition, file: string, raw: IotServiceFile, functions: Record<string, IotFunction>): IotAuthorizerDefinition[] {
  const byLogicalId = new Map(Object.keys(functions).map((key) => [lambdaLogicalId(key), key]));
  return Object.entries(raw.resources?.Resources ?? {})
    .filter(([, resource]) => resource.Type === 'AWS::IoT::Authorizer')
    .flatMap(([logicalId, resource]) => {
      const where = `${file}: resource ${logicalId} (AWS::IoT::Authorizer)`;
      const props = resource.Properties ?? {};
      if (props.Status !== undefined && props.Status !== 'ACTIVE') return [];
      if (props.SigningDisabled !== true) {
        throw new Error(`${where}: the local twin emulates username/password authorizers only; set SigningDisabled: true (token signing is not emulated)`);
      }
      const target = getAttTarget(props.AuthorizerFunctionArn);
      const functionKey = target ? byLogicalId.get(target) : undefined;
      if (!functionKey) {
        throw new Error(`${where}: AuthorizerFunctionArn must be !GetAtt <Function>LambdaFunction.Arn of a function in this service (got ${JSON.stringify(props.AuthorizerFunctionArn)})`);
      }
      let name = logicalId;
      if (typeof props.AuthorizerName === 'string') {
        try {
          name = localName(props.AuthorizerName, raw.service);
        } catch {
          // A name built from other variables: the logical id stands in for it locally.
        }
      }
      return [{ service: service.name, name, logicalId, target: functionTarget(service, functionKey, functions[functionKey] as IotFunction) }];
    });
}

export function loadIotDefinitions(services: ServiceDefinition[]): IotDefinitions {
  const definitions: IotDefinitions = { authorizers: [], rules: [] };
  for (const service of services) {
    const file = path.join(path.basename(path.dirname(service.dir)), path.basename(service.dir), 'serverless.yml');
    const raw = readYaml<IotServiceFile>(path.join(service.dir, 'serverless.yml'));
    const functions = localFunctions(raw.functions ?? {}, service.dir) as Record<string, IotFunction>;
    definitions.rules.push(...rulesOf(service, file, functions));
    definitions.authorizers.push(...authorizersOf(service, file, raw, functions));
  }
  if (definitions.authorizers.length > 1) {
    const names = definitions.authorizers.map((a) => `${a.service}/${a.logicalId}`).join(', ');
    throw new Error(`More than one AWS::IoT::Authorizer (${names}): the local broker has one default authorizer, as an IoT endpoint does`);
  }
  return definitions;
}
