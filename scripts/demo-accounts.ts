// The local stage's demo accounts: created by `npm run seed`, printed by the dev banner, and the account
// `npm run things:simulate` signs in as unless told otherwise. Local-only, with well-known passwords.
export interface DemoAccount {
  key: 'alice' | 'bob';
  email: string;
  password: string;
  displayName: string;
}

export const demoAccounts: DemoAccount[] = [
  { key: 'alice', email: 'alice@example.com', password: 'photonotes1', displayName: 'Alice (demo)' },
  { key: 'bob', email: 'bob@example.com', password: 'photonotes2', displayName: 'Bob (demo)' },
];
