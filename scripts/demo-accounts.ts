// The local stage's demo accounts: created by `npm run seed`, printed by the dev banner, and the account
// `npm run things:simulate` signs in as unless told otherwise. Local-only, with well-known passwords.
import type { UserGroup } from '@photonotes/shared/auth';

export interface DemoAccount {
  key: 'alice' | 'bob' | 'admin';
  email: string;
  password: string;
  displayName: string;
  /** User pool groups the seed adds the account to (API.md: the local seed creates one admin). */
  groups?: UserGroup[];
}

export const demoAccounts: DemoAccount[] = [
  { key: 'alice', email: 'alice@example.com', password: 'photonotes1', displayName: 'Alice (demo)' },
  { key: 'bob', email: 'bob@example.com', password: 'photonotes2', displayName: 'Bob (demo)' },
  { key: 'admin', email: 'admin@example.com', password: 'photonotes3', displayName: 'Admin (demo)', groups: ['admins'] },
];

/** `email / password`, and the account's groups when it has any: how the banner and the seed print an account. */
export function describeDemoAccount(account: DemoAccount): string {
  return `${account.email} / ${account.password}${account.groups?.length ? ` (${account.groups.join(', ')})` : ''}`;
}
