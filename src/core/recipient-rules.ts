import type { FilingType } from '../state/conversation-state';
import type { DecisionRule, DecisionTables } from '../knowledge/knowledge-base';
import type { Platform } from './types';

export interface RecipientFacts {
  platform: Platform | null;
  filingType: FilingType | null;
  changes: { subject: boolean | null; app: boolean | null };
}

export type RecipientSlot = 'platform' | 'filingType' | 'changes';

export type RecipientDecision =
  | { kind: 'ask'; slot: RecipientSlot }
  | { kind: 'rule'; rule: DecisionRule; source: string }
  /** The platform's document has a table, but no row covers this case. */
  | { kind: 'no_rule' }
  /** The platform's document gives roles but no table (Tencent Cloud, 004). */
  | { kind: 'no_table' };

const known = (v: unknown) => v !== null && v !== undefined;

function consistent(rule: DecisionRule, facts: RecipientFacts): boolean {
  const { filingType, subject, app } = rule.when;
  if (known(facts.filingType) && facts.filingType !== filingType) return false;
  if (subject !== undefined && known(facts.changes.subject) && facts.changes.subject !== subject) return false;
  if (app !== undefined && known(facts.changes.app) && facts.changes.app !== app) return false;
  return true;
}

const sameVerified = (rules: DecisionRule[]) => new Set(rules.map((r) => [...r.verified].sort().join('+'))).size === 1;

/**
 * Evaluate the decision tables of intents/decision-tables.yaml: the rule that applies, or the one
 * slot to ask for next (only when the rules still left disagree on who verifies).
 */
export function decideRecipient(tables: DecisionTables, facts: RecipientFacts): RecipientDecision {
  if (!facts.platform) return { kind: 'ask', slot: 'platform' };
  const table = tables.tables[facts.platform];
  if (!table || table.rows.length === 0) return { kind: 'no_table' };
  const candidates = table.rows.filter((r) => consistent(r, facts));
  if (candidates.length === 0) return { kind: 'no_rule' };
  if (candidates.length === 1 || (known(facts.filingType) && sameVerified(candidates))) {
    return { kind: 'rule', rule: candidates[0], source: table.source };
  }
  if (!known(facts.filingType)) return { kind: 'ask', slot: 'filingType' };
  return { kind: 'ask', slot: 'changes' };
}
