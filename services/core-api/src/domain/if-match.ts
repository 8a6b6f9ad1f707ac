// `If-Match: <version>` on PATCH and DELETE. The version is also accepted as an entity tag ("3"), since
// GET answers with `ETag: "3"`; `*` only asks that the note exists.
import { ValidationError } from '@photonotes/shared/errors';

const versionTag = /^(?:"([1-9][0-9]{0,14})"|([1-9][0-9]{0,14}))$/;

/** The expected version, or undefined when the header is absent or `*`. A malformed header is a 400. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '*') return undefined;
  const match = versionTag.exec(value);
  const version = match?.[1] ?? match?.[2];
  if (version === undefined) {
    throw new ValidationError('If-Match must be a note version', [
      { location: 'header', path: 'if-match', message: 'must be a positive integer version, e.g. 3', code: 'invalid_if_match' },
    ]);
  }
  return Number(version);
}

export function etag(version: number): string {
  return `"${version}"`;
}
