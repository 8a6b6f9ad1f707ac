// The subset of AWS IoT SQL that the local rules engine evaluates. Anything outside it is refused when the
// platform starts (IotSqlError names the construct), never ignored. Supported:
//   SELECT <projection>, ... FROM '<topic filter>' [WHERE <condition>]
//   projection: `*` | <expression> [AS <name>]    (a function or literal needs AS; a field is named by its last part)
//   expression: a payload field (`temp`, `a.b.c`), a literal ('text', 12, -1.5, true, false),
//               topic() | topic(n) | timestamp() | clientid() | encode(*, 'base64')
//   condition:  <expression> =|<>|<|<=|>|>= <expression>, combined with AND, OR, NOT and parentheses
// Semantics, as AWS IoT's: a missing field is Undefined and left out of the result; a comparison of
// different types (or with Undefined) is Undefined, and WHERE passes only on true; `SELECT *` with other
// projections merges the payload object first, later projections win. Payloads: empty counts as `{}`;
// a payload that is not JSON can only be delivered through encode(*, 'base64') (AWS IoT's Lambda action
// cannot take a binary payload): a rule selecting `*` from it does not invoke its function, and its fields are
// Undefined. A JSON payload that is not an object (an array, a number) passes through a lone `SELECT *` only.
import { topicFilterError } from './topics';

export class IotSqlError extends Error {
  constructor(
    readonly construct: string,
    message: string,
  ) {
    super(message);
    this.name = 'IotSqlError';
  }
}

export type Expression =
  | { kind: 'field'; path: string[] }
  | { kind: 'literal'; value: string | number | boolean }
  | { kind: 'topic'; level: number | null }
  | { kind: 'timestamp' }
  | { kind: 'clientid' }
  | { kind: 'encodeBase64' };

export type Projection = { kind: 'all' } | { kind: 'value'; name: string; expression: Expression };
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type Condition =
  | { kind: 'compare'; operator: ComparisonOperator; left: Expression; right: Expression }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition };

export interface IotSqlStatement {
  projections: Projection[];
  topicFilter: string;
  where: Condition | null;
}

type Token = { type: 'word' | 'string' | 'number' | 'symbol'; text: string; at: number };

const symbols = ['<=', '>=', '<>', '!=', '*', ',', '(', ')', '.', '=', '<', '>'];
const keywords = new Set(['SELECT', 'FROM', 'WHERE', 'AS', 'AND', 'OR', 'NOT', 'TRUE', 'FALSE']);

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      const end = sql.indexOf("'", i + 1);
      if (end < 0) throw new IotSqlError('an unterminated string', `unterminated string starting at position ${i}`);
      tokens.push({ type: 'string', text: sql.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const number = /^-?\d+(?:\.\d+)?(?![\w.])/.exec(rest);
    if (number) {
      tokens.push({ type: 'number', text: number[0], at: i });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) {
      tokens.push({ type: 'word', text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const symbol = symbols.find((candidate) => rest.startsWith(candidate));
    if (!symbol) throw new IotSqlError(`"${rest[0]}"`, `"${rest[0]}" at position ${i} is not part of the supported IoT SQL subset`);
    tokens.push({ type: 'symbol', text: symbol, at: i });
    i += symbol.length;
  }
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private isKeyword(token: Token | undefined, keyword: string): boolean {
    return token?.type === 'word' && token.text.toUpperCase() === keyword;
  }

  private unsupported(token: Token | undefined, expected: string): IotSqlError {
    if (!token) return new IotSqlError('an incomplete statement', `the statement ends where ${expected} was expected`);
    const shown = token.type === 'string' ? `'${token.text}'` : token.text;
    return new IotSqlError(`"${shown}"`, `"${shown}" at position ${token.at}: expected ${expected}`);
  }

  private expectKeyword(keyword: string): void {
    const token = this.peek();
    if (!this.isKeyword(token, keyword)) throw this.unsupported(token, keyword);
    this.index += 1;
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token?.type === 'symbol' && token.text === symbol) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.unsupported(this.peek(), `"${symbol}"`);
  }

  statement(): IotSqlStatement {
    this.expectKeyword('SELECT');
    const projections = [this.projection()];
    while (this.acceptSymbol(',')) projections.push(this.projection());
    this.expectKeyword('FROM');
    const from = this.peek();
    if (from?.type !== 'string') throw this.unsupported(from, "a topic filter in single quotes after FROM");
    this.index += 1;
    const filterError = topicFilterError(from.text);
    if (filterError) throw new IotSqlError(`the topic filter '${from.text}'`, `the topic filter '${from.text}' is not valid: ${filterError}`);
    let where: Condition | null = null;
    if (this.isKeyword(this.peek(), 'WHERE')) {
      this.index += 1;
      where = this.condition();
    }
    if (this.peek()) throw this.unsupported(this.peek(), 'the end of the statement');
    return { projections, topicFilter: from.text, where };
  }

  private projection(): Projection {
    if (this.acceptSymbol('*')) return { kind: 'all' };
    const start = this.peek();
    const expression = this.expression();
    if (this.isKeyword(this.peek(), 'AS')) {
      this.index += 1;
      const alias = this.peek();
      if (alias?.type !== 'word' || keywords.has(alias.text.toUpperCase())) throw this.unsupported(alias, 'a name after AS');
      this.index += 1;
      return { kind: 'value', name: alias.text, expression };
    }
    if (expression.kind !== 'field') throw this.unsupported(start, `AS <name> after ${start?.text ?? 'the expression'} (the local rules engine names only fields implicitly)`);
    return { kind: 'value', name: expression.path[expression.path.length - 1] as string, expression };
  }

  private expression(): Expression {
    const token = this.peek();
    if (!token) throw this.unsupported(token, 'an expression');
    if (token.type === 'string') {
      this.index += 1;
      return { kind: 'literal', value: token.text };
    }
    if (token.type === 'number') {
      this.index += 1;
      return { kind: 'literal', value: Number(token.text) };
    }
    if (this.isKeyword(token, 'TRUE') || this.isKeyword(token, 'FALSE')) {
      this.index += 1;
      return { kind: 'literal', value: token.text.toUpperCase() === 'TRUE' };
    }
    if (token.type !== 'word' || keywords.has(token.text.toUpperCase())) throw this.unsupported(token, 'a field, a literal or a supported function');
    this.index += 1;
    if (this.acceptSymbol('(')) return this.call(token);
    const path = [token.text];
    while (this.acceptSymbol('.')) {
      const part = this.peek();
      if (part?.type !== 'word') throw this.unsupported(part, 'a field name after "."');
      this.index += 1;
      path.push(part.text);
    }
    return { kind: 'field', path };
  }

  private call(name: Token): Expression {
    const fn = name.text.toLowerCase();
    if (fn === 'topic') {
      if (this.acceptSymbol(')')) return { kind: 'topic', level: null };
      const level = this.peek();
      if (level?.type !== 'number' || !/^[1-9]\d*$/.test(level.text)) throw this.unsupported(level, 'a level number (1, 2, ...) in topic()');
      this.index += 1;
      this.expectSymbol(')');
      return { kind: 'topic', level: Number(level.text) };
    }
    if (fn === 'timestamp' || fn === 'clientid') {
      this.expectSymbol(')');
      return { kind: fn };
    }
    if (fn === 'encode') {
      this.expectSymbol('*');
      this.expectSymbol(',');
      const encoding = this.peek();
      if (encoding?.type !== 'string' || encoding.text !== 'base64') throw this.unsupported(encoding, "'base64' (the only encoding supported)");
      this.index += 1;
      this.expectSymbol(')');
      return { kind: 'encodeBase64' };
    }
    throw new IotSqlError(`${name.text}()`, `the function ${name.text}() is not in the supported subset (topic, timestamp, clientid, encode(*, 'base64'))`);
  }

  private condition(): Condition {
    let left = this.conjunction();
    while (this.isKeyword(this.peek(), 'OR')) {
      this.index += 1;
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  private conjunction(): Condition {
    let left = this.negation();
    while (this.isKeyword(this.peek(), 'AND')) {
      this.index += 1;
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }

  private negation(): Condition {
    if (this.isKeyword(this.peek(), 'NOT')) {
      this.index += 1;
      return { kind: 'not', operand: this.negation() };
    }
    if (this.acceptSymbol('(')) {
      const inner = this.condition();
      this.expectSymbol(')');
      return inner;
    }
    const left = this.expression();
    const operator = this.peek();
    if (operator?.type !== 'symbol' || !['=', '<>', '<', '<=', '>', '>='].includes(operator.text)) {
      throw this.unsupported(operator, 'a comparison (=, <>, <, <=, >, >=)');
    }
    this.index += 1;
    return { kind: 'compare', operator: operator.text as ComparisonOperator, left, right: this.expression() };
  }
}

/** Parses a rule's SQL; throws IotSqlError naming the first construct outside the supported subset. */
export function parseIotSql(sql: string): IotSqlStatement {
  return new Parser(tokenize(sql)).statement();
}
