// `PUT` and `GET /things/{thingId}/alerts`. Replacing the rules gives the set a new version, which resets
// every rule's judging state (kept per series, see series.ts).
import { ownedThing } from './access';
import type { AlertRule } from './alerts';
import type { Caller, IotDeps } from './deps';
import type { PutAlertsInput } from './alert-input';
import { assignRuleIds } from './alert-input';

export async function replaceAlertRules(thingIdText: string, input: PutAlertsInput, caller: Caller, deps: Pick<IotDeps, 'things' | 'alertRules' | 'newId'>): Promise<{ rules: AlertRule[] }> {
  const { thingId } = await ownedThing(thingIdText, caller, deps);
  const ruleSet = await deps.alertRules.replace(thingId, assignRuleIds(input, deps.newId));
  return { rules: ruleSet.rules };
}

export async function getAlertRules(thingIdText: string, caller: Caller, deps: Pick<IotDeps, 'things' | 'alertRules'>): Promise<{ rules: AlertRule[] }> {
  const { thingId } = await ownedThing(thingIdText, caller, deps);
  return { rules: (await deps.alertRules.get(thingId)).rules };
}
