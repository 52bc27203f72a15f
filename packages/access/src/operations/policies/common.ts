import { clientVisible, decideWrite } from '../../decide';
import { PLAIN_ITEM } from '../../facts';
import type { OperationDecision, OperationFacts } from '../facts';
import {
  hidden,
  type NamedPolicy,
  type OperationPolicy,
  operationPolicy,
  staff,
  unacknowledged,
} from '../policy';

/**
 * A policy on one client's record: a staff member who has not acknowledged the current confidentiality policy
 * is stopped first (Carers Trust 6.1), then a client the caller may not know exists is NOT_FOUND (Lets
 * connect 4.3), and only then does `decide` run.
 */
export function clientPolicy<Id extends string>(
  definition: { readonly id: Id } & Pick<OperationPolicy, 'decide'> & Partial<OperationPolicy>,
): NamedPolicy<Id> {
  const decide = (facts: OperationFacts): OperationDecision => {
    const caller = staff(facts);
    if (caller && !caller.acknowledgedPolicy) return unacknowledged;
    if (!facts.relation || !clientVisible(facts.caller, facts.relation, facts.preset)) {
      return hidden('existence.no-relationship');
    }
    return definition.decide(facts);
  };
  return operationPolicy({ ...definition, subject: 'CLIENT', decide });
}

/**
 * A write to a client's record decided by the W cells of the need-to-know matrix, for the classification the
 * operation's `change` names (a note's kind, a profile section).
 */
export function classifiedWritePolicy<Id extends string>(
  definition: { readonly id: Id } & Partial<OperationPolicy>,
): NamedPolicy<Id> {
  return clientPolicy({
    effects: { writes: true },
    changeFacts: ['classification', 'item'],
    ...definition,
    decide: (facts) => {
      const classification = facts.change?.classification;
      if (!classification || !facts.relation) throw new Error(`${definition.id} needs a classification`);
      const decision = decideWrite({
        caller: facts.caller,
        relation: facts.relation,
        item: facts.change?.item ?? PLAIN_ITEM,
        classification,
        preset: facts.preset,
      });
      return {
        effect: decision.effect,
        rule: decision.rule,
        ...('relationship' in decision ? { relationship: decision.relationship } : {}),
      };
    },
  });
}
