// Documents the zod schemas of the route modules (src/routes/*.ts) for the OpenAPI document: names that make a
// schema a component, descriptions and JSON Schema keywords, and the compile-time check that a schema describes
// its domain type. The metadata lives in a registry that scripts/openapi reads; handlers bundle these few helpers
// with their route, and nothing here runs per request.
import * as z from 'zod/mini';

export type { Schema } from './http-route';

/**
 * Metadata the generator passes to zod's JSON Schema conversion: an `id` makes a schema a named component
 * (`#/components/schemas/<id>`); any other key (description, example, minLength...) is copied into its JSON
 * Schema. Keyed by schema object, so a route can describe a domain schema without touching it.
 */
export interface SchemaMeta {
  id?: string;
  description?: string;
  [key: string]: unknown;
}

type Schema = z.ZodMiniType;

export const apiSchemas = z.registry<SchemaMeta>();
const namedSchemas = new Map<string, Schema>();

/** Makes `schema` the named component `id` of the document; one name, one schema across all services. */
export function named<S extends Schema>(id: string, schema: S, description?: string): S {
  const existing = namedSchemas.get(id);
  if (existing && existing !== schema) throw new Error(`Two schemas are named ${id}: give one of them another name`);
  namedSchemas.set(id, schema);
  apiSchemas.add(schema, { ...apiSchemas.get(schema), ...(description === undefined ? { id } : { id, description }) });
  return schema;
}

/** Documents `schema` with extra JSON Schema keywords (a refine-based length rule, a description). */
export function annotate<S extends Schema>(schema: S, meta: Omit<SchemaMeta, 'id'>): S {
  apiSchemas.add(schema, { ...apiSchemas.get(schema), ...meta });
  return schema;
}

type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * A schema for the domain type `T`: `describes<Note>()(z.object({...}))` does not compile when the schema's
 * output and `T` differ, so neither a request schema nor the document can drift from the domain's types.
 */
export function describes<T>() {
  return <S extends Schema>(schema: S, ..._mismatch: SameType<z.output<S>, T> extends true ? [] : ['the schema does not describe the type']): S => schema;
}

/** ISO-8601 UTC timestamps, as every date of the API is written. */
export const timestamp = annotate(z.string(), { format: 'date-time', example: '2026-11-28T09:00:00.000Z' });

/** `{ items, nextCursor }`: every paginated list of API.md. */
export function pageOf<S extends Schema>(item: S) {
  return z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
}
