// What a request field's regex (zod's `z.regex`, the JSON Schema `pattern` the document carries) says about its
// length and what a value looks like: an anchored pattern like `^[0-9]{4,10}$` admits at most 10 characters, so the
// document can state `maxLength: 10` without a second, hand-written bound that could drift from the regex.
// The reader knows the subset the route schemas use (classes, escapes, groups, alternation, bounded quantifiers);
// anything else (lookarounds, back-references) gives no facts rather than wrong ones.

export interface PatternFacts {
  /** The longest string the pattern admits, when it is anchored at both ends and bounded. */
  maxLength?: number;
  /** A short string the pattern admits (checked with the pattern itself), for examples. */
  sample?: string;
}

interface Node {
  min: number;
  max: number;
  sample: string;
}

class Unsupported extends Error {}

const preferred = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

/** A readable character of the range [from, to] (a digit or a letter when there is one). */
function pick(from: number, to: number): string {
  for (const run of preferred) {
    for (const char of run) {
      const code = char.codePointAt(0) ?? 0;
      if (code >= from && code <= to) return char;
    }
  }
  return String.fromCodePoint(from);
}

class Reader {
  private i = 0;
  constructor(private readonly source: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.source.length) throw new Unsupported(`unexpected ${this.source[this.i]}`);
    return node;
  }

  private peek(): string | undefined {
    return this.source[this.i];
  }

  private alternation(): Node {
    const branches = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      branches.push(this.sequence());
    }
    const first = branches[0] as Node;
    return { min: Math.min(...branches.map((b) => b.min)), max: Math.max(...branches.map((b) => b.max)), sample: first.sample };
  }

  private sequence(): Node {
    const node: Node = { min: 0, max: 0, sample: '' };
    while (this.i < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.quantified(this.atom());
      node.min += atom.min;
      node.max += atom.max;
      node.sample += atom.sample;
    }
    return node;
  }

  private quantified(atom: Node): Node {
    let low = 1;
    let high = 1;
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?') {
      this.i++;
      [low, high] = next === '*' ? [0, Infinity] : next === '+' ? [1, Infinity] : [0, 1];
    } else if (next === '{') {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.i));
      if (!match) throw new Unsupported('quantifier');
      this.i += match[0].length;
      low = Number(match[1]);
      high = match[2] === undefined ? low : match[3] === '' ? Infinity : Number(match[3]);
    } else {
      return atom;
    }
    if (this.peek() === '?') this.i++; // lazy: the same strings
    const times = Math.min(high, Math.max(low, 1));
    return { min: atom.min * low, max: high === 0 ? 0 : atom.max * high, sample: atom.sample.repeat(times) };
  }

  private atom(): Node {
    const char = this.source[this.i++] ?? '';
    if (char === '(') {
      if (this.source.startsWith('?:', this.i)) this.i += 2;
      else if (this.peek() === '?') throw new Unsupported('lookaround or named group');
      const inner = this.alternation();
      if (this.source[this.i++] !== ')') throw new Unsupported('unclosed group');
      return inner;
    }
    if (char === '[') return this.characterClass();
    if (char === '\\') return this.single(this.escape());
    if (char === '^' || char === '$') throw new Unsupported('anchor inside the pattern');
    if (char === '.') return this.single('a');
    return this.single(char);
  }

  private single(sample: string): Node {
    return { min: 1, max: 1, sample };
  }

  /** The character an escape stands for, or a sample of the set it names. */
  private escape(): string {
    const char = this.source[this.i++] ?? '';
    const hex = /^x([0-9a-fA-F]{2})|^u([0-9a-fA-F]{4})/.exec(this.source.slice(this.i - 1));
    if (hex) {
      this.i += hex[0].length - 1;
      return String.fromCodePoint(parseInt(hex[1] ?? hex[2] ?? '0', 16));
    }
    if (char === 'p' || char === 'P') {
      const property = /^\{([A-Za-z_=]+)\}/.exec(this.source.slice(this.i));
      if (!property) throw new Unsupported('property escape');
      this.i += property[0].length;
      return property[1] === 'N' && char === 'p' ? '1' : 'a';
    }
    if (char === 'd') return '1';
    if (char === 'w' || char === 'S' || char === 'D' || char === 'W') return 'a';
    if (char === 's') return ' ';
    if (/[0-9bBk]/.test(char)) throw new Unsupported('back-reference or boundary');
    return char;
  }

  private characterClass(): Node {
    if (this.peek() === '^') throw new Unsupported('negated class');
    let sample: string | undefined;
    let first = true;
    while (first || this.peek() !== ']') {
      first = false;
      if (this.i >= this.source.length) throw new Unsupported('unclosed class');
      const from = this.classCharacter();
      let to = from;
      if (this.peek() === '-' && this.source[this.i + 1] !== ']') {
        this.i++;
        to = this.classCharacter();
      }
      const choice = from.length === 1 && to.length === 1 ? pick(from.codePointAt(0) ?? 0, to.codePointAt(0) ?? 0) : from;
      // Prefer a digit or letter when another member of the class offers one.
      if (sample === undefined || (!/[0-9A-Za-z]/.test(sample) && /[0-9A-Za-z]/.test(choice))) sample = choice;
    }
    this.i++;
    return this.single(sample ?? 'a');
  }

  private classCharacter(): string {
    const char = this.source[this.i++] ?? '';
    return char === '\\' ? this.escape() : char;
  }
}

/** The facts of a JSON Schema `pattern` (ECMA-262 with the `u` flag, as zod's regexes are). */
export function patternFacts(pattern: string): PatternFacts {
  const anchoredStart = pattern.startsWith('^');
  const anchoredEnd = pattern.endsWith('$') && !pattern.endsWith('\\$');
  const body = pattern.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
  let node: Node;
  try {
    node = new Reader(body).parse();
  } catch (error) {
    if (error instanceof Unsupported) return {};
    throw error;
  }
  const facts: PatternFacts = {};
  if (anchoredStart && anchoredEnd && Number.isFinite(node.max)) facts.maxLength = node.max;
  if (new RegExp(pattern, 'u').test(node.sample)) facts.sample = node.sample;
  return facts;
}
