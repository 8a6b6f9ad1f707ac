// Concurrent sign-ups on a platform that has not run a Cognito trigger yet: each needs its own worker of the
// PreSignUp and PostConfirmation triggers, and serverless-offline loads a worker's handler inside the invocation's
// timeout (5 s for the triggers), which AWS does not (Lambda's init phase has its own limit). Run on its own (a fresh
// platform) on a busy machine, three concurrent sign-ups answered 500 when the PostConfirmation trigger timed out
// while loading. The platform now loads the triggers' workers before it opens the gateway (scripts/platform/warm-triggers.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { api } from '../../../../test/support/api';
import { uniqueEmail } from '../../../../test/support/users';

test('six concurrent sign-ups (as many as the gateway lets through at once) each answer 201 and confirmed (the first of the platform when this file runs alone)', async () => {
  // Prepare
  const bodies = Array.from({ length: 6 }, (_, i) => ({ email: uniqueEmail(`cold-${i}`), password: `Passw0rd-${randomUUID().slice(0, 8)}`, displayName: `cold ${i}` }));

  // Act
  const answers = await Promise.all(bodies.map((body) => api<{ userId: string; confirmed: boolean }>('/auth/signup', { method: 'POST', body })));

  // Assess
  expect(answers.map((res) => ({ status: res.status, confirmed: res.body.confirmed }))).toEqual(bodies.map(() => ({ status: 201, confirmed: true })));
});

test('the platform loaded the Cognito triggers before it opened the gateway, without a failure', () => {
  // Act
  const log = readFileSync(process.env.TEST_PLATFORM_LOG_FILE ?? '', 'utf8');

  // Assess
  expect(log).toMatch(/platform +\| Cognito triggers loaded in \d+ ms/);
  expect(log).not.toMatch(/warming photonotes-users-local-\w+ failed/);
});
