// The numbers the revocation promise rests on (API.md, DELETE /users/me), read from where they are configured:
// entries outlive every access token issued before a deletion, and the second sweep comes after every request that
// passed the auth chain before the revocation took hold has finished writing.
import path from 'node:path';
import { revocationRetentionMs } from '@photonotes/shared/contracts/revocation-list';
import { refusalDeadlineMs } from '@photonotes/shared/revocations';
import { localFunctions, readYaml, repoRoot } from '../../../../scripts/platform/service-definitions';
import { httpFunctions } from '../../../../scripts/test/support/http-functions';

interface CommonFile {
  provider: { timeout: number };
  params: Record<string, Record<string, unknown>>;
}

const common = readYaml<CommonFile>(path.join(repoRoot, 'serverless.common.yml'));
const users = readYaml<{ resources: { Resources: Record<string, { Properties: Record<string, unknown> }> } }>(path.join(repoRoot, 'services', 'users', 'serverless.yml'));
const stages = Object.keys(common.params).filter((stage) => stage !== 'default');
const param = (stage: string, name: string): number => Number(common.params[stage]?.[name] ?? common.params.default?.[name]);

/** The longest an HTTP request can go on writing after its token was checked: the longest HTTP function timeout. */
const longestRequestSeconds = Math.max(
  ...httpFunctions().map((fn) => {
    const raw = readYaml<{ functions?: Record<string, unknown> }>(path.join(fn.serviceDir, 'serverless.yml'));
    const declared = localFunctions(raw.functions ?? {}, fn.serviceDir)[fn.name] as { timeout?: number } | undefined;
    return declared?.timeout ?? common.provider.timeout;
  }),
);

test('an entry is kept longer than an access token lives, with as much again as margin', () => {
  // Prepare
  const client = users.resources.Resources.UserPoolClient?.Properties as { AccessTokenValidity: number; TokenValidityUnits: { AccessToken: string } };

  // Assess
  expect(client.TokenValidityUnits.AccessToken).toBe('minutes');
  expect(revocationRetentionMs).toBeGreaterThanOrEqual(2 * client.AccessTokenValidity * 60_000);
});

test.each(stages)('%s: the cache keeps answers young enough for refusal within 5 s', (stage) => {
  // Assess
  // One second of the deadline is kept for the read itself (shared/src/revocations.ts).
  expect(param(stage, 'revocationCacheSeconds') * 1000).toBeLessThanOrEqual(refusalDeadlineMs - 1000);
});

test.each(stages)('%s: the sweep comes after the cache and the longest request, with margin', (stage) => {
  // Prepare
  const delay = param(stage, 'accountSweepDelaySeconds');

  // Assess
  expect(delay).toBeGreaterThanOrEqual(param(stage, 'revocationCacheSeconds') + longestRequestSeconds + 5);
  // SQS delays a message at most 15 minutes.
  expect(delay).toBeLessThanOrEqual(900);
});
