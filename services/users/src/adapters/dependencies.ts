// How the users functions get their dependencies (README, "Wiring a service"): a getter per capability,
// built on first use and kept for the container's life, each reading its own environment variables.
// Getters are function declarations, so esbuild drops the ones a function does not use.
import { optionalEnv, requireEnv } from '@photonotes/shared/env';
import { tableClient } from '@photonotes/shared/dynamodb';
import type { TableClient } from '@photonotes/shared/dynamodb';
import type { DeletionSweeps, Revocations, UserEvents } from '../domain/account-deletion';
import type { IdentityProvider } from '../domain/identity-provider';
import type { SignUpRecords, UnconfirmedSignUps } from '../domain/unconfirmed-sign-ups';
import type { SignUpEvents } from '../domain/profile';
import type { LookupAllowance, UserDirectory } from '../domain/user-lookup';
import { emailLookupsPerHourFrom } from '../domain/user-lookup';
import type { SessionsRepository, UsersRepository } from '../domain/users-store';
import { cognitoClient, cognitoIdentityProvider } from './cognito-identity-provider';
import { cognitoUnconfirmedSignUps, signUpRecords } from './cognito-unconfirmed-sign-ups';
import { deletionSweepsQueue } from './deletion-sweeps-queue';
import { mailOutboxFile } from './mail-outbox-file';
import { revocationsRepository } from './revocations-table';
import { lookupAllowance, userDirectory } from './user-directory';
import { signUpEventsOnTopic, userEventsOnTopic } from './user-events';
import { sessionsRepository, usersRepository } from './users-table';

export function usersTableName(): string {
  return requireEnv('USERS_TABLE');
}

let table: TableClient | undefined;
function usersTable(): TableClient {
  return (table ??= tableClient({ tableName: usersTableName() }));
}

let users: UsersRepository | undefined;
export function usersRepositoryFromEnv(): UsersRepository {
  return (users ??= usersRepository(usersTable()));
}

let sessions: SessionsRepository | undefined;
export function sessionsRepositoryFromEnv(): SessionsRepository {
  return (sessions ??= sessionsRepository(usersTable()));
}

let identity: IdentityProvider | undefined;
/** Cognito (cognito-local in the local stage: COGNITO_ENDPOINT); GlobalSignOut unless COGNITO_GLOBAL_SIGN_OUT is false. */
export function identityProviderFromEnv(): IdentityProvider {
  return (identity ??= cognitoIdentityProvider({
    client: cognitoClient(),
    userPoolId: requireEnv('COGNITO_USER_POOL_ID'),
    clientId: requireEnv('COGNITO_CLIENT_ID'),
    globalSignOut: optionalEnv('COGNITO_GLOBAL_SIGN_OUT', 'true') === 'true',
  }));
}

let unconfirmed: UnconfirmedSignUps | undefined;
/** The pool's unconfirmed sign-ups (the scheduled cleanup). */
export function unconfirmedSignUpsFromEnv(): UnconfirmedSignUps {
  return (unconfirmed ??= cognitoUnconfirmedSignUps({ client: cognitoClient(), userPoolId: requireEnv('COGNITO_USER_POOL_ID') }));
}

export function signUpRecordsFromEnv(): SignUpRecords {
  return signUpRecords(usersTable());
}

/** Where the identity provider publishes its signing keys (COGNITO_JWKS_URL, else the issuer's well-known path). */
export function identityKeysUrl(): string {
  return optionalEnv('COGNITO_JWKS_URL') ?? `${requireEnv('COGNITO_ISSUER')}/.well-known/jwks.json`;
}

let events: UserEvents | undefined;
export function userEventsFromEnv(): UserEvents {
  return (events ??= userEventsOnTopic(requireEnv('USER_EVENTS_TOPIC_ARN')));
}

let revocations: Revocations | undefined;
/** The revocation list the users service publishes (REVOCATIONS_TABLE, the one every auth chain reads). */
export function revocationsFromEnv(): Revocations {
  return (revocations ??= revocationsRepository(tableClient({ tableName: requireEnv('REVOCATIONS_TABLE') })));
}

let sweeps: DeletionSweeps | undefined;
export function deletionSweepsFromEnv(): DeletionSweeps {
  return (sweeps ??= deletionSweepsQueue(requireEnv('ACCOUNT_SWEEPS_QUEUE_URL')));
}

let signUps: SignUpEvents | undefined;
export function signUpEventsFromEnv(): SignUpEvents {
  return (signUps ??= signUpEventsOnTopic(requireEnv('USER_EVENTS_TOPIC_ARN')));
}

/** Local stage only: sign-ups are confirmed and their email verified at once. */
export function autoConfirmSignUps(): boolean {
  return optionalEnv('AUTO_CONFIRM_SIGN_UPS', 'false') === 'true';
}

/** Local stage only: the file the dev platform records cognito-local's outgoing codes in (MAIL_OUTBOX_FILE). */
export function mailOutboxFromEnv(): ReturnType<typeof mailOutboxFile> {
  return mailOutboxFile(requireEnv('MAIL_OUTBOX_FILE'));
}

let directory: UserDirectory | undefined;
/** GET /users?email=: the address index of the users table. */
export function userDirectoryFromEnv(): UserDirectory {
  return (directory ??= userDirectory(usersTable()));
}

let allowance: LookupAllowance | undefined;
/** GET /users?email=: each caller's look-up window, in the users table. */
export function lookupAllowanceFromEnv(): LookupAllowance {
  return (allowance ??= lookupAllowance(usersTable()));
}

/** GET /users?email=: look-ups a caller may make in an hour (param emailLookupsPerHour). */
export function emailLookupsPerHourFromEnv(): number {
  return emailLookupsPerHourFrom(requireEnv('EMAIL_LOOKUPS_PER_HOUR'));
}
