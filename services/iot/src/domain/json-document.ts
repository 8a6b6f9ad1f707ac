// JSON documents that clients and devices send as state: plain objects only, measured the way the contract
// counts them (UTF-8 bytes of the JSON text, nesting depth), and built without prototype surprises: a key
// named "__proto__" from JSON.parse is an ordinary key here, never a prototype.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A plain object (an object literal or JSON.parse's), from whichever realm made it. */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}

/** An object or array counts one level, plus its deepest member: `{ a: 1 }` is 1, `{ a: { b: 1 } }` is 2. */
export function jsonDepth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(jsonDepth));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(jsonDepth));
  return 0;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** Sets an own property even when the key is "__proto__". */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function objectFrom<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const result: Record<string, T> = {};
  for (const [key, value] of entries) setOwn(result, key, value);
  return result;
}

/** Structural equality of JSON values (key order does not matter). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}

/** Parses JSON text into a document, or undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
