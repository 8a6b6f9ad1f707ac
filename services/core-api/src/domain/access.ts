// Who may see or change a note, as errors: invisible is 404 (no existence leaks), visible but not yours is 403.
import { ConflictError, ForbiddenError, NotFoundError, PreconditionFailedError, ValidationError } from '@photonotes/shared/errors';
import type { Caller } from './deps';
import { canView, isOwner, toNote } from './note';
import type { StoredNote } from './note';
import { normaliseNoteId } from './note-input';

export function noteNotFound(): NotFoundError {
  return new NotFoundError('Note not found');
}

/** Ids that are not UUIDs cannot name a note: a 404 like any other unknown id. */
export function parseNoteId(raw: string): string {
  const id = normaliseNoteId(raw);
  if (id === undefined) throw noteNotFound();
  return id;
}

export function assertCanView(note: StoredNote | undefined, caller: Caller): asserts note is StoredNote {
  if (!note || !canView(note, caller.userId)) throw noteNotFound();
}

export function assertCanChange(note: StoredNote | undefined, caller: Caller): asserts note is StoredNote {
  assertCanView(note, caller);
  if (!isOwner(note, caller.userId)) throw new ForbiddenError('Only the owner may change this note');
}

export function assertVersion(note: StoredNote, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && note.version !== expectedVersion) throw staleVersion(note);
}

export function staleVersion(current: StoredNote): PreconditionFailedError {
  return new PreconditionFailedError('The note has changed: If-Match does not name its current version', [{ current: toNote(current) }]);
}

export function invalidPhotoKey(): ValidationError {
  return new ValidationError('Request validation failed', [
    { location: 'body', path: 'photoKey', message: 'must be a key you received from POST /media/uploads', code: 'invalid_photo_key' },
  ]);
}

/** One change is one transaction: a note, a copy per sharee and the feed entry must fit DynamoDB's limits. */
export function tooManyShareChanges(): ValidationError {
  return new ValidationError('Request validation failed', [
    {
      location: 'body',
      path: 'sharedWith',
      message: 'this change is too large to apply at once: add or remove fewer users in one request, or shorten the note',
      code: 'change_too_large',
    },
  ]);
}

export function keepsChanging(): ConflictError {
  return new ConflictError('The note is being changed by other requests; try again');
}
