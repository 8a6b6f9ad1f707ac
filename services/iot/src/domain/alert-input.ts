// `PUT /things/{thingId}/alerts` (zod/mini): at most 10 rules, each on one metric; ids are assigned to
// rules that come without one, and must be unique within the set.
import * as z from 'zod/mini';
import type { AlertRule } from './alerts';
import { alertLimits, comparisons } from './alerts';
import { isStorableNumber, metricNamePattern } from './telemetry-message';

export const ruleIdPattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const rule = z.strictObject({
  id: z.optional(z.string().check(z.regex(ruleIdPattern, 'rule ids are 1 to 64 of A-Z a-z 0-9 _ -, starting with a letter or digit'))),
  metric: z.string().check(z.regex(metricNamePattern, 'metric names are 1 to 40 of a-z 0-9 _ .')),
  op: z.enum(comparisons),
  threshold: z.number().check(z.refine(isStorableNumber, 'threshold must be a finite number: 0 or a magnitude from 1e-130 to below 1e126')),
  forSeconds: z._default(z.int().check(z.minimum(0), z.maximum(alertLimits.forSeconds)), 0),
});

export const putAlertsBody = z.strictObject({
  rules: z.array(rule).check(
    z.maxLength(alertLimits.rules, `at most ${alertLimits.rules} rules`),
    z.superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((item, index) => {
        if (item.id === undefined) return;
        if (seen.has(item.id)) ctx.issues.push({ code: 'custom', message: 'rule ids must be unique', path: [index, 'id'], input: item.id });
        seen.add(item.id);
      });
    }),
  ),
});

export type PutAlertsInput = z.output<typeof putAlertsBody>;

/** The rules with an id each: given ids are kept, missing ones come from `newId`. */
export function assignRuleIds(input: PutAlertsInput, newId: () => string): AlertRule[] {
  return input.rules.map((item) => ({ id: item.id ?? newId(), metric: item.metric, op: item.op, threshold: item.threshold, forSeconds: item.forSeconds }));
}
