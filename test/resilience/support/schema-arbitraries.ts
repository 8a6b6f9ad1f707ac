// From the JSON schemas of docs/openapi.json to fast-check arbitraries: values the schema accepts (`valid`), values on
// and just past its edges (`edge`), and values it must refuse (`invalid`: wrong types, missing required keys, extra
// keys, over-long strings, out-of-range numbers). Only the keywords the document uses are understood; anything else
// falls back to arbitrary JSON, so a new keyword makes the fuzz wider, never silent.
import fc from 'fast-check';
import type { Arbitrary } from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** Values the fuzz mixes in by property or parameter name: real ids of the caller's and another user's resources. */
export type NameHints = Record<string, readonly string[]>;

const day = 86_400_000;
/** Generated strings stay short unless an edge case asks for the longest one. */
const typicalLength = 40;

function merged(schema: JsonSchema): JsonSchema {
  if (!schema.allOf) return schema;
  const { allOf, ...rest } = schema;
  return allOf.reduce<JsonSchema>((all, part) => ({ ...all, ...merged(part) }), rest);
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties || schema.additionalProperties !== undefined) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

const json = fc.jsonValue({ maxDepth: 3 });

function validString(schema: JsonSchema): Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? 10_000;
  const fits = (value: string) => value.length >= minLength && value.length <= maxLength;
  if (schema.format === 'uuid') return fc.uuid().filter(fits);
  if (schema.format === 'date-time') {
    const now = Date.now();
    return fc.integer({ min: now - 40 * day, max: now + 2 * day }).map((ms) => new Date(ms).toISOString());
  }
  if (schema.format === 'email') return fc.emailAddress().filter((email) => fits(email) && email.length <= 254);
  if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + typicalLength), unit: 'grapheme' });
}

/** Values the schema accepts (with `hints` mixed in for the properties they name). */
export function valid(schema: JsonSchema, hints: NameHints = {}, name?: string): Arbitrary<unknown> {
  const hinted = name !== undefined ? hints[name] : undefined;
  const plain = validUnhinted(merged(schema), hints, name);
  return hinted && hinted.length > 0 ? fc.oneof(plain, fc.constantFrom(...hinted)) : plain;
}

function validUnhinted(schema: JsonSchema, hints: NameHints, name: string | undefined): Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((choice) => valid(choice, hints)));
  switch (typeOf(schema)) {
    case 'string':
      return validString(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = schema.minItems ?? 0;
      const maxLength = Math.min(schema.maxItems ?? 10, minLength + 5);
      // The items of `sharedWith` or `ids` take the array's hints (user ids, notification ids).
      return fc.array(valid(schema.items ?? {}, hints, name), { minLength, maxLength });
    }
    case 'object':
      return validObject(schema, hints);
    default:
      return json;
  }
}

function validObject(schema: JsonSchema, hints: NameHints): Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const named = fc.record(Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, valid(property, hints, key)])), {
    requiredKeys: Object.keys(properties).filter((key) => required.has(key)),
  });
  const extra = schema.additionalProperties;
  if (Object.keys(properties).length > 0 && (extra === undefined || extra === false)) return named;
  // A map (attributes, metrics) or a free object (desired state).
  const keys = schema.propertyNames ? validString({ type: 'string', ...schema.propertyNames }) : fc.string({ minLength: 1, maxLength: 20 });
  const values = typeof extra === 'object' ? valid(extra, hints) : json;
  const dictionary = fc.dictionary(keys, values, { minKeys: schema.minProperties ?? 0, maxKeys: Math.min(schema.maxProperties ?? 8, (schema.minProperties ?? 0) + 8) });
  return fc.tuple(named, dictionary).map(([known, more]) => ({ ...more, ...known }));
}

const longString = (length: number, char = 'a') => char.repeat(Math.max(0, length));

/** Values on the schema's edges: the shortest and longest strings, the extreme numbers, and one step past each. */
export function edge(schema: JsonSchema): Arbitrary<unknown> {
  const flat = merged(schema);
  const values: unknown[] = [];
  switch (typeOf(flat)) {
    case 'string': {
      const min = flat.minLength ?? 0;
      values.push(longString(min), longString(min - 1), '');
      if (flat.maxLength !== undefined) values.push(longString(flat.maxLength), longString(flat.maxLength + 1), longString(flat.maxLength, 'é'), longString(flat.maxLength + 1, '😀'));
      if (flat.format === 'date-time') values.push('1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2026-02-30T00:00:00Z', '2026-11-30', '0000-00-00T00:00:00Z');
      if (flat.format === 'uuid') values.push('00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '00000000-0000-0000-0000-00000000000');
      break;
    }
    case 'integer':
    case 'number': {
      const min = flat.minimum ?? Number.MIN_SAFE_INTEGER;
      const max = flat.maximum ?? Number.MAX_SAFE_INTEGER;
      values.push(min, max, min - 1, max + 1, 0, -0, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2);
      break;
    }
    case 'array': {
      const item = flat.items ?? {};
      const min = flat.minItems ?? 0;
      values.push([], Array.from({ length: min }, () => (typeOf(item) === 'string' ? 'a' : 1)));
      if (flat.maxItems !== undefined) {
        const filler = typeOf(item) === 'object' ? {} : typeOf(item) === 'string' ? 'a' : 1;
        values.push(Array.from({ length: flat.maxItems }, () => filler), Array.from({ length: flat.maxItems + 1 }, () => filler));
      }
      break;
    }
    case 'object': {
      values.push({});
      if (flat.maxProperties !== undefined) values.push(Object.fromEntries(Array.from({ length: flat.maxProperties + 1 }, (_, index) => [`k${index}`, 'v'])));
      break;
    }
    default:
      values.push(null, '', 0);
  }
  if (flat.enum) values.push(...flat.enum, String(flat.enum[0]).toUpperCase(), ` ${String(flat.enum[0])}`);
  return fc.constantFrom(...values);
}

/** A value of another JSON type than the schema's. */
function wrongType(schema: JsonSchema): Arbitrary<unknown> {
  const type = typeOf(merged(schema));
  const others: Array<[string, Arbitrary<unknown>]> = [
    ['string', fc.string({ maxLength: 20 })],
    ['integer', fc.integer()],
    ['number', fc.double()],
    ['boolean', fc.boolean()],
    ['null', fc.constant(null)],
    ['array', fc.array(json, { maxLength: 3 })],
    ['object', fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 })],
  ];
  return fc.oneof(...others.filter(([name]) => name !== type && !(type === 'number' && name === 'integer')).map(([, arbitrary]) => arbitrary));
}

const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'];

/** Values the schema must refuse (or, for the mutations of an object, at least not choke on). */
export function invalid(schema: JsonSchema, hints: NameHints = {}): Arbitrary<unknown> {
  const flat = merged(schema);
  const mutations: Array<Arbitrary<unknown>> = [wrongType(flat), edge(flat)];
  const type = typeOf(flat);
  if (type === 'string') {
    if (flat.maxLength !== undefined) mutations.push(fc.integer({ min: 1, max: 200 }).map((extra) => longString((flat.maxLength ?? 0) + extra)));
    if (flat.pattern || flat.format) mutations.push(fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }));
  }
  if (type === 'array' && flat.items) mutations.push(fc.array(invalid(flat.items, hints), { minLength: 1, maxLength: 3 }));
  if (type === 'object') {
    const properties = Object.entries(flat.properties ?? {});
    const base = validObject(flat, hints);
    for (const key of flat.required ?? []) mutations.push(base.map(({ [key]: _dropped, ...rest }) => rest));
    if (properties.length > 0) {
      mutations.push(
        fc.tuple(base, fc.constantFrom(...properties)).chain(([value, [key, property]]) => invalid(property, hints).map((bad) => ({ ...value, [key]: bad }))),
        fc.tuple(base, fc.oneof(fc.constantFrom(...prototypeKeys), fc.string({ minLength: 1, maxLength: 20 })), json).map(([value, key, extra]) => ({ ...value, [key]: extra })),
      );
    }
  }
  return fc.oneof(...mutations);
}
