// Desired state from apps and reported state from devices, merged into the one state document whose
// version grows with every change of either. After a desired change the device gets `{ version, desired }`
// as a retained message; when two writers race, the one publishing last re-reads and publishes the newest,
// so the retained message ends at the latest version. Every change (and every retry that finds it made) is published
// as the thing's picture for apps (thing-events.ts).
import { PreconditionFailedError, ServiceUnavailableError, ValidationError } from '@photonotes/shared/errors';
import { ownedThing } from './access';
import type { Caller, IotDeps } from './deps';
import { maxWriteAttempts, pauseBeforeRetry } from './deps';
import type { DeviceMessage, Dropped } from './ingest';
import type { JsonObject } from './json-document';
import { maxMessagesPerSecond } from './rate-limit';
import type { StateView, StoredState } from './state';
import { applyPatch, desiredMessage, stateLimits, stateView } from './state';
import { parseReportedMessage } from './state-input';
import { normaliseThingId } from './thing';
import { publishThingState } from './thing-events';

export interface PutDesiredRequest {
  desired: JsonObject;
  /** From If-Match; undefined when absent. */
  expectedVersion: number | undefined;
}

const stale = (current: StoredState) => new PreconditionFailedError('State version does not match If-Match', [{ current: stateView(current) }]);

export async function putDesired(thingIdText: string, request: PutDesiredRequest, caller: Caller, deps: Pick<IotDeps, 'things' | 'devices' | 'states' | 'plane' | 'thingEvents' | 'pause'>): Promise<StateView> {
  const { thingId } = await ownedThing(thingIdText, caller, deps);
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    const current = await deps.states.get(thingId);
    if (request.expectedVersion !== undefined && request.expectedVersion !== current.version) throw stale(current);
    const merged = applyPatch(current, 'desired', request.desired);
    if (merged.kind === 'too_large') {
      throw new ValidationError('Request validation failed', [
        { location: 'body', path: 'desired', message: `the merged desired state would be ${merged.bytes} bytes; at most ${stateLimits.bytes}`, code: 'too_large' },
      ]);
    }
    if (merged.kind === 'unchanged') {
      // Publishing again costs little and repairs a retained message an earlier request failed to publish.
      await publishLatest(thingId, current, deps);
      await publishThingState(thingId, deps);
      return stateView(current);
    }
    if (await deps.states.save(thingId, current.version, merged.next)) {
      await publishLatest(thingId, merged.next, deps);
      await publishThingState(thingId, deps);
      return stateView(merged.next);
    }
    await pauseBeforeRetry(deps, attempt);
  }
  throw new ServiceUnavailableError('The state is changing too fast; retry');
}

async function publishLatest(thingId: string, state: StoredState, deps: Pick<IotDeps, 'states' | 'plane'>): Promise<void> {
  let published = state;
  for (let round = 0; round < 3; round++) {
    await deps.plane.publishDesired(thingId, desiredMessage(published));
    const current = await deps.states.get(thingId);
    if (current.version <= published.version) return;
    published = current;
  }
}

export type ReportOutcome = Dropped | { status: 'unchanged' | 'stored'; state: StateView };

/** A device's `{ "reported": object }`: merged into reported, never throwing for bad input (dropped with a reason). */
export async function reportState(message: DeviceMessage, deps: Pick<IotDeps, 'devices' | 'states' | 'thingEvents' | 'pause'>): Promise<ReportOutcome> {
  const thingId = normaliseThingId(message.thingId);
  if (thingId === undefined) return { status: 'dropped', reason: 'unknown_thing' };
  const parsed = parseReportedMessage(message.payload);
  if (!parsed.ok) return { status: 'dropped', reason: parsed.reason, ...(parsed.detail === undefined ? {} : { detail: parsed.detail }) };
  const admission = await deps.devices.admit(thingId, message.receivedAt, maxMessagesPerSecond);
  if (!admission.admitted) return { status: 'dropped', reason: admission.reason };
  for (let attempt = 1; attempt <= maxWriteAttempts; attempt++) {
    const current = await deps.states.get(thingId);
    const merged = applyPatch(current, 'reported', parsed.value);
    if (merged.kind === 'too_large') return { status: 'dropped', reason: 'too_large', detail: `merged reported state of ${merged.bytes} bytes` };
    if (merged.kind === 'unchanged') {
      await publishThingState(thingId, deps);
      return { status: 'unchanged', state: stateView(current) };
    }
    if (await deps.states.save(thingId, current.version, merged.next)) {
      await publishThingState(thingId, deps);
      return { status: 'stored', state: stateView(merged.next) };
    }
    await pauseBeforeRetry(deps, attempt);
  }
  throw new Error(`State of ${thingId} kept changing; giving up after ${maxWriteAttempts} attempts`);
}
