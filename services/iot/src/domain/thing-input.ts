// Request schemas of the registry routes (zod/mini): limits from API.md, unknown fields refused.
import * as z from 'zod/mini';
import { paginationQuery } from '@photonotes/shared/validation';
import { codePoints } from '@photonotes/shared/text';
import { objectFrom } from './json-document';
import { attributeKeyPattern, thingLimits } from './thing';

// One line of visible text, trimmed; control characters are invisible in it and harmful in logs.
const name = z.string().check(
  z.trim(),
  z.refine((value) => {
    const length = codePoints(value);
    return length >= 1 && length <= thingLimits.name;
  }, `name must be 1 to ${thingLimits.name} characters`),
  z.regex(/^\P{Cc}*$/u, 'name must not contain control characters'),
);

// Checked entry by entry rather than with z.record: a record schema would turn a "__proto__" key into a
// prototype instead of refusing it.
const attributes = z
  .custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'attributes must be an object')
  .check(
    z.superRefine((value, ctx) => {
      const entries = Object.entries(value);
      if (entries.length > thingLimits.attributes) {
        ctx.issues.push({ code: 'custom', message: `at most ${thingLimits.attributes} attributes`, input: value });
      }
      for (const [key, item] of entries) {
        if (!attributeKeyPattern.test(key)) {
          ctx.issues.push({ code: 'custom', message: 'attribute keys are 1 to 40 of A-Z a-z 0-9 _ . -', path: [key], input: key });
        } else if (typeof item !== 'string' || codePoints(item) > thingLimits.attributeValue) {
          ctx.issues.push({ code: 'custom', message: `attribute values are strings of at most ${thingLimits.attributeValue} characters`, path: [key], input: item });
        }
      }
    }),
  );

const attributesOut = z.pipe(
  attributes,
  z.transform((value: Record<string, unknown>) => objectFrom(Object.entries(value).map(([key, item]) => [key, String(item)] as const))),
);

export const createThingBody = z.strictObject({
  name,
  attributes: z.optional(attributesOut),
});

export const updateThingBody = z
  .strictObject({
    name: z.optional(name),
    attributes: z.optional(attributesOut),
  })
  .check(z.refine((body) => body.name !== undefined || body.attributes !== undefined, 'give name or attributes'));

export const thingIdPath = z.object({ thingId: z.string().check(z.minLength(1), z.maxLength(64)) });

export const listThingsQuery = paginationQuery;

export type CreateThingInput = z.output<typeof createThingBody>;
export type UpdateThingInput = z.output<typeof updateThingBody>;
