// How much the resilience suite does: `full` (npm run test:resilience) or `short` (CI: npm run test:resilience --
// --short). Every figure can be overridden from the environment (RESILIENCE_<NAME>, e.g. RESILIENCE_LOAD_USERS=100).
export type ProfileName = 'short' | 'full';

export interface ResilienceProfile {
  name: ProfileName;
  /** fast-check runs per API operation (valid, boundary and invalid requests together). */
  fuzzRunsPerOperation: number;
  /** Simulated app users and seconds of the load run. */
  loadUsers: number;
  loadSeconds: number;
  /** Simulated things publishing telemetry during the load run. */
  loadThings: number;
  /** Seconds of load during which faults are injected (the drills' window; the workload runs until they are over). */
  faultSeconds: number;
  /** Simulated app users and things of the workload the faults are injected into. */
  faultUsers: number;
  faultThings: number;
  /** The seed of every generator; printed on failure so a run can be repeated. */
  seed: number;
}

const profiles: Record<ProfileName, Omit<ResilienceProfile, 'name' | 'seed'>> = {
  full: { fuzzRunsPerOperation: 200, loadUsers: 50, loadSeconds: 60, loadThings: 50, faultSeconds: 90, faultUsers: 20, faultThings: 20 },
  short: { fuzzRunsPerOperation: 50, loadUsers: 10, loadSeconds: 15, loadThings: 10, faultSeconds: 30, faultUsers: 5, faultThings: 5 },
};

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[`RESILIENCE_${name}`];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`RESILIENCE_${name} must be a non-negative number, got "${raw}"`);
  return value;
}

export function resilienceProfile(): ResilienceProfile {
  const name: ProfileName = process.env.RESILIENCE_PROFILE === 'full' ? 'full' : 'short';
  const base = profiles[name];
  return {
    name,
    fuzzRunsPerOperation: numberFromEnv('FUZZ_RUNS', base.fuzzRunsPerOperation),
    loadUsers: numberFromEnv('LOAD_USERS', base.loadUsers),
    loadSeconds: numberFromEnv('LOAD_SECONDS', base.loadSeconds),
    loadThings: numberFromEnv('LOAD_THINGS', base.loadThings),
    faultSeconds: numberFromEnv('FAULT_SECONDS', base.faultSeconds),
    faultUsers: numberFromEnv('FAULT_USERS', base.faultUsers),
    faultThings: numberFromEnv('FAULT_THINGS', base.faultThings),
    seed: numberFromEnv('SEED', Number(process.env.RESILIENCE_RUN_SEED ?? Date.now() % 2 ** 31)),
  };
}
