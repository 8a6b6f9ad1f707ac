// Sign-ups never confirmed are removed by the daily scheduled run, fired here as the platform's EventBridge
// stand-in fires it (scripts/platform/delivery/schedules.ts), for a time 7 days after the older of two
// unconfirmed sign-ups: that one goes, the younger one and a confirmed account stay.
import { AdminGetUserCommand, CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { randomUUID } from 'node:crypto';
import { deadLetterDir, localAsyncDeps } from '../../../../scripts/platform/delivery';
import { loadConsumers, type ScheduleConsumer } from '../../../../scripts/platform/delivery/consumers';
import { DeadLetterStore } from '../../../../scripts/platform/delivery/dead-letters';
import { localLambdaInvoker } from '../../../../scripts/platform/delivery/lambda-invoke';
import { runScheduled } from '../../../../scripts/platform/delivery/schedules';
import { localCredentials, localRegion } from '../../../../scripts/platform/emulators';
import { loadServiceDefinitions } from '../../../../scripts/platform/service-definitions';
import { createTestUser, uniqueEmail } from '../../../../test/support/users';
import { cognitoSettings } from '../support/local-platform';

jest.setTimeout(60_000);

const services = loadServiceDefinitions();
const lambda = localLambdaInvoker(services);
const { issuer, clientId, userPoolId } = cognitoSettings();
const cognito = new CognitoIdentityProviderClient({ endpoint: new URL(issuer).origin, region: localRegion, credentials: localCredentials });
const dayMs = 24 * 60 * 60 * 1000;

afterAll(() => {
  lambda.destroy();
  cognito.destroy();
});

/** A sign-up straight at Cognito that declines the local stage's auto-confirmation: it stays UNCONFIRMED, as deployed. */
async function unconfirmedSignUp(): Promise<{ userId: string; createdAt: Date }> {
  const out = await cognito.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: uniqueEmail('unconfirmed'),
      Password: `Passw0rd-${randomUUID().slice(0, 8)}`,
      UserAttributes: [{ Name: 'name', Value: 'Never Confirmed' }],
      ClientMetadata: { autoConfirm: 'false' },
    }),
  );
  if (!out.UserSub) throw new Error('no user sub');
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: out.UserSub }));
  if (user.UserStatus !== 'UNCONFIRMED' || !user.UserCreateDate) throw new Error(`expected an unconfirmed user, got ${user.UserStatus}`);
  return { userId: out.UserSub, createdAt: user.UserCreateDate };
}

async function statusOf(userId: string): Promise<string> {
  try {
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: userId }));
    return user.UserStatus ?? 'unknown';
  } catch (err) {
    if (err instanceof Error && err.name === 'UserNotFoundException') return 'gone';
    throw err;
  }
}

describe('the daily removal of unconfirmed sign-ups', () => {
  it('removes an account unconfirmed for more than 7 days and keeps a younger one and confirmed ones', async () => {
    // Prepare
    const confirmed = await createTestUser('confirmed-early');
    const older = await unconfirmedSignUp();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const younger = await unconfirmedSignUp();
    // Between the two: the older one is past 7 days, the younger one not yet.
    const at = new Date(older.createdAt.getTime() + 7 * dayMs + (younger.createdAt.getTime() - older.createdAt.getTime()) / 2);
    const consumer = loadConsumers(services).find((c): c is ScheduleConsumer => c.source === 'schedule' && c.id === 'users.removeUnconfirmedSignUps');
    if (!consumer) throw new Error('users.removeUnconfirmedSignUps is not a scheduled function');

    // Act
    const result = await runScheduled(
      consumer,
      localAsyncDeps({ invoke: lambda.invoke, deadLetters: new DeadLetterStore(deadLetterDir(process.env.TEST_PLATFORM_DATA_DIR as string)), log: () => undefined }),
      { at },
    );

    // Assess
    expect(result).toBe('delivered');
    expect(await statusOf(older.userId)).toBe('gone');
    expect(await statusOf(younger.userId)).toBe('UNCONFIRMED');
    expect(await statusOf(confirmed.userId)).toBe('CONFIRMED');
  });
});
