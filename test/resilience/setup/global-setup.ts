// The resilience suite's platform: the integration suite's, with its emulator data in a temp directory instead of
// memory, so DynamoDB Local (and the stream positions, dead letters and S3 objects beside it) survive a restart.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform } from '../../setup/global-setup';
import { resilienceProfile } from '../support/profile';

declare global {
  var __RESILIENCE_DATA_DIR__: string | undefined;
}

export default async function globalSetup(): Promise<void> {
  const profile = resilienceProfile();
  // One seed for every file of the run, printed so a failing run can be repeated (RESILIENCE_SEED=<seed>).
  process.env.RESILIENCE_RUN_SEED = String(profile.seed);
  console.log(`\nResilience suite, ${profile.name} profile, seed ${profile.seed} (repeat with RESILIENCE_SEED=${profile.seed})`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'photonotes-resilience-'));
  globalThis.__RESILIENCE_DATA_DIR__ = dataDir;
  await startTestPlatform({ dataDir, name: 'resilience-platform' });
}
