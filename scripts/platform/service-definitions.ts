// Reads what the local platform needs to know from each service's own serverless.yml and from
// serverless-compose.yml: offline ports, HTTP routes, Cognito triggers and start order.
// Nothing here is a second copy of those files; they stay the single source of truth.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { portOffset, servicePorts } from '../config/ports.cjs';

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface HttpRoute {
  method: string;
  path: string;
}

export interface ServiceDefinition {
  /** Directory name under services/ and key in serverless-compose.yml. */
  name: string;
  /** serverless-offline's ports for this service, from scripts/config/ports.cjs (with the platform's offset). */
  /** The `service:` name, which prefixes local Lambda function names. */
  serviceName: string;
  dir: string;
  httpPort: number;
  lambdaPort: number;
  /** serverless-offline's WebSocket server (and its @connections API); null when the service declares no `websocket` events. */
  websocketPort: number | null;
  routes: HttpRoute[];
  /** Cognito trigger name (PreSignUp, PostConfirmation...) to local function name. */
  cognitoTriggers: Record<string, string>;
  /** SNS topic names the service declares, as they are named in the local stage. */
  topics: string[];
}

export interface RawFunction {
  events?: Array<Record<string, unknown>>;
  destinations?: { onFailure?: unknown };
  maximumRetryAttempts?: number;
  maximumEventAge?: number;
}

interface RawService {
  service: string;
  resources?: { Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }> };
  custom?: { 'serverless-offline'?: { httpPort?: unknown; lambdaPort?: unknown; websocketPort?: unknown } };
  /** A definition, or a `${file(...)}` reference to a stage's fragment. */
  functions?: Record<string, RawFunction | string | null>;
}

interface RawCompose {
  services: Record<string, { path: string }>;
}

// serverless.yml files may use CloudFormation short tags (!Ref, !GetAtt...): keep them as plain values.
const cfnTags = ['Ref', 'GetAtt', 'Sub', 'Join', 'ImportValue', 'If', 'Equals', 'Not', 'Select', 'Split', 'FindInMap', 'GetAZs', 'Base64', 'Cidr', 'Condition', 'And', 'Or'].flatMap(
  (name) => (['scalar', 'seq', 'map'] as const).map((nodeClass) => ({ tag: `!${name}`, collection: nodeClass === 'scalar' ? undefined : nodeClass, resolve: (value: unknown) => value })),
);

export function readYaml<T>(file: string): T {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the yaml tag resolver types are loose
  return parse(readFileSync(file, 'utf8'), { customTags: cfnTags as any, logLevel: 'silent' }) as T;
}

function routesOf(functions: Record<string, RawFunction>): HttpRoute[] {
  const routes: HttpRoute[] = [];
  for (const fn of Object.values(functions)) {
    for (const event of fn.events ?? []) {
      const httpApi = event.httpApi as { method?: string; path?: string } | string | undefined;
      if (!httpApi) continue;
      if (typeof httpApi === 'string') {
        const [method = '*', routePath = '*'] = httpApi === '*' ? ['*', '*'] : httpApi.split(' ');
        routes.push({ method: method.toUpperCase(), path: routePath });
      } else if (httpApi.path) {
        routes.push({ method: (httpApi.method ?? '*').toUpperCase(), path: httpApi.path });
      }
    }
  }
  return routes;
}

function triggersOf(serviceName: string, functions: Record<string, RawFunction>): Record<string, string> {
  const triggers: Record<string, string> = {};
  for (const [fnName, fn] of Object.entries(functions)) {
    for (const event of fn.events ?? []) {
      const pool = event.cognitoUserPool as { trigger?: string } | undefined;
      if (pool?.trigger) triggers[pool.trigger] = `${serviceName}-local-${fnName}`;
    }
  }
  return triggers;
}

// A function that exists only in some stages is declared as `${file(./fragment.yml):${sls:stage}.name, null}`.
const stageFunctionReference = /^\$\{file\(([^)]+)\):([\w.-]+)/;

/** A function as the local stage sees it: plain definitions as they are, stage fragments read from their file. */
function localFunction(value: unknown, dir: string): RawFunction | undefined {
  if (typeof value !== 'string') return (value ?? undefined) as RawFunction | undefined;
  const match = stageFunctionReference.exec(value.replaceAll('${sls:stage}', 'local'));
  if (!match?.[1] || !match[2]) return undefined;
  let node: unknown = readYaml(path.join(dir, match[1]));
  for (const key of match[2].split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  return (node ?? undefined) as RawFunction | undefined;
}

export function localFunctions(functions: Record<string, unknown>, dir: string): Record<string, RawFunction> {
  return Object.fromEntries(Object.entries(functions).flatMap(([name, value]) => {
    const fn = localFunction(value, dir);
    return fn ? [[name, fn]] : [];
  }));
}

/** Resolves the only variables resource names may use, as serverless does for the local stage. */
export function localName(template: string, serviceName: string): string {
  const name = template.replaceAll('${sls:stage}', 'local').replaceAll('${self:service}', serviceName);
  if (name.includes('${')) throw new Error(`Resource name "${template}" may only use \${sls:stage} and \${self:service}`);
  return name;
}

/** What a service's serverless.yml must say for a port, so that it and the platform agree. */
export function portReference(service: string, port: 'http' | 'lambda' | 'websocket' | 'alb'): string {
  return `\${file(../../scripts/config/ports.cjs):${service}.${port}}`;
}

export function loadServiceDefinitions(root = repoRoot, offset = portOffset()): ServiceDefinition[] {
  const compose = readYaml<RawCompose>(path.join(root, 'serverless-compose.yml'));
  return Object.entries(compose.services).map(([name, entry]) => {
    const dir = path.join(root, entry.path);
    const raw = readYaml<RawService>(path.join(dir, 'serverless.yml'));
    const offline = raw.custom?.['serverless-offline'];
    for (const port of ['http', 'lambda'] as const) {
      const declared = offline?.[`${port}Port`];
      if (declared !== portReference(name, port)) {
        throw new Error(`${entry.path}/serverless.yml: custom.serverless-offline.${port}Port must be ${portReference(name, port)} (got ${String(declared)})`);
      }
    }
    const ports = servicePorts(name, offset);
    const functions = localFunctions(raw.functions ?? {}, dir);
    const hasWebsocket = Object.values(functions).some((fn) => (fn.events ?? []).some((event) => 'websocket' in event));
    if (hasWebsocket && offline?.websocketPort !== portReference(name, 'websocket')) {
      throw new Error(`${entry.path}/serverless.yml: custom.serverless-offline.websocketPort must be ${portReference(name, 'websocket')} (got ${String(offline?.websocketPort)})`);
    }
    return {
      name,
      serviceName: raw.service,
      dir,
      httpPort: ports.http,
      lambdaPort: ports.lambda,
      websocketPort: hasWebsocket ? ports.websocket : null,
      routes: routesOf(functions),
      cognitoTriggers: triggersOf(raw.service, functions),
      topics: Object.values(raw.resources?.Resources ?? {})
        .filter((resource) => resource.Type === 'AWS::SNS::Topic')
        .map((resource) => localName(String(resource.Properties?.TopicName), raw.service)),
    };
  });
}
