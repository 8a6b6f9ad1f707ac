// EventBridge's part for `schedule` events: every enabled rule fires its function at its rate, with the event
// EventBridge sends (`detail-type: Scheduled Event`, `time` = the scheduled time) or the rule's `input`, by
// asynchronous invocation (the function's retries, then the dead-letter store). serverless-offline's own scheduler
// is switched off under the platform (scripts/serverless/platform-schedules.cjs). `runScheduled` fires one rule at a
// given time, which is how tests and `npm run schedule` make a daily job run now, or as of a later day.
import { randomUUID } from 'node:crypto';
import { localAccountId, localRegion } from '../emulators';
import { invokeAsync, type AsyncInvokeDeps, type AsyncResult } from './async-invoke';
import { lambdaName, type ScheduleConsumer, type ScheduleRule } from './consumers';

const unitMs: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A rate expression's period; cron expressions are not played locally (the start stops, naming the rule). */
export function ratePeriodMs(expression: string): number {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match?.[1] || !match[2]) throw new Error(`The local scheduler plays rate(<n> minute|hour|day) expressions only, not "${expression}"`);
  const value = Number(match[1]);
  // EventBridge wants the singular for 1 and the plural otherwise; the period is the same either way.
  if (value < 1) throw new Error(`A rate must be at least 1: "${expression}"`);
  return value * (unitMs[match[2].replace(/s$/, '')] as number);
}

/** EventBridge's time format: whole seconds, `Z`. */
function eventTime(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** The event a rule's target receives at `at`: its `input` when set, else the scheduled event. */
export function scheduledEvent(consumer: ScheduleConsumer, ruleIndex: number, at: Date): unknown {
  const rule = consumer.rules[ruleIndex];
  if (!rule) throw new Error(`${consumer.id} has no schedule rule ${ruleIndex}`);
  if (rule.input !== undefined) return rule.input;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: localAccountId,
    time: eventTime(at),
    region: localRegion,
    resources: [`arn:aws:events:${localRegion}:${localAccountId}:rule/${lambdaName(consumer, 'local')}-schedule-${ruleIndex + 1}`],
    detail: {},
  };
}

/** Fires one rule of the consumer as EventBridge would at `at` (by default now), and waits for the outcome. */
export function runScheduled(consumer: ScheduleConsumer, deps: AsyncInvokeDeps, options: { at?: Date; ruleIndex?: number } = {}): Promise<AsyncResult> {
  const at = options.at ?? new Date(deps.now());
  const ruleIndex = options.ruleIndex ?? 0;
  const rule = consumer.rules[ruleIndex] as ScheduleRule;
  return invokeAsync(
    {
      source: 'schedule',
      consumer: consumer.id,
      functionName: lambdaName(consumer, 'local'),
      event: scheduledEvent(consumer, ruleIndex, at),
      identity: `${rule.expression}@${eventTime(at)}`,
      summary: `${rule.expression} for ${eventTime(at)}`,
      queuedAt: deps.now(),
    },
    consumer.retry,
    deps,
  );
}

export interface Scheduler {
  stop(): void;
}

/**
 * Fires every enabled rule once a period from now on (EventBridge starts a rate rule's clock when the rule is
 * created; locally that is when the platform starts). A rule whose expression cannot be played stops the start.
 */
export function startScheduler(consumers: ScheduleConsumer[], fire: (consumer: ScheduleConsumer, ruleIndex: number, at: Date) => void): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  const plan = consumers.flatMap((consumer) => consumer.rules.map((rule, ruleIndex) => ({ consumer, rule, ruleIndex, periodMs: ratePeriodMs(rule.expression) })));
  for (const { consumer, rule, ruleIndex, periodMs } of plan) {
    if (!rule.enabled) continue;
    const timer = setInterval(() => fire(consumer, ruleIndex, new Date()), periodMs);
    timer.unref();
    timers.push(timer);
  }
  return { stop: () => timers.forEach((timer) => clearInterval(timer)) };
}
