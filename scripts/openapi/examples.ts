// Examples for the request bodies and responses a route does not give one for, built from their JSON Schema:
// each keyword's own example or default first, then a value of its format or pattern (pattern-facts.ts).
// A unit test validates every example of the document against its schema, hand-written and built alike.
import type { Json } from './document';
import { patternFacts } from './pattern-facts';
import { component } from './walk';

const formatExamples: Record<string, string> = {
  'date-time': '2026-11-28T09:00:00.000Z',
  date: '2026-11-28',
  uuid: '3f0c6a52-3f0e-4a8e-9a55-0d2c7c2b8f41',
  email: 'ada@example.com',
  uri: 'https://api.example.com/resource',
  url: 'https://api.example.com/resource',
};

export class ExampleBuilder {
  constructor(private readonly components: Record<string, Json>) {}

  /** A value the schema accepts; `name` (a property's) words a plain string. */
  build(schema: Json, name = 'value', depth = 0): unknown {
    if (depth > 40) throw new Error('example: the schema nests too deep (a recursive component?)');
    if (schema.example !== undefined) return schema.example;
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if (schema.const !== undefined) return schema.const;
    if (schema.default !== undefined) return schema.default;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
    if (typeof schema.$ref === 'string') {
      const named = component(schema.$ref, this.components);
      if (!named) throw new Error(`example: unknown ${schema.$ref}`);
      return this.build(named, name, depth + 1);
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const options = schema[key];
      if (Array.isArray(options)) {
        const nonNull = (options as Json[]).find((option) => option.type !== 'null') ?? (options[0] as Json);
        return this.build(nonNull, name, depth + 1);
      }
    }
    if (Array.isArray(schema.allOf)) return Object.assign({}, ...(schema.allOf as Json[]).map((part) => this.build(part, name, depth + 1)));
    const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
    switch (type) {
      case 'object':
        return this.object(schema, depth);
      case 'array': {
        const items = (schema.items ?? {}) as Json;
        const count = Math.max(typeof schema.minItems === 'number' ? schema.minItems : 1, 1);
        const limited = typeof schema.maxItems === 'number' ? Math.min(count, schema.maxItems) : count;
        return Array.from({ length: limited }, () => this.build(items, name, depth + 1));
      }
      case 'string':
        return this.string(schema, name);
      case 'integer':
      case 'number':
        return typeof schema.minimum === 'number' ? Math.max(schema.minimum, Math.min(1, typeof schema.maximum === 'number' ? schema.maximum : 1)) : 1;
      case 'boolean':
        return true;
      case 'null':
        return null;
      default:
        return {};
    }
  }

  private object(schema: Json, depth: number): Json {
    const out: Json = {};
    for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, Json>)) out[key] = this.build(property, key, depth + 1);
    return out;
  }

  private string(schema: Json, name: string): string {
    if (typeof schema.format === 'string' && formatExamples[schema.format]) return formatExamples[schema.format] as string;
    if (typeof schema.pattern === 'string') {
      const { sample } = patternFacts(schema.pattern);
      if (sample !== undefined && sample.length >= (typeof schema.minLength === 'number' ? schema.minLength : 0)) return sample;
      throw new Error(`example: give the string "${name}" (pattern ${schema.pattern}) an example`);
    }
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    const text = name.padEnd(min, '-');
    return text.length <= max ? text : text.slice(0, max);
  }
}
