// The alert-rules record of the things table behind the domain's AlertRulesStore. Every replacement takes
// the next version, which resets the judging state kept with each series.
import type { DocumentSender } from '@photonotes/shared/dynamodb';
import { documentClient, tableClient } from '@photonotes/shared/dynamodb';
import type { AlertRule, RuleSet } from '../domain/alerts';
import type { AlertRulesStore } from '../domain/ports';
import { entities, keys } from './keys';

export interface AlertRulesStoreOptions {
  tableName: string;
  client?: DocumentSender;
}

const toRule = (rule: AlertRule): AlertRule => ({ id: rule.id, metric: rule.metric, op: rule.op, threshold: rule.threshold, forSeconds: rule.forSeconds });

/** The rule set an alert-rules item holds: version 0 and no rules when there is none. Ingest reads the item too (telemetry-table.ts). */
export const ruleSetOf = (item: RuleSet | undefined): RuleSet => (item ? { version: item.version, rules: item.rules.map(toRule) } : { version: 0, rules: [] });

export function alertRulesStore({ tableName, client = documentClient() }: AlertRulesStoreOptions): AlertRulesStore {
  const table = tableClient({ tableName, client });
  return {
    async get(thingId) {
      return ruleSetOf(await table.getItem<RuleSet>(keys.alertRules(thingId), { consistentRead: true }));
    },

    async replace(thingId, rules) {
      const item = await table.updateItem<RuleSet>({
        key: keys.alertRules(thingId),
        // Aliased: RULES is one of DynamoDB's reserved words.
        update: 'SET #entity = :entity, #thingId = :thingId, #rules = :rules, #version = if_not_exists(#version, :zero) + :one',
        names: { '#entity': 'entity', '#thingId': 'thingId', '#rules': 'rules', '#version': 'version' },
        values: { ':entity': entities.alertRules, ':thingId': thingId, ':rules': rules.map(toRule), ':zero': 0, ':one': 1 },
      });
      return { version: item.version, rules: item.rules.map(toRule) };
    },
  };
}
