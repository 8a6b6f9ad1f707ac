// Evaluates a parsed IoT SQL statement (see iot-sql.ts for the subset and its semantics) against one message.
import type { Condition, Expression, IotSqlStatement } from './iot-sql';
import { topicMatches } from './topics';

export interface IotMessage {
  topic: string;
  payload: Buffer;
  /** The publishing MQTT client; null when the message did not come over MQTT (data plane, lifecycle events). */
  clientId: string | null;
}

export type RuleOutcome =
  | { kind: 'skip' }
  | { kind: 'invoke'; event: unknown }
  /** The rule matched but AWS IoT's Lambda action could not deliver the result (a binary payload). */
  | { kind: 'undeliverable'; reason: string };

type Document = { kind: 'json'; value: unknown } | { kind: 'binary' };

/** Empty counts as `{}` (AWS IoT adds projections to an empty payload); anything that is not JSON is binary. */
export function readPayload(payload: Buffer): Document {
  if (payload.length === 0) return { kind: 'json', value: {} };
  try {
    return { kind: 'json', value: JSON.parse(payload.toString('utf8')) as unknown };
  } catch {
    return { kind: 'binary' };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

interface Scope {
  message: IotMessage;
  document: Document;
  now: number;
}

function field(document: Document, path: string[]): unknown {
  if (document.kind === 'binary') return undefined;
  let node: unknown = document.value;
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function value(expression: Expression, scope: Scope): unknown {
  switch (expression.kind) {
    case 'field':
      return field(scope.document, expression.path);
    case 'literal':
      return expression.value;
    case 'topic':
      return expression.level === null ? scope.message.topic : scope.message.topic.split('/')[expression.level - 1];
    case 'timestamp':
      return scope.now;
    case 'clientid':
      // AWS IoT: "n/a" when the message was not sent over MQTT.
      return scope.message.clientId ?? 'n/a';
    case 'encodeBase64':
      return scope.message.payload.toString('base64');
  }
}

/** true, false, or undefined (IoT SQL's Undefined): only true lets a message through WHERE. */
function test(condition: Condition, scope: Scope): boolean | undefined {
  switch (condition.kind) {
    case 'not': {
      const inner = test(condition.operand, scope);
      return inner === undefined ? undefined : !inner;
    }
    case 'and': {
      const left = test(condition.left, scope);
      const right = test(condition.right, scope);
      if (left === false || right === false) return false;
      return left === true && right === true ? true : undefined;
    }
    case 'or': {
      const left = test(condition.left, scope);
      const right = test(condition.right, scope);
      if (left === true || right === true) return true;
      return left === false && right === false ? false : undefined;
    }
    case 'compare': {
      const left = value(condition.left, scope);
      const right = value(condition.right, scope);
      const comparable = (typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string');
      if (condition.operator === '=' || condition.operator === '<>') {
        if (!comparable && !(typeof left === 'boolean' && typeof right === 'boolean')) return undefined;
        return condition.operator === '=' ? left === right : left !== right;
      }
      if (!comparable) return undefined;
      const [a, b] = [left as number | string, right as number | string];
      if (condition.operator === '<') return a < b;
      if (condition.operator === '<=') return a <= b;
      if (condition.operator === '>') return a > b;
      return a >= b;
    }
  }
}

export function evaluateRule(statement: IotSqlStatement, message: IotMessage, now = Date.now()): RuleOutcome {
  if (!topicMatches(statement.topicFilter, message.topic)) return { kind: 'skip' };
  const scope: Scope = { message, document: readPayload(message.payload), now };
  if (statement.where && test(statement.where, scope) !== true) return { kind: 'skip' };

  const [first] = statement.projections;
  if (statement.projections.length === 1 && first?.kind === 'all') {
    if (scope.document.kind === 'binary') return { kind: 'undeliverable', reason: "the payload is not JSON, and AWS IoT's Lambda action does not take binary payloads (select encode(*, 'base64') to receive it)" };
    return { kind: 'invoke', event: scope.document.value };
  }
  const event: Record<string, unknown> = {};
  for (const projection of statement.projections) {
    if (projection.kind === 'all') {
      if (scope.document.kind === 'binary' || !isObject(scope.document.value)) {
        return { kind: 'undeliverable', reason: 'the payload is not a JSON object, so `*` cannot be merged with other projections' };
      }
      Object.assign(event, scope.document.value);
      continue;
    }
    const result = value(projection.expression, scope);
    if (result !== undefined) event[projection.name] = result;
  }
  return { kind: 'invoke', event };
}
