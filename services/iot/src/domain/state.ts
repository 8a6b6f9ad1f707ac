// Desired and reported state: documents merged key by key, recursively (null removes a key, arrays and
// other values replace), their delta, and the one version that grows with every change of either.
import type { JsonObject, JsonValue } from './json-document';
import { isJsonObject, jsonBytes, jsonEqual, setOwn } from './json-document';

export const stateLimits = {
  /** UTF-8 bytes of the JSON text, for a request or report and for the merged document. */
  bytes: 8 * 1024,
  /** Nesting levels of the desired document, itself included. */
  desiredDepth: 4,
} as const;

export interface StoredState {
  desired: JsonObject;
  reported: JsonObject;
  /** 0 for a thing with no state yet. */
  version: number;
}

export interface StateView extends StoredState {
  delta: JsonObject;
}

/** The retained message on `things/{thingId}/state/desired`. */
export interface DesiredMessage {
  version: number;
  desired: JsonObject;
}

export const emptyState = (): StoredState => ({ desired: {}, reported: {}, version: 0 });

/** A new document: `patch` merged into `target`; neither input is changed. */
export function mergeDocument(target: JsonObject, patch: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(target)) setOwn(result, key, value);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
      continue;
    }
    if (isJsonObject(value)) {
      const current = Object.hasOwn(result, key) ? result[key] : undefined;
      // Merging into an empty object also drops the nulls nested in a new value.
      setOwn(result, key, mergeDocument(isJsonObject(current) ? current : {}, value));
      continue;
    }
    setOwn<JsonValue>(result, key, value);
  }
  return result;
}

/** The desired keys whose value differs from the reported one; objects on both sides are compared key by key. */
export function stateDelta(desired: JsonObject, reported: JsonObject): JsonObject {
  const delta: JsonObject = {};
  for (const [key, want] of Object.entries(desired)) {
    const have = Object.hasOwn(reported, key) ? reported[key] : undefined;
    if (isJsonObject(want) && isJsonObject(have)) {
      const nested = stateDelta(want, have);
      if (Object.keys(nested).length > 0) setOwn(delta, key, nested);
    } else if (!jsonEqual(want, have)) {
      setOwn(delta, key, want);
    }
  }
  return delta;
}

export function stateView(state: StoredState): StateView {
  return { desired: state.desired, reported: state.reported, delta: stateDelta(state.desired, state.reported), version: state.version };
}

export function desiredMessage(state: StoredState): DesiredMessage {
  return { version: state.version, desired: state.desired };
}

export type StateSide = 'desired' | 'reported';

export type MergeOutcome =
  | { kind: 'changed'; next: StoredState }
  | { kind: 'unchanged' }
  /** The merged document would pass the size limit. */
  | { kind: 'too_large'; bytes: number };

/** Merges a patch into one side; only a real change takes a new version. */
export function applyPatch(state: StoredState, side: StateSide, patch: JsonObject): MergeOutcome {
  const merged = mergeDocument(state[side], patch);
  if (jsonEqual(merged, state[side])) return { kind: 'unchanged' };
  const bytes = jsonBytes(merged);
  if (bytes > stateLimits.bytes) return { kind: 'too_large', bytes };
  return { kind: 'changed', next: { ...state, [side]: merged, version: state.version + 1 } };
}
