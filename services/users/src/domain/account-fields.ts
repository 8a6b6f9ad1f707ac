// The rules for what a user may type: one set of field schemas for the HTTP routes (src/routes) and the Cognito
// triggers, so a sign-up that reaches Cognito some other way is held to the same limits.
import * as z from 'zod/mini';

// A name is one line of visible text: control characters (C0, DEL, C1) are invisible in it and harmful in logs.
const noControlCharacters = z.regex(/^\P{Cc}*$/u, 'must not contain control characters');

/** Stored and compared lower-case: `Ada@Example.com` and `ada@example.com` are one account. */
export const email = z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email('must be an email address'));

/**
 * The password policy in our words, for an answer about a password the identity provider refused: its own text
 * (Cognito's "Password did not conform with policy: ...") never reaches a client.
 */
export const passwordPolicy = 'must be 8 to 128 characters with at least one letter and one digit, and must not start or end with a blank';

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

// The inputs of the account rules, after validation (emails trimmed and lower-cased, names trimmed). The routes'
// request schemas (src/routes) are checked against these types at compile time.

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
}

export interface ConfirmSignUpInput {
  email: string;
  code: string;
}

export interface LogInInput {
  email: string;
  password: string;
}

export interface ProfileChanges {
  displayName?: string;
  bio?: string;
}
