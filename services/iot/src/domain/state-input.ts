// State documents from apps (PUT desired) and devices (state/reported): plain JSON objects within the
// contract's size and depth limits. Checked as a whole rather than with z.record, which would rebuild the
// object and lose keys such as "__proto__".
import { parseIfMatchVersion } from '@photonotes/shared/if-match';
import * as z from 'zod/mini';
import type { Decoded } from './device-message';
import { decodePayload, dropped } from './device-message';
import type { JsonObject } from './json-document';
import { isJsonObject, jsonBytes, jsonDepth } from './json-document';
import { stateLimits } from './state';

const stateDocument = (depth: number | undefined) =>
  z.custom<JsonObject>(isJsonObject, 'must be an object').check(
    z.superRefine((value, ctx) => {
      const bytes = jsonBytes(value);
      if (bytes > stateLimits.bytes) {
        ctx.issues.push({ code: 'custom', message: `must be at most ${stateLimits.bytes} bytes of JSON (got ${bytes})`, input: value });
      }
      if (depth !== undefined && jsonDepth(value) > depth) {
        ctx.issues.push({ code: 'custom', message: `must be nested at most ${depth} levels deep`, input: value });
      }
    }),
  );

/** `PUT /things/{thingId}/state/desired`. */
export const putDesiredBody = z.strictObject({ desired: stateDocument(stateLimits.desiredDepth) });

export type PutDesiredInput = z.output<typeof putDesiredBody>;

const reportedMessage = z.object({ reported: stateDocument(undefined) });

/** A message on `things/{thingId}/state/reported`: `{ "reported": object }`, at most 8 KB. */
export function parseReportedMessage(payload: string | Uint8Array): Decoded<JsonObject> {
  const decoded = decodePayload(payload, stateLimits.bytes);
  if (!decoded.ok) return decoded;
  const result = z.safeParse(reportedMessage, decoded.value);
  if (!result.success) return dropped('malformed', result.error.issues[0]?.message);
  return { ok: true, value: result.data.reported };
}

/**
 * `If-Match: <version>` on PUT desired: the state version (0 before any state), bare or as an entity tag;
 * `*` or no header asks for nothing. A malformed header is a 400.
 */
export function parseStateIfMatch(header: string | undefined): number | undefined {
  return parseIfMatchVersion(header, { subject: 'a state version', hint: 'a state version, e.g. 3', allowZero: true });
}
