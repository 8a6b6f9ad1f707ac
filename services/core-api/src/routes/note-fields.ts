// The fields a client writes on a note, as POST /notes and PATCH /notes/{id} validate them (zod/mini): the limits
// of domain/note-input.ts, counted as people count characters.
import { annotate } from '@photonotes/shared/openapi';
import { codePoints } from '@photonotes/shared/text';
import * as z from 'zod/mini';
import { limits } from '../domain/note-input';

function text(min: number, max: number) {
  return z.string().check(
    z.refine((value) => {
      const length = codePoints(value);
      return length >= min && length <= max;
    }, `must be ${min} to ${max} characters`),
  );
}

const tag = z.string().check(z.trim(), z.toLowerCase(), z.minLength(1, 'tags must not be blank'), z.maxLength(limits.tag));
// Ids become parts of DynamoDB keys, so separators and whitespace are kept out.
const userId = z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'must be a user id'), z.maxLength(limits.userId));

// The length rules count characters as people do (code points), exactly as JSON Schema's minLength/maxLength.
export const noteFields = {
  title: annotate(text(1, limits.title), { minLength: 1, maxLength: limits.title }),
  body: z.optional(annotate(text(0, limits.body), { minLength: 0, maxLength: limits.body })),
  tags: z.optional(z.array(tag).check(z.maxLength(limits.tags))),
  visibility: z.optional(z.enum(['private', 'public'])),
  sharedWith: annotate(z.optional(z.array(userId).check(z.maxLength(limits.sharedWith))), { description: 'User ids who may read the note; each one a write adds must be an existing user (GET /users?email= finds one), else 400 `unknown_user`' }),
  photoKey: annotate(z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(limits.photoKey)))), {
    description: 'A `key` from POST /media/uploads, or null for no photo',
  }),
};
