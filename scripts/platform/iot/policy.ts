// AWS IoT Core policies as a custom authorizer returns them, evaluated as IAM does: an explicit Deny wins, then
// any Allow, else the request is denied. Actions match case-insensitively, resources case-sensitively, both with
// IAM's wildcards (`*` any run of characters, `/` included; `?` one character); MQTT's `+` and `#` are plain
// characters in an ARN. Policy variables: `${iot:ClientId}` and the escapes `${*}`, `${?}`, `${$}`; a statement
// whose resource uses any other variable does not match. `Condition` is not supported: a policy with one is
// refused as a whole (the connection with it), so nothing is allowed by a condition the emulator cannot judge.

export type IotAction = 'iot:Connect' | 'iot:Publish' | 'iot:RetainPublish' | 'iot:Subscribe' | 'iot:Receive';

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[] | null;
  notActions: string[] | null;
  resources: string[] | null;
  notResources: string[] | null;
}

export interface PolicyDocument {
  statements: PolicyStatement[];
}

export interface RequestContext {
  clientId: string;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** The ARN prefix of every IoT resource locally: the platform's region and account. */
export function iotArn(region: string, accountId: string, resource: string): string {
  return `arn:aws:iot:${region}:${accountId}:${resource}`;
}

const listOf = (value: unknown, what: string): string[] | null => {
  if (value === undefined) return null;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string')) throw new PolicyError(`${what} must be a string or a non-empty list of strings`);
  return list as string[];
};

/** Accepts a policy as an object or as its JSON text (both reach an authorizer's caller); throws PolicyError. */
export function parsePolicy(input: unknown): PolicyDocument {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input) as unknown;
    } catch {
      throw new PolicyError('a policy document is not valid JSON');
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new PolicyError('a policy document must be a JSON object');
  const doc = raw as { Statement?: unknown };
  const rawStatements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? null : [doc.Statement];
  if (!rawStatements || rawStatements.length === 0) throw new PolicyError('a policy document needs a Statement');
  return {
    statements: rawStatements.map((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null) throw new PolicyError(`Statement[${index}] is not an object`);
      const statement = entry as Record<string, unknown>;
      if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') throw new PolicyError(`Statement[${index}].Effect must be Allow or Deny`);
      if (statement.Condition !== undefined) throw new PolicyError(`Statement[${index}] has a Condition, which the local policy evaluator does not support`);
      const parsed: PolicyStatement = {
        effect: statement.Effect,
        actions: listOf(statement.Action, `Statement[${index}].Action`),
        notActions: listOf(statement.NotAction, `Statement[${index}].NotAction`),
        resources: listOf(statement.Resource, `Statement[${index}].Resource`),
        notResources: listOf(statement.NotResource, `Statement[${index}].NotResource`),
      };
      if ((parsed.actions === null) === (parsed.notActions === null)) throw new PolicyError(`Statement[${index}] needs exactly one of Action and NotAction`);
      if ((parsed.resources === null) === (parsed.notResources === null)) throw new PolicyError(`Statement[${index}] needs exactly one of Resource and NotResource`);
      return parsed;
    }),
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const globSource = (text: string) => escapeRegExp(text).replace(/\\\*/g, '.*').replace(/\\\?/g, '.');

/** The resource pattern as a regular expression with its variables filled in, or null when one cannot be resolved. */
function resourcePattern(pattern: string, context: RequestContext): RegExp | null {
  let source = '';
  let last = 0;
  for (const match of pattern.matchAll(/\$\{([^}]*)\}/g)) {
    const name = match[1] as string;
    const value = name === '*' || name === '?' || name === '$' ? name : name.toLowerCase() === 'iot:clientid' ? context.clientId : null;
    if (value === null) return null;
    source += globSource(pattern.slice(last, match.index)) + escapeRegExp(value);
    last = match.index + match[0].length;
  }
  return new RegExp(`^${source}${globSource(pattern.slice(last))}$`);
}

const resourceMatches = (pattern: string, resource: string, context: RequestContext) => resourcePattern(pattern, context)?.test(resource) ?? false;
const actionMatches = (pattern: string, action: string) => new RegExp(`^${globSource(pattern)}$`, 'i').test(action);

function statementApplies(statement: PolicyStatement, action: IotAction, resource: string, context: RequestContext): boolean {
  const actionHit = statement.actions ? statement.actions.some((p) => actionMatches(p, action)) : !(statement.notActions ?? []).some((p) => actionMatches(p, action));
  if (!actionHit) return false;
  return statement.resources
    ? statement.resources.some((p) => resourceMatches(p, resource, context))
    : !(statement.notResources ?? []).some((p) => resourceMatches(p, resource, context));
}

export function isAllowed(policies: PolicyDocument[], action: IotAction, resource: string, context: RequestContext): boolean {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.statements) {
      if (!statementApplies(statement, action, resource, context)) continue;
      if (statement.effect === 'Deny') return false;
      allowed = true;
    }
  }
  return allowed;
}
