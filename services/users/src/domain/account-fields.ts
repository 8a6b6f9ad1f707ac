// The rules for what a user may type: one set of schemas for the HTTP routes and the Cognito triggers,
// so a sign-up that reaches Cognito some other way is held to the same limits.
import * as z from 'zod/mini';

// A name is one line of visible text: control characters (C0, DEL, C1) are invisible in it and harmful in logs.
const noControlCharacters = z.regex(/^\P{Cc}*$/u, 'must not contain control characters');

/** Stored and compared lower-case: `Ada@Example.com` and `ada@example.com` are one account. */
export const email = z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email('must be an email address'));

/** API.md: 8..128 characters, at least one letter and one digit. Cognito refuses leading or trailing blanks. */
export const password = z.string().check(
  z.minLength(8, 'must be at least 8 characters'),
  z.maxLength(128, 'must be at most 128 characters'),
  z.regex(/\p{L}/u, 'must contain a letter'),
  z.regex(/[0-9]/, 'must contain a digit'),
  z.regex(/^\S(?:[\s\S]*\S)?$/, 'must not start or end with a blank'),
);

export const displayName = z.string().check(z.trim(), z.minLength(1), z.maxLength(80), noControlCharacters);

export const bio = z.string().check(z.maxLength(500));

/** Cognito subs are UUIDs; anything outside this shape is refused before it reaches a key. */
export const userId = z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a user id'));

export const signUpBody = z.object({ email, password, displayName });
export type SignUpInput = z.output<typeof signUpBody>;

export const confirmSignUpBody = z.object({ email, code: z.string().check(z.regex(/^[0-9]{4,10}$/, 'must be the code from the email')) });
export type ConfirmSignUpInput = z.output<typeof confirmSignUpBody>;

// Login does not apply the password rules: a stored password predating them must still work, and the
// answer to any bad pair is the same 401.
export const logInBody = z.object({ email, password: z.string().check(z.minLength(1), z.maxLength(256)) });
export type LogInInput = z.output<typeof logInBody>;

export const refreshBody = z.object({ refreshToken: z.string().check(z.minLength(1), z.maxLength(8192)) });
export type RefreshInput = z.output<typeof refreshBody>;

/** "body empty or {}": extra fields are tolerated, as on every route but PATCH. */
export const logOutBody = z.object({});

// Strict: a PATCH with a misspelt or read-only field (email) must not answer 200 with nothing changed.
export const updateProfileBody = z.strictObject({ displayName: z.optional(displayName), bio: z.optional(bio) });
export type ProfileChanges = z.output<typeof updateProfileBody>;

export const userIdPath = z.object({ userId });
