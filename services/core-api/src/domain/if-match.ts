// `If-Match: <version>` on PATCH and DELETE. The version is also accepted as an entity tag ("3"), since
// GET answers with `ETag: "3"`; `*` only asks that the note exists.
import { parseIfMatchVersion } from '@photonotes/shared/if-match';

/** The expected version, or undefined when the header is absent or `*`. A malformed header is a 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  return parseIfMatchVersion(header, { subject: 'a note version', hint: 'a positive integer version, e.g. 3', allowZero: false });
}

export function etag(version: number): string {
  return `"${version}"`;
}
