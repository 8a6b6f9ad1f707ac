// Request schemas of the notes routes (zod/mini): limits from API.md, unknown fields refused, so nobody can
// smuggle in ownerId, version or createdAt.
import * as z from 'zod/mini';
import { cursorParam, limitParam } from '@photonotes/shared/validation';

export const limits = {
  title: 200,
  body: 20_000,
  tags: 20,
  tag: 40,
  sharedWith: 50,
  userId: 128,
  photoKey: 512,
} as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Note ids are UUIDs, compared lower-case. */
export function normaliseNoteId(value: string): string | undefined {
  const id = value.toLowerCase();
  return uuidPattern.test(id) ? id : undefined;
}

// "Characters" as people count them: an emoji is one, not two UTF-16 units.
function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

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

const noteFields = {
  title: text(1, limits.title),
  body: z.optional(text(0, limits.body)),
  tags: z.optional(z.array(tag).check(z.maxLength(limits.tags))),
  visibility: z.optional(z.enum(['private', 'public'])),
  sharedWith: z.optional(z.array(userId).check(z.maxLength(limits.sharedWith))),
  photoKey: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(limits.photoKey)))),
};

export const createNoteBody = z.strictObject({
  id: z.optional(z.string().check(z.toLowerCase(), z.regex(uuidPattern, 'must be a UUID'))),
  ...noteFields,
});

export const updateNoteBody = z
  .strictObject({ ...noteFields, title: z.optional(noteFields.title) })
  .check(z.refine((body) => Object.keys(body).length > 0, 'at least one field must be given'));

export const noteIdPath = z.object({ id: z.string() });

export const listNotesQuery = z.object({
  scope: z._default(z.enum(['own', 'shared']), 'own'),
  limit: limitParam,
  cursor: cursorParam,
});

export const syncQuery = z.object({ cursor: cursorParam });

export type CreateNoteInput = z.output<typeof createNoteBody>;
export type UpdateNoteInput = z.output<typeof updateNoteBody>;
export type ListNotesInput = z.output<typeof listNotesQuery>;
