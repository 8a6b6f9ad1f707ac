// Walks over the operations of an OpenAPI document's paths and the media of their request bodies and responses,
// and resolves a `$ref` to its component: for document.ts (the examples it adds) and the tests that read the document.
import type { Json } from './document';

export type Paths = Record<string, Record<string, Json>>;

/** A media type's entry of a request body or response: its schema and example. */
export interface Media {
  schema?: Json;
  example?: unknown;
}

type Content = Record<string, Media>;

/** The component a `$ref` names in its table: `#/components/schemas/Note` is `schemas.Note`. */
export function component<T>(ref: string, table: Record<string, T>): T | undefined {
  return table[ref.split('/').pop() ?? ''];
}

/** Calls `fn` for every operation, `where` naming it as "POST /notes"; `method` is the document's (lower case). */
export function eachOperation(paths: Paths, fn: (op: Json, where: string, method: string, routePath: string) => void): void {
  for (const [routePath, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) fn(op, `${method.toUpperCase()} ${routePath}`, method, routePath);
  }
}

/**
 * Calls `fn` for every media type of every operation's request body and responses, `where` naming its place as
 * "POST /notes request body" or "POST /notes 201". With `responses` (components.responses), a response that is a
 * `$ref` is walked as the component it names; without, it has no media of its own.
 */
export function eachMedia(paths: Paths, fn: (media: Media, where: string, type: string) => void, responses?: Record<string, Json>): void {
  const walk = (content: Content | undefined, where: string) => {
    for (const [type, media] of Object.entries(content ?? {})) fn(media, where, type);
  };
  eachOperation(paths, (op, where) => {
    walk((op.requestBody as { content?: Content } | undefined)?.content, `${where} request body`);
    for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
      const resolved = responses && typeof response.$ref === 'string' ? component(response.$ref, responses) : response;
      walk((resolved as { content?: Content } | undefined)?.content, `${where} ${status}`);
    }
  });
}
