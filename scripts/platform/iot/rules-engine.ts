// The local IoT rules engine: each message that reaches the broker is matched against every enabled topic
// rule (iot-sql.ts) and the projected JSON goes to the rule's function. An IoT rule's Lambda action invokes the
// function asynchronously, so delivery follows Lambda's asynchronous retries: a function error is retried up to
// the function's maximumRetryAttempts (default 2) and the event is given up after maximumEventAge (default 6 h);
// AWS waits about 1 and 2 minutes between attempts, the twin 1 and 2 seconds (retryDelaysMs). A call that never
// reached the function (its service restarting) is retried without counting, as Lambda's own queue would.
// A given-up event goes where Lambda would send it, the function's on-failure destination: locally the platform's
// dead-letter store (delivery/dead-letters.ts), beside the SNS, S3 and stream consumers' letters, with the event as
// the function received it, so `npm run redrive` replays it. Nothing here throws into the broker: a failing or
// slow function never blocks or crashes it; the queue is bounded and its overflow is dropped and counted.
import { randomUUID } from 'node:crypto';
import type { DeadLetterStore, FailureCondition, FailureDetail } from '../delivery/dead-letters';
import type { IotRuleDefinition } from './definitions';
import { evaluateRule, type IotMessage } from './iot-sql-evaluate';
import { describeFailure, type Invoke } from './lambda-invoke';

export interface RulesEngineOptions {
  rules: IotRuleDefinition[];
  invoke: Invoke;
  log(text: string): void;
  /** Where given-up events are kept (the platform's dead-letter store); without one they are only logged. */
  deadLetters?: Pick<DeadLetterStore, 'put'>;
  /** Delay before retry n (1-based); the last one repeats. */
  retryDelaysMs?: number[];
  unreachableDelayMs?: number;
  /**
   * Invocations of one function under way at once. serverless-offline starts another worker thread (its own
   * V8 heap) for each concurrent invocation of a function, so this bounds the platform's memory under a flood.
   */
  concurrencyPerFunction?: number;
  /** Events waiting per function; more are dropped and counted. */
  maxQueued?: number;
  /** serverless-offline enforces each function's own timeout; this only guards against a hung call. */
  invokeTimeoutMs?: number;
  now?(): number;
}

export interface RulesStats {
  matched: number;
  delivered: number;
  retries: number;
  deadLettered: number;
  /** Matched, but the Lambda action could not carry the result (a payload that is not JSON). */
  undeliverable: number;
  /** Dropped because the queue was full. */
  dropped: number;
}

export interface RulesEngine {
  onMessage(message: IotMessage): void;
  stats(): RulesStats;
  /** Resolves once nothing is queued, running or waiting for a retry. */
  idle(): Promise<void>;
  stop(): void;
}

interface Job {
  rule: IotRuleDefinition;
  event: unknown;
  /** The message's id in the twin (one per message, whatever rules it matched): its dead letter's identity. */
  messageId: string;
  topic: string;
  queuedAt: number;
  failures: number;
  lastError: FailureDetail;
}

export function createRulesEngine(options: RulesEngineOptions): RulesEngine {
  const retryDelaysMs = options.retryDelaysMs ?? [1000, 2000];
  const unreachableDelayMs = options.unreachableDelayMs ?? 1000;
  const concurrency = options.concurrencyPerFunction ?? 4;
  const maxQueued = options.maxQueued ?? 10_000;
  const invokeTimeoutMs = options.invokeTimeoutMs ?? 60_000;
  const now = options.now ?? Date.now;
  const stats: RulesStats = { matched: 0, delivered: 0, retries: 0, deadLettered: 0, undeliverable: 0, dropped: 0 };
  /** Per function: its waiting events and how many invocations are under way. */
  const lanes = new Map<string, { queue: Job[]; running: number }>();
  const waiting = new Set<NodeJS.Timeout>();
  let queued = 0;
  let running = 0;
  let undeliverableLogged = 0;
  let stopped = false;
  let idleWaiters: Array<() => void> = [];

  const settleIdle = () => {
    if (queued > 0 || running > 0 || waiting.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const later = (job: Job, delayMs: number) => {
    const timer = setTimeout(() => {
      waiting.delete(timer);
      enqueue(job);
    }, delayMs);
    timer.unref();
    waiting.add(timer);
  };

  /** Lambda's on-failure destination: the letter is written before the job counts as done (idle() waits for it). */
  const giveUp = async (job: Job, condition: FailureCondition): Promise<void> => {
    stats.deadLettered += 1;
    const { rule } = job;
    const kept = options.deadLetters ? ' and dead-lettered' : '';
    options.log(`IoT rule ${rule.ruleId} → ${rule.target.functionName}: message on ${job.topic} given up${kept} (${condition} after ${job.failures} failed attempt(s)): ${describeFailure(job.lastError)}`);
    await options.deadLetters
      ?.put({
        source: 'iot',
        consumer: `${rule.service}.${rule.functionKey}`,
        functionName: rule.target.functionName,
        condition,
        event: job.event,
        identity: job.messageId,
        summary: `message on ${job.topic} (topic rule ${rule.ruleId})`,
        error: job.lastError,
        attempts: job.failures,
        failedAt: new Date(now()).toISOString(),
      })
      .catch((error: unknown) => options.log(`IoT rule ${rule.ruleId}: the dead letter could not be written: ${error instanceof Error ? error.message : String(error)}`));
  };

  async function attempt(job: Job): Promise<void> {
    if (now() - job.queuedAt > job.rule.retry.maximumEventAgeSeconds * 1000) return giveUp(job, 'EventAgeExceeded');
    const outcome = await options.invoke(job.rule.target, job.event, invokeTimeoutMs);
    if (stopped) return;
    if (outcome.ok) {
      stats.delivered += 1;
      return;
    }
    job.lastError = outcome.error;
    if (!outcome.reachedFunction) return later(job, unreachableDelayMs);
    job.failures += 1;
    if (job.failures > job.rule.retry.maximumRetryAttempts) return giveUp(job, 'RetriesExhausted');
    stats.retries += 1;
    options.log(`IoT rule ${job.rule.ruleId} → ${job.rule.target.functionName} failed (${describeFailure(outcome.error)}); retry ${job.failures} of ${job.rule.retry.maximumRetryAttempts}`);
    later(job, retryDelaysMs[Math.min(job.failures - 1, retryDelaysMs.length - 1)] ?? 0);
  }

  function pump(lane: { queue: Job[]; running: number }): void {
    while (!stopped && lane.running < concurrency && lane.queue.length > 0) {
      const job = lane.queue.shift() as Job;
      queued -= 1;
      lane.running += 1;
      running += 1;
      attempt(job)
        .catch((error: unknown) => options.log(`IoT rule ${job.rule.ruleId}: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => {
          lane.running -= 1;
          running -= 1;
          pump(lane);
          settleIdle();
        });
    }
    settleIdle();
  }

  function enqueue(job: Job): void {
    if (stopped) return;
    const name = job.rule.target.functionName;
    const lane = lanes.get(name) ?? { queue: [], running: 0 };
    lanes.set(name, lane);
    if (lane.queue.length >= maxQueued) {
      stats.dropped += 1;
      if (stats.dropped === 1 || stats.dropped % 1000 === 0) options.log(`IoT rules: ${name} has ${maxQueued} events waiting; ${stats.dropped} event(s) dropped so far`);
      return;
    }
    lane.queue.push(job);
    queued += 1;
    pump(lane);
  }

  return {
    onMessage(message) {
      if (stopped) return;
      const at = now();
      const messageId = randomUUID();
      for (const rule of options.rules) {
        const outcome = evaluateRule(rule.statement, message, at);
        if (outcome.kind === 'skip') continue;
        stats.matched += 1;
        if (outcome.kind === 'undeliverable') {
          stats.undeliverable += 1;
          // One line per message would flood the terminal when a device sends garbage: the first few, then every 100th.
          undeliverableLogged += 1;
          if (undeliverableLogged <= 5 || undeliverableLogged % 100 === 0) options.log(`IoT rule ${rule.ruleId} → ${rule.target.functionName}: message on ${message.topic} not delivered: ${outcome.reason} (${stats.undeliverable} so far)`);
          continue;
        }
        enqueue({ rule, event: outcome.event, messageId, topic: message.topic, queuedAt: at, failures: 0, lastError: { type: 'None', message: 'not invoked' } });
      }
    },
    stats: () => ({ ...stats }),
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
    stop() {
      stopped = true;
      lanes.clear();
      queued = 0;
      for (const timer of waiting) clearTimeout(timer);
      waiting.clear();
      settleIdle();
    },
  };
}
