// IoT rule on `things/+/state/reported` → the thing's reported state (and so its delta).
import { createLogger } from '@photonotes/shared/log';
import { iotDeps } from '../adapters/dependencies';
import { reportState } from '../domain/desired-state';
import { deviceMessageFrom } from './rule-event';
import type { RuleEvent } from './rule-event';

const deps = iotDeps();
const log = createLogger({ service: 'iot' });

export async function handler(event: RuleEvent) {
  const message = deviceMessageFrom(event);
  const outcome = await reportState(message, deps);
  if (outcome.status === 'dropped') log.warn('report dropped', { thingId: message.thingId, reason: outcome.reason, detail: outcome.detail });
  else log.info('report applied', { thingId: message.thingId, status: outcome.status, version: outcome.state.version });
  return outcome.status;
}
