// Alert rules and how readings are judged against them. Per rule: a reading whose condition holds starts
// (or continues) a run; once the run has lasted `forSeconds` (0: at once) the rule fires, once; the next
// reading where the condition does not hold ends the run and re-arms the rule. Readings are judged in the
// order of their `ts`: one not later than the last judged one (a redelivery, or a late arrival) is not
// judged. Replacing the rules starts every rule from scratch.
import { setOwn } from './json-document';

export const comparisons = ['gt', 'gte', 'lt', 'lte'] as const;
export type Comparison = (typeof comparisons)[number];

export const alertLimits = { rules: 10, forSeconds: 3600 } as const;

export interface AlertRule {
  id: string;
  metric: string;
  op: Comparison;
  threshold: number;
  forSeconds: number;
}

/** The rules of one thing; `version` grows with every replacement, so state kept for older rules is ignored. */
export interface RuleSet {
  version: number;
  rules: AlertRule[];
}

export interface RuleState {
  /** ts of the last judged reading. */
  lastTs: number;
  /** ts of the first reading of the current run of readings where the condition holds; null outside a run. */
  since: number | null;
  /** Fired during the current run. */
  fired: boolean;
}

/** The judging state of the rules of one metric, kept with that metric's series. */
export interface AlertState {
  rulesVersion: number;
  rules: Record<string, RuleState>;
}

/** What the owner is notified of (the `thing.alert` event's data). */
export interface ThingAlert {
  thingId: string;
  ownerId: string;
  ruleId: string;
  metric: string;
  value: number;
  /** The reading's time, ISO-8601. */
  at: string;
}

/** A firing with its id: the event id, the same however often the firing is published. */
export interface FiredAlert {
  id: string;
  alert: ThingAlert;
}

export const noAlertState = (rulesVersion: number): AlertState => ({ rulesVersion, rules: {} });

export function holds(rule: Pick<AlertRule, 'op' | 'threshold'>, value: number): boolean {
  switch (rule.op) {
    case 'gt':
      return value > rule.threshold;
    case 'gte':
      return value >= rule.threshold;
    case 'lt':
      return value < rule.threshold;
    case 'lte':
      return value <= rule.threshold;
  }
}

export interface JudgedReading {
  thingId: string;
  ownerId: string;
  metric: string;
  ts: number;
  value: number;
}

export interface Judgement {
  state: AlertState;
  fired: FiredAlert[];
  /** False when no rule's state moved (nothing to store). */
  changed: boolean;
}

export function alertId(thingId: string, ruleId: string, rulesVersion: number, ts: number): string {
  return `${thingId}:${ruleId}:${rulesVersion}:${ts}`;
}

/**
 * Judges one reading of `reading.metric` against the rules of that metric. `current` is the state kept
 * with the series; state of another rules version is discarded (the rules were replaced).
 */
export function judge(current: AlertState, ruleSet: RuleSet, reading: JudgedReading): Judgement {
  const fresh = current.rulesVersion !== ruleSet.version;
  const before = fresh ? noAlertState(ruleSet.version) : current;
  const state: AlertState = { rulesVersion: ruleSet.version, rules: { ...before.rules } };
  const fired: FiredAlert[] = [];
  let changed = fresh;
  for (const rule of ruleSet.rules) {
    if (rule.metric !== reading.metric) continue;
    const previous = Object.hasOwn(before.rules, rule.id) ? before.rules[rule.id] : undefined;
    if (previous && reading.ts <= previous.lastTs) continue;
    changed = true;
    if (!holds(rule, reading.value)) {
      setOwn(state.rules, rule.id, { lastTs: reading.ts, since: null, fired: false });
      continue;
    }
    const since = previous?.since ?? reading.ts;
    const due = !(previous?.fired ?? false) && reading.ts - since >= rule.forSeconds * 1000;
    setOwn(state.rules, rule.id, { lastTs: reading.ts, since, fired: (previous?.fired ?? false) || due });
    if (due) {
      fired.push({
        id: alertId(reading.thingId, rule.id, ruleSet.version, reading.ts),
        alert: {
          thingId: reading.thingId,
          ownerId: reading.ownerId,
          ruleId: rule.id,
          metric: reading.metric,
          value: reading.value,
          at: new Date(reading.ts).toISOString(),
        },
      });
    }
  }
  return { state, fired, changed };
}
