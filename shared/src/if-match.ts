// `If-Match: <version>` on conditional writes (notes, thing state): the version bare or as an entity tag
// ("3", as GET answers in ETag); `*` or no header asks for nothing. A malformed header is a 400.
import { ValidationError } from './errors';

export interface IfMatchRule {
  /** What the version counts, for the error: "a note version". */
  subject: string;
  /** How a valid value looks, for the error's detail: "a positive integer version, e.g. 3". */
  hint: string;
  /** Whether 0 is a version (thing state starts at 0; notes at 1). */
  allowZero: boolean;
}

const positiveTag = /^(?:"([1-9][0-9]{0,14})"|([1-9][0-9]{0,14}))$/;
const nonNegativeTag = /^(?:"(0|[1-9][0-9]{0,14})"|(0|[1-9][0-9]{0,14}))$/;

/**
 * The header as the document states it, from the very regexes parseIfMatchVersion applies (HTTP drops the blanks
 * around a header value before it arrives): `*`, or the version bare or quoted.
 */
export function ifMatchHeaderSchema(allowZero: boolean): Record<string, unknown> {
  const tag = (allowZero ? nonNegativeTag : positiveTag).source.replace(/^\^/, '').replace(/\$$/, '');
  return { type: 'string', pattern: `^(?:\\*|${tag})$` };
}

/** The expected version, or undefined when the header is absent or `*`. */
export function parseIfMatchVersion(header: string | undefined, rule: IfMatchRule): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = (rule.allowZero ? nonNegativeTag : positiveTag).exec(value);
  const version = match?.[1] ?? match?.[2];
  if (version === undefined) {
    throw new ValidationError(`If-Match must be ${rule.subject}`, [{ location: 'header', path: 'if-match', message: `must be ${rule.hint}`, code: 'invalid_if_match' }]);
  }
  return Number(version);
}
