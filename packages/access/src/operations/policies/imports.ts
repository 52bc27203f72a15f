import type { ClientRelationFacts } from '../../facts';
import type { OperationDecision, OperationFacts } from '../facts';
import {
  allow,
  hidden,
  type OperationPolicy,
  operationPolicy,
  refuse,
  staff,
  unacknowledged,
} from '../policy';
import { CLIENT_POLICIES } from './clients';
import { SHARING_POLICIES } from './sharing';

/** One policy of a list, by id: the list is the catalogue's own, so a missing one is a fault in this module. */
function policyOf(list: readonly OperationPolicy[], id: string): OperationPolicy {
  const found = list.find((policy) => policy.id === id);
  if (!found) throw new Error(`No operation policy ${id}`);
  return found;
}

const REGISTER = policyOf(CLIENT_POLICIES, 'client.register');
const ALLOCATE = policyOf(CLIENT_POLICIES, 'case.allocate');
const CLOSE = policyOf(CLIENT_POLICIES, 'case.close');
const CONSENT = policyOf(SHARING_POLICIES, 'consent.record');

/** The importer's relation to a client the import has just registered in the service they manage. */
const NEW_CLIENT: ClientRelationFacts = {
  allocated: false,
  managesService: true,
  qaReview: false,
  investigation: false,
  serviceMember: true,
  emergency: undefined,
  self: false,
  conflict: false,
};

const MANAGERS = 'import.authorise.service-managers';
const LISTERS = 'import.list.service-managers';

/**
 * Whether the caller has the standing an import into the service runs under (decision 0032, `importAuthority`): the
 * operation policies admit them to register people in it and, for each person registered, to allocate workers, record
 * consents and close the case, as the service's managers do.
 */
function importStanding(facts: OperationFacts): OperationDecision {
  const caller = staff(facts);
  if (!caller) return refuse(MANAGERS);
  const register = REGISTER.decide(facts);
  if (register.effect === 'POLICY_NOT_ACKNOWLEDGED') return unacknowledged;
  if (register.effect !== 'ALLOW') return refuse(MANAGERS);
  const onNewClient = { ...facts, relation: NEW_CLIENT };
  const writes = [
    ALLOCATE.decide(onNewClient),
    CLOSE.decide(onNewClient),
    CONSENT.decide({ ...onNewClient, change: { classification: 'CONSENT' } }),
  ];
  return writes.every((decision) => decision.effect === 'ALLOW')
    ? { ...allow(MANAGERS), relationship: 'MANAGES_SERVICE' }
    : refuse(MANAGERS);
}

/**
 * Imports of a charity's records (decisions 0032, 0041, 0146). An import in a deployed stage is run by a platform
 * operator, who may see no tenant data, under the authority of a staff member: one of the service's managers gives it
 * through the API, for a few hours, and may withdraw it; the service's managers see which stand for it. The transfer
 * function checks the authorisation and the grantor's standing (this policy, as their account is at that moment) on
 * every call.
 */
export const IMPORT_POLICIES = [
  operationPolicy({
    id: 'import.authorise',
    subject: 'SERVICE',
    effects: { writes: true },
    decide: importStanding,
  }),
  operationPolicy({
    id: 'import.withdraw',
    subject: 'SERVICE',
    changeFacts: ['namesCaller'],
    effects: { writes: true },
    decide: (facts) =>
      staff(facts) && facts.change?.namesCaller === true
        ? allow('import.withdraw.grantor')
        : hidden('import.withdraw.grantor'),
  }),
  operationPolicy({
    id: 'import.list',
    subject: 'SERVICE',
    decide: (facts) =>
      staff(facts) && facts.service?.manages
        ? { ...allow(LISTERS), relationship: 'MANAGES_SERVICE' }
        : refuse(LISTERS),
  }),
] as const;
