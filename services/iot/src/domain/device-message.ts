// What devices publish arrives as bytes: decoded here with a size limit before JSON is parsed, so a 1 MB
// payload costs one length check. A message that fails is dropped with a reason the caller counts.

export type DropReason =
  | 'too_large'
  | 'not_json'
  | 'malformed'
  | 'too_far_in_future'
  | 'too_old'
  | 'rate_limited'
  | 'unknown_thing';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: DropReason; detail?: string };

export const dropped = (reason: DropReason, detail?: string): { ok: false; reason: DropReason; detail?: string } =>
  detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };

/** The payload as published (text or bytes), parsed as JSON when it is at most `maxBytes`. */
export function decodePayload(payload: string | Uint8Array, maxBytes: number): Decoded<unknown> {
  const bytes = typeof payload === 'string' ? Buffer.byteLength(payload, 'utf8') : payload.byteLength;
  if (bytes > maxBytes) return dropped('too_large', `${bytes} bytes`);
  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return dropped('not_json');
  }
}
