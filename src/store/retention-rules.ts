import type { Sql } from './database.js';
import { ownerFunctionCall } from './owner-function-error.js';

export const RETENTION_RULE_SCOPES = ['project', 'flow_type'] as const;

export interface RetentionRule {
  scope: (typeof RETENTION_RULE_SCOPES)[number];
  value: string;
  days: number;
  setBy: string;
  setAt: Date;
}

export interface RetentionRuleChange {
  scope: string;
  value: string;
  days: number | null;
  previous_days: number | null;
}

/**
 * Sets the retention of one project or flow type (`days`), or removes its rule
 * (`null`), through the owner's function: refused below the owner's floor,
 * recorded as retention_policy_changed.
 */
export async function setRetentionRule(sql: Sql, rule: { scope: string; value: string; days: number | null }, actor: string): Promise<RetentionRuleChange> {
  const [row] = await ownerFunctionCall(sql<{ r: RetentionRuleChange }[]>`
    select flowtrail_set_retention_rule(${rule.scope}, ${rule.value}, ${rule.days}::int, ${actor}) as r`);
  return row!.r;
}

export async function listRetentionRules(sql: Sql): Promise<RetentionRule[]> {
  return sql<RetentionRule[]>`select scope, value, days, set_by, set_at from retention_rules order by scope, value`;
}
