// The users service's routes for the OpenAPI document (scripts/openapi/generate.ts), with the schemas its
// handlers validate with. Response schemas are checked against the domain types they describe.
import { annotate, defineRoute, describes, healthRoute, named, timestamp } from '@photonotes/shared/openapi';
import type { RouteSpec } from '@photonotes/shared/openapi';
import * as z from 'zod/mini';
import {
  bio,
  confirmSignUpBody,
  displayName,
  logInBody,
  logOutBody,
  password,
  refreshBody,
  signUpBody,
  updateProfileBody,
  userIdPath,
} from './domain/account-fields';
import { docsAssetPath, docsAssets } from './domain/api-docs';
import type { OwnProfile, PublicProfile } from './domain/profile';
import type { LoginResult, RefreshResult } from './domain/sessions';
import type { SignUpResult } from './domain/sign-up';
import type { ServiceName, SystemHealth } from './domain/system-health';

annotate(password, { description: '8..128 characters, at least one letter and one digit, no leading or trailing blank' });
annotate(displayName, { description: 'One line of visible text, trimmed' });
annotate(bio, { description: 'Free text' });

const SignUpResultSchema = named('SignUpResult', describes<SignUpResult>()(z.object({ userId: z.string(), email: z.string(), confirmed: z.boolean() })));

const expiresIn = annotate(z.int(), { description: 'Seconds until the access token expires' });
const LoginResultSchema = named(
  'LoginResult',
  describes<LoginResult>()(
    z.object({ accessToken: z.string(), idToken: z.string(), refreshToken: z.string(), expiresIn, tokenType: z.literal('Bearer') }),
  ),
  'Send `accessToken` as `Authorization: Bearer <accessToken>`; trade `refreshToken` for new tokens at POST /auth/refresh.',
);
const RefreshResultSchema = named(
  'RefreshResult',
  describes<RefreshResult>()(z.object({ accessToken: z.string(), idToken: z.string(), expiresIn, tokenType: z.literal('Bearer') })),
);

const OwnProfileSchema = named(
  'OwnProfile',
  describes<OwnProfile>()(
    z.object({ userId: z.string(), email: z.string(), displayName: z.string(), bio: z.string(), createdAt: timestamp, updatedAt: timestamp }),
  ),
);
const PublicProfileSchema = named(
  'PublicProfile',
  describes<PublicProfile>()(z.object({ userId: z.string(), displayName: z.string(), bio: z.string(), createdAt: timestamp })),
  "Another user's profile: never the email.",
);

const serviceStatus = z.enum(['ok', 'down']);
const SystemHealthSchema = named(
  'SystemHealth',
  describes<SystemHealth>()(
    z.object({
      status: z.enum(['ok', 'degraded']),
      services: z.object({
        users: serviceStatus,
        'core-api': serviceStatus,
        search: serviceStatus,
        notifications: serviceStatus,
        thumbnails: serviceStatus,
      }),
    }),
  ),
);
// The schema names the services one by one; this keeps it in step with the list the route probes.
const _everyServiceListed: ServiceName extends keyof z.output<typeof SystemHealthSchema>['services'] ? true : never = true;

const credentials = { email: 'ada@example.com', password: 'correct-horse-1' };

export const routes: RouteSpec[] = [
  defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'health',
    summary: 'Health of the whole API',
    description: 'Asks every service its own health route.',
    tags: ['health'],
    auth: false,
    responses: {
      200: { description: 'Every service is up', schema: SystemHealthSchema },
      503: { description: 'A service or its storage is down; the failing ones are marked', schema: SystemHealthSchema },
    },
  }),
  healthRoute('users'),
  defineRoute({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    tags: ['docs'],
    auth: false,
    responses: { 200: { description: 'The OpenAPI 3.1 document of the whole API' } },
  }),
  defineRoute({
    method: 'GET',
    path: '/docs',
    operationId: 'getDocsPage',
    summary: 'This page: the document rendered by Swagger UI',
    tags: ['docs'],
    auth: false,
    responses: { 200: { description: 'An HTML page', contentType: 'text/html', schema: z.string() } },
  }),
  defineRoute({
    method: 'GET',
    path: '/docs/assets/{file}',
    operationId: 'getDocsAsset',
    summary: "A Swagger UI file of the docs page",
    description: `One of: ${Object.keys(docsAssets).join(', ')}. Gzipped when the client accepts it.`,
    tags: ['docs'],
    auth: false,
    params: docsAssetPath,
    responses: { 200: { description: 'The file', contentType: '*/*', schema: z.string() } },
    errors: { 404: 'No such file' },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/signup',
    operationId: 'signUp',
    summary: 'Create an account',
    description: 'In the `local` stage the account is confirmed at once (`confirmed: true`); elsewhere a code is emailed (POST /auth/confirm).',
    tags: ['auth'],
    auth: false,
    body: signUpBody,
    bodyExample: { ...credentials, displayName: 'Ada' },
    responses: { 201: { description: 'The account', schema: SignUpResultSchema } },
    errors: {
      400: 'Invalid email, password or display name',
      409: 'An account with this email exists',
      429: 'Too many sign-ups',
      503: 'The account could not be completed; try again',
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/confirm',
    operationId: 'confirmSignUp',
    summary: 'Confirm an account with the emailed code',
    tags: ['auth'],
    auth: false,
    body: confirmSignUpBody,
    bodyExample: { email: credentials.email, code: '123456' },
    responses: { 204: { description: 'Confirmed' } },
    errors: { 400: 'Invalid input, or an invalid or expired code', 429: 'Too many attempts', 503: 'The confirmation could not be completed; try again' },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/login',
    operationId: 'logIn',
    summary: 'Log in',
    tags: ['auth'],
    auth: false,
    body: logInBody,
    bodyExample: credentials,
    responses: { 200: { description: 'Fresh tokens', schema: LoginResultSchema } },
    errors: { 401: 'Wrong email or password (the same answer for both)', 403: 'The email address is not confirmed yet', 429: 'Too many attempts' },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/refresh',
    operationId: 'refreshSession',
    summary: 'Trade a refresh token for a new access token',
    tags: ['auth'],
    auth: false,
    body: refreshBody,
    responses: { 200: { description: 'A new access token and id token', schema: RefreshResultSchema } },
    errors: { 401: 'The refresh token is unknown, expired, or revoked by a logout', 429: 'Too many refreshes' },
  }),
  defineRoute({
    method: 'POST',
    path: '/auth/logout',
    operationId: 'logOut',
    summary: 'Log out everywhere',
    description: 'Every refresh token of the user stops working. Access tokens stay valid until they expire.',
    tags: ['auth'],
    body: logOutBody,
    bodyRequired: false,
    responses: { 204: { description: 'Logged out' } },
  }),
  defineRoute({
    method: 'GET',
    path: '/users/me',
    operationId: 'getOwnProfile',
    summary: 'Your profile',
    tags: ['users'],
    responses: { 200: { description: 'The profile', schema: OwnProfileSchema } },
    errors: { 404: 'The account has no profile (deleted meanwhile)' },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/users/me',
    operationId: 'updateOwnProfile',
    summary: 'Change your display name or bio',
    tags: ['users'],
    body: updateProfileBody,
    bodyExample: { displayName: 'Ada L.', bio: 'Counting engines.' },
    responses: { 200: { description: 'The updated profile', schema: OwnProfileSchema } },
    errors: { 400: 'Invalid or unknown field (email cannot be changed here)', 404: 'The account has no profile', 503: 'Too many concurrent changes; try again' },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/users/me',
    operationId: 'deleteAccount',
    summary: 'Delete your account',
    description: "The account and profile are gone at once; the user's notes, media, devices and notifications are deleted asynchronously.",
    tags: ['users'],
    responses: { 204: { description: 'Deleted' } },
  }),
  defineRoute({
    method: 'GET',
    path: '/users/{userId}',
    operationId: 'getUserProfile',
    summary: "Another user's public profile",
    tags: ['users'],
    params: userIdPath,
    responses: { 200: { description: 'The public profile', schema: PublicProfileSchema } },
    errors: { 404: 'No such user' },
  }),
];
