// The notes operations' dependencies for the Lambda functions, built once per process.
import { randomUUID } from 'node:crypto';
import { requireEnv } from '@photonotes/shared/env';
import { verifyMediaKey } from '@photonotes/shared/media-keys';
import type { NotesDeps } from '../domain/deps';
import { notesRepository } from './notes-repository';

let deps: NotesDeps | undefined;

export function notesDeps(): NotesDeps {
  return (deps ??= {
    notes: notesRepository({ tableName: requireEnv('NOTES_TABLE') }),
    verifyPhotoKey: verifyMediaKey,
    now: () => new Date(),
    newId: randomUUID,
  });
}
