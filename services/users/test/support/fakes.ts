// In-memory stand-ins for the users service's ports, with the same conditional semantics as the
// DynamoDB and Cognito adapters, so domain tests run in milliseconds.
import type { ProfileChanges } from '../../src/domain/account-fields';
import { IdentityProviderError } from '../../src/domain/identity-provider';
import type { IdentityFailure, IdentityProvider, SignedIn } from '../../src/domain/identity-provider';
import type { ProfileUpdate, SessionRecord, SessionsRepository, StoredUser, UsersRepository } from '../../src/domain/users-store';

export class FakeUsers implements UsersRepository {
  readonly items = new Map<string, StoredUser | { deletedAt: string }>();
  readonly calls: string[] = [];

  seed(user: StoredUser): void {
    this.items.set(user.userId, { ...user });
  }

  live(userId: string): StoredUser | undefined {
    const item = this.items.get(userId);
    return item && !('deletedAt' in item) ? { ...item } : undefined;
  }

  async get(userId: string) {
    return this.live(userId);
  }

  async createIfAbsent(user: StoredUser) {
    this.calls.push(`createIfAbsent ${user.userId}`);
    if (this.items.has(user.userId)) return this.live(user.userId);
    this.items.set(user.userId, { ...user });
    return { ...user };
  }

  async update(userId: string, changes: ProfileChanges, updatedAt: string): Promise<ProfileUpdate> {
    const current = this.live(userId);
    if (!current) return { status: 'missing' };
    if (!(current.updatedAt < updatedAt)) return { status: 'stale', current };
    const next: StoredUser = { ...current, updatedAt };
    if (changes.displayName !== undefined) next.displayName = changes.displayName;
    if (changes.bio !== undefined) next.bio = changes.bio;
    this.items.set(userId, next);
    return { status: 'updated', user: { ...next } };
  }

  async bumpSessionEpoch(userId: string) {
    this.calls.push(`bumpSessionEpoch ${userId}`);
    const current = this.live(userId);
    if (current) this.items.set(userId, { ...current, sessionEpoch: current.sessionEpoch + 1 });
  }

  async markDeleted(userId: string, deletedAt: Date) {
    this.calls.push(`markDeleted ${userId}`);
    this.items.set(userId, { deletedAt: deletedAt.toISOString() });
  }
}

export class FakeSessions implements SessionsRepository {
  readonly records = new Map<string, SessionRecord & { expiresAt: Date }>();

  async record(refreshToken: string, session: SessionRecord, expiresAt: Date) {
    this.records.set(refreshToken, { ...session, expiresAt });
  }

  async find(refreshToken: string, now: Date) {
    const record = this.records.get(refreshToken);
    if (!record || record.expiresAt <= now) return undefined;
    return { userId: record.userId, sessionEpoch: record.sessionEpoch };
  }
}

interface FakeAccount {
  userId: string;
  email: string;
  password: string;
  displayName: string;
  confirmed: boolean;
}

/** A pool of accounts keyed by email; `failNext` makes the next call of one operation fail with a reason. */
export class FakeIdentity implements IdentityProvider {
  readonly accounts = new Map<string, FakeAccount>();
  readonly calls: string[] = [];
  readonly refreshTokens = new Map<string, string>();
  /** Reset codes sent by forgotPassword, by email; a code works once. */
  readonly resetCodes = new Map<string, string>();
  private failures = new Map<keyof IdentityProvider, IdentityFailure | Error>();
  private counter = 0;

  constructor(private readonly options: { autoConfirm: boolean } = { autoConfirm: true }) {}

  failNext(operation: keyof IdentityProvider, failure: IdentityFailure | Error): void {
    this.failures.set(operation, failure);
  }

  private check(operation: keyof IdentityProvider): void {
    this.calls.push(operation);
    const failure = this.failures.get(operation);
    if (failure === undefined) return;
    this.failures.delete(operation);
    throw failure instanceof Error ? failure : new IdentityProviderError(failure, `fake ${failure}`);
  }

  addAccount(account: Omit<FakeAccount, 'confirmed'> & { confirmed?: boolean }): void {
    this.accounts.set(account.email, { confirmed: true, ...account });
  }

  private tokensFor(userId: string) {
    this.counter += 1;
    return { accessToken: `access-${userId}-${this.counter}`, idToken: `id-${userId}-${this.counter}`, expiresIn: 3600 };
  }

  async signUp(input: { email: string; password: string; displayName: string }) {
    this.check('signUp');
    if (this.accounts.has(input.email)) throw new IdentityProviderError('username-exists', 'User already exists');
    const userId = `user-${this.accounts.size + 1}`;
    this.accounts.set(input.email, { userId, ...input, confirmed: this.options.autoConfirm });
    return { userId, confirmed: this.options.autoConfirm };
  }

  async confirmSignUp(email: string) {
    this.check('confirmSignUp');
    const account = this.accounts.get(email);
    if (!account) throw new IdentityProviderError('code-mismatch', 'Invalid code');
    account.confirmed = true;
  }

  async logIn(email: string, password: string): Promise<SignedIn> {
    this.check('logIn');
    const account = this.accounts.get(email);
    if (!account) throw new IdentityProviderError('not-authorized', 'Incorrect username or password.');
    if (account.password !== password) throw new IdentityProviderError('invalid-password', 'Invalid password');
    const refreshToken = `refresh-${account.userId}-${this.counter + 1}`;
    this.refreshTokens.set(refreshToken, account.userId);
    return { userId: account.userId, email, displayName: account.displayName, tokens: { ...this.tokensFor(account.userId), refreshToken } };
  }

  async refresh(refreshToken: string) {
    this.check('refresh');
    const userId = this.refreshTokens.get(refreshToken);
    if (!userId) throw new IdentityProviderError('not-authorized', 'Invalid Refresh Token');
    return { userId, tokens: this.tokensFor(userId) };
  }

  async signOutEverywhere(_accessToken: string) {
    this.check('signOutEverywhere');
  }

  async revokeRefreshToken(refreshToken: string) {
    this.check('revokeRefreshToken');
    if (!this.refreshTokens.delete(refreshToken)) throw new IdentityProviderError('not-authorized', 'Invalid Refresh Token');
  }

  async forgotPassword(email: string) {
    this.check('forgotPassword');
    if (!this.accounts.has(email)) throw new IdentityProviderError('user-not-found', 'User does not exist.');
    this.counter += 1;
    this.resetCodes.set(email, String(100000 + this.counter));
  }

  async confirmForgotPassword(input: { email: string; code: string; newPassword: string }) {
    this.check('confirmForgotPassword');
    const account = this.accounts.get(input.email);
    if (!account) throw new IdentityProviderError('user-not-found', 'User does not exist.');
    if (this.resetCodes.get(input.email) !== input.code) throw new IdentityProviderError('code-mismatch', 'Invalid verification code provided, please try again.');
    this.resetCodes.delete(input.email);
    account.password = input.newPassword;
  }

  async deleteUser(userId: string): Promise<'deleted' | 'not-found'> {
    this.check('deleteUser');
    for (const [email, account] of this.accounts) {
      if (account.userId !== userId) continue;
      this.accounts.delete(email);
      for (const [token, owner] of this.refreshTokens) if (owner === userId) this.refreshTokens.delete(token);
      return 'deleted';
    }
    return 'not-found';
  }
}

/** A clock the test moves by hand. */
export function manualClock(start = '2026-11-28T09:00:00.000Z') {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export function storedUser(overrides: Partial<StoredUser> = {}): StoredUser {
  return {
    userId: 'user-1',
    email: 'ada@example.com',
    displayName: 'Ada',
    bio: '',
    createdAt: '2026-11-28T08:00:00.000Z',
    updatedAt: '2026-11-28T08:00:00.000Z',
    sessionEpoch: 0,
    ...overrides,
  };
}
