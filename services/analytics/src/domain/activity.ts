// Who was active when, exactly once, and since when: newUsers, exact daily activeUsers and the retention cohorts.
// Per actor the store keeps its first day (of an app event) and one marker per day and per week it was active,
// each marker naming the cohort it is counted under. A marker is created with "must not exist" in the same
// transaction as the counters it adds to, and the first day only moves with a condition on its previous value
// (newUsers +1 on the new day, −1 on the old one), so a replayed work, or two works racing, count nothing twice.
//
// A late event (apps send up to 30 days back) can move an actor's first day earlier. Its markers counted under the
// old cohort are then moved to the new one (rehoming): the move flags the actor, any apply that sees the flag
// finishes the job, and a marker moves with a condition on its cohort, so a crash halfway loses nothing.
import type { ActorActivity, CounterDelta, Period } from './aggregate-deltas';
import { mergeCounters } from './aggregate-deltas';
import { mondayOf } from './days';
import type { ActivityMarker, ActivityWrite, ActorState, AggregatesStore } from './ports';
import type { RetryPolicy } from './write-retries';
import { retryConflicts } from './write-retries';

/** Markers per actor per transaction: a month of offline events still fits one (1 + 20 items + their counters). */
export const maxMarkersPerWrite = 20;
/** DynamoDB's item limit of one transaction. */
export const transactionItems = 100;
/** Rounds of read, plan, commit before a work gives up (refusals are concurrent writers; each round settles some). */
const maxRounds = 12;

export interface ActivityDeps {
  store: AggregatesStore;
  retry: RetryPolicy;
}

const markerId = (marker: Pick<ActivityMarker, 'period' | 'start'>) => `${marker.period}#${marker.start}`;

export function cohortOf(period: Period, firstDay: string): string {
  return period === 'day' ? firstDay : mondayOf(firstDay);
}

function askedMarkers(activity: ActorActivity): Array<Pick<ActivityMarker, 'period' | 'start'>> {
  return [...activity.days.map((start) => ({ period: 'day' as const, start })), ...activity.weeks.map((start) => ({ period: 'week' as const, start }))];
}

export interface ActorPlan {
  write: ActivityWrite | undefined;
  /** More markers are missing than one write takes: the actor comes back next round. */
  unfinished: boolean;
  /** Markers of the actor may be counted under a cohort later than its first day's. */
  rehome: boolean;
}

export function planActor(activity: ActorActivity, state: ActorState): ActorPlan {
  const stored = state.firstDay;
  const firstDay = stored === null || activity.earliest < stored ? activity.earliest : stored;
  const existing = new Set(state.markers.map(markerId));
  const missing = askedMarkers(activity).filter((marker) => !existing.has(markerId(marker)));
  const markers = missing.slice(0, maxMarkersPerWrite).map((marker) => ({ ...marker, cohort: cohortOf(marker.period, firstDay) }));
  const moved = stored !== null && firstDay !== stored;
  return {
    write: moved || stored === null || markers.length > 0 ? { actor: activity.actor, expectedFirstDay: stored, firstDay, markers } : undefined,
    unfinished: missing.length > maxMarkersPerWrite,
    rehome: moved || state.rehomePending || state.markers.some((marker) => marker.cohort > cohortOf(marker.period, firstDay)),
  };
}

/** What the writes add: newUsers moved to the new first days, activeUsers per new day marker, the cohort cells. */
export function activityCounters(writes: ActivityWrite[]): CounterDelta[] {
  const deltas: CounterDelta[] = [];
  for (const write of writes) {
    if (write.firstDay !== write.expectedFirstDay) {
      deltas.push({ target: { item: 'day', day: write.firstDay }, add: { newUsers: 1 } });
      if (write.expectedFirstDay !== null) deltas.push({ target: { item: 'day', day: write.expectedFirstDay }, add: { newUsers: -1 } });
    }
    for (const marker of write.markers) {
      if (marker.period === 'day') deltas.push({ target: { item: 'day', day: marker.start }, add: { activeUsers: 1 } });
      deltas.push({ target: { item: 'cohort', period: marker.period, cohort: marker.cohort, active: marker.start }, add: { count: 1 } });
    }
  }
  return mergeCounters(deltas);
}

const itemsOf = (writes: ActivityWrite[]) => writes.reduce((sum, write) => sum + 1 + write.markers.length, 0) + activityCounters(writes).length;

/** Consecutive writes in transactions of at most `transactionItems` items (each actor's item, its markers, the counters). */
export function groupWrites(writes: ActivityWrite[]): ActivityWrite[][] {
  const groups: ActivityWrite[][] = [];
  let group: ActivityWrite[] = [];
  for (const write of writes) {
    if (group.length > 0 && itemsOf([...group, write]) > transactionItems) {
      groups.push(group);
      group = [];
    }
    group.push(write);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/** Commits a group; the actors refused (their state moved since it was read) are left out and answered. */
async function commitGroup(group: ActivityWrite[], deps: ActivityDeps): Promise<string[]> {
  const refused: string[] = [];
  let writes = group;
  while (writes.length > 0) {
    const result = await retryConflicts('activity transaction', deps.retry, () => deps.store.commitActivity(writes, activityCounters(writes)), (r) => r.outcome === 'conflict');
    if (result.outcome !== 'refused') break;
    // A refusal without a culprit would loop forever: then the whole group is read again.
    const culprits = new Set(result.actors.length > 0 ? result.actors : writes.map((write) => write.actor));
    refused.push(...culprits);
    writes = writes.filter((write) => !culprits.has(write.actor));
  }
  return refused;
}

/** Moves the actor's markers still counted under a later cohort than its first day's; settles the flag. */
export async function rehomeActor(actor: string, deps: ActivityDeps): Promise<void> {
  for (let pass = 0; pass < maxRounds; pass++) {
    const [state] = await deps.store.readActors([{ actor, markers: [] }]);
    if (!state?.firstDay) return;
    const firstDay = state.firstDay;
    let stale = false;
    for (const marker of await deps.store.actorMarkers(actor)) {
      const cohort = cohortOf(marker.period, firstDay);
      if (marker.cohort <= cohort) continue;
      const outcome = await retryConflicts('marker rehoming', deps.retry, () => deps.store.rehomeMarker(actor, marker, cohort), (o) => o === 'conflict');
      // Someone else moved it meanwhile, perhaps to a cohort still too late: read again.
      if (outcome === 'refused') stale = true;
    }
    if (!stale) {
      if (state.rehomePending) await deps.store.settleRehome(actor, firstDay);
      return;
    }
  }
  throw new Error(`The markers of ${actor} kept moving while being rehomed`);
}

/** Records the work's activity: first days, markers and their counters, then the rehoming any of it needs. */
export async function recordActivity(activities: ActorActivity[], deps: ActivityDeps): Promise<void> {
  let pending = new Map(activities.map((activity) => [activity.actor, activity]));
  const rehome = new Set<string>();
  for (let round = 0; pending.size > 0; round++) {
    if (round >= maxRounds) throw new Error(`The activity of ${pending.size} actors was still unsettled after ${maxRounds} rounds`);
    const states = await deps.store.readActors([...pending.values()].map((activity) => ({ actor: activity.actor, markers: askedMarkers(activity) })));
    const next = new Map<string, ActorActivity>();
    const writes: ActivityWrite[] = [];
    for (const state of states) {
      const activity = pending.get(state.actor);
      if (!activity) continue;
      const plan = planActor(activity, state);
      if (plan.rehome) rehome.add(state.actor);
      if (plan.write) writes.push(plan.write);
      if (plan.unfinished) next.set(state.actor, activity);
    }
    for (const group of groupWrites(writes)) {
      for (const actor of await commitGroup(group, deps)) next.set(actor, pending.get(actor) as ActorActivity);
    }
    pending = next;
  }
  for (const actor of [...rehome].sort()) await rehomeActor(actor, deps);
}
