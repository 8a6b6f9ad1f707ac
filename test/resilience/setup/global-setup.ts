// The resilience suite's platform: the integration suite's, with its emulator data in a temp directory instead of
// memory, so DynamoDB Local (and the stream positions, dead letters and S3 objects beside it) survive a restart, and
// with fault drills (scripts/platform/faults.ts) that test files drive over FAULT_CONTROL_URL.
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform } from '../../setup/global-setup';
import { resilienceProfile } from '../support/profile';
import { startFaultControlServer } from './fault-control-server';

declare global {
  var __RESILIENCE_DATA_DIR__: string | undefined;
  var __FAULT_CONTROL__: { close(): Promise<void> } | undefined;
}

/**
 * Where the run's emulator data goes: a RAM-backed directory where the system has one (Linux's /dev/shm), else the
 * temp dir. The drills restart processes, never the machine, so memory keeps the data as well as a disk does; on
 * disk, DynamoDB Local (SQLite) syncs every item it writes, ~70 ms each on a shared disk under the full load
 * profile, one after another, which held the search index a minute behind the writes (README, Resilience suite).
 * RESILIENCE_DATA_ROOT picks another place.
 */
function dataRoot(): string {
  const chosen = process.env.RESILIENCE_DATA_ROOT;
  if (chosen) return chosen;
  return existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
}

export default async function globalSetup(): Promise<void> {
  const profile = resilienceProfile();
  // One seed for every file of the run, printed so a failing run can be repeated (RESILIENCE_SEED=<seed>).
  process.env.RESILIENCE_RUN_SEED = String(profile.seed);
  console.log(`\nResilience suite, ${profile.name} profile, seed ${profile.seed} (repeat with RESILIENCE_SEED=${profile.seed})`);
  const dataDir = mkdtempSync(path.join(dataRoot(), 'photonotes-resilience-'));
  globalThis.__RESILIENCE_DATA_DIR__ = dataDir;
  const platform = await startTestPlatform({ dataDir, name: 'resilience-platform', faultDrills: true });
  if (!platform.faults) throw new Error('the resilience platform started without fault drills');
  const control = await startFaultControlServer(platform.faults);
  globalThis.__FAULT_CONTROL__ = control;
  process.env.FAULT_CONTROL_URL = control.url;
}
