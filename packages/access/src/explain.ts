import type { AccessPreset, Relationship } from '@confide/domain';
import { decideRead } from './decide';
import type { ReadDecision, ReadEffect } from './decision';
import { type CallerFacts, type ClientRelationFacts, PLAIN_ITEM } from './facts';
import { CLIENT_CLASSIFICATIONS, type ClientClassification } from './matrix';
import { RULES, type RuleId } from './rules';

/** Why the caller can (or cannot) read one classification of a client's fields. */
export interface ClassificationExplanation {
  readonly classification: ClientClassification;
  /** The effect of reading an ordinary (unsealed) item of this classification without a stated purpose. */
  readonly effect: ReadEffect;
  readonly relationship: Relationship;
  readonly rule: RuleId;
  /** One plain-words sentence, with no personal data. */
  readonly reason: string;
}

const LABELS: Readonly<Record<ClientClassification, string>> = {
  PSEUDONYMOUS: 'pseudonymous',
  IDENTIFYING: 'identifying',
  CONTACT: 'contact',
  CARE: 'care',
  HEALTH: 'health',
  FINANCE: 'finance',
  SAFEGUARDING: 'safeguarding',
  CONSENT: 'consent',
};

/** Rules that describe where access comes from (a row or the preset), as opposed to a refusal. */
function isGrantRule(rule: RuleId): boolean {
  return rule.startsWith('matrix.') || rule === 'preset.group-wide';
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * For each client classification, what reading it would do and why, in plain words: the relationship and
 * rule behind the decision for an ordinary item without a stated purpose.
 *
 * It reveals nothing beyond the decision: every NOT_FOUND (no relationship, conflict, no grant, Chief
 * Executive without emergency…) is explained by the same neutral entry, so `explain` is no oracle for whether
 * a client exists or why it is hidden; and it takes no item facts, so it says nothing about sealed or
 * withheld items.
 */
export function explain(
  caller: CallerFacts,
  relation: ClientRelationFacts,
  preset: AccessPreset,
): ClassificationExplanation[] {
  return CLIENT_CLASSIFICATIONS.map((classification) =>
    explainDecision(
      classification,
      decideRead({ caller, relation, item: PLAIN_ITEM, classification, preset, purpose: undefined }),
    ),
  );
}

function explainDecision(
  classification: ClientClassification,
  decision: ReadDecision,
): ClassificationExplanation {
  const label = LABELS[classification];
  switch (decision.effect) {
    case 'NOT_FOUND':
      return {
        classification,
        effect: 'NOT_FOUND',
        relationship: 'NONE',
        rule: 'existence.hidden',
        reason: sentence(RULES['existence.hidden'].reason),
      };
    case 'POLICY_NOT_ACKNOWLEDGED':
      return {
        classification,
        effect: decision.effect,
        relationship: 'NONE',
        rule: decision.rule,
        reason: sentence(RULES[decision.rule].reason),
      };
    case 'ALLOW':
      return {
        classification,
        effect: decision.effect,
        relationship: decision.relationship,
        rule: decision.rule,
        reason: sentence(`you can read ${label} data: ${RULES[decision.rule].reason}`),
      };
    case 'JUSTIFICATION_REQUIRED':
      return {
        classification,
        effect: decision.effect,
        relationship: decision.relationship,
        rule: decision.rule,
        reason: sentence(
          `you can read ${label} data once you state a purpose, which is recorded: ${RULES[decision.rule].reason}`,
        ),
      };
    case 'FORBIDDEN': {
      const because = RULES[decision.rule].reason;
      const detail = isGrantRule(decision.rule)
        ? `${because}, which does not include ${label} data`
        : because;
      return {
        classification,
        effect: decision.effect,
        relationship: decision.relationship,
        rule: decision.rule,
        reason: sentence(`you cannot read ${label} data: ${detail}`),
      };
    }
  }
}
