import { decideWrite } from '../../decide';
import { type CallerFacts, type ClientRelationFacts, PLAIN_ITEM } from '../../facts';
import type { ConsentFacts, OperationDecision, OperationFacts, SharingFacts } from '../facts';
import {
  acknowledgedFirst,
  allow,
  governanceListPolicy,
  hasAnyRole,
  hidden,
  operationPolicy,
  refuse,
  staffWithRole,
} from '../policy';
import { classifiedWritePolicy, clientPolicy } from './common';

/**
 * Sharing: consent, disclosure requests and register, reviews, breaches, referrals, subject access.
 * Policy texts: DATA-PROTECTION.md (Consent and disclosure; Subject access; Breaches), ACCESS-MODEL.md (Roles),
 * Azure 4.1 (requests in writing), JRH "Exceptional Breaches", Lets connect 4.3 and 6, issue 14 (side door 1).
 */

const detail = (facts: OperationFacts) => facts.change?.sharing?.detail;

/** The last part of the rule of every event about work kept from the person (an exceptional disclosure untold). */
export const NOT_TOLD = 'client-not-informed';

/**
 * Whether an event's rule records work the person is not told of: their own views of who used their record (their
 * access log, their subject access export) leave it out.
 */
export function keptFromSubject(rule: string | undefined): boolean {
  return rule?.endsWith(`.${NOT_TOLD}`) ?? false;
}

/**
 * Whether a reader of a person's disclosure register decides their disclosures (a manager of their service, the
 * Caldicott Guardian) or governs them (the IG lead): told of every note a request names, to decide it, whatever
 * notes they may read themselves. Anyone else is told only of the notes they may read (lists filter).
 */
export function decidesDisclosures(caller: CallerFacts, relation: ClientRelationFacts): boolean {
  return (
    relation.managesService ||
    (caller.kind === 'STAFF' &&
      caller.roles.some((role) => role === 'CALDICOTT_GUARDIAN' || role === 'IG_LEAD'))
  );
}

/** Disclosure work belongs to the client's service managers and the Caldicott Guardian (Azure 4.1). */
function disclosureRole(facts: OperationFacts, rule: (role: string) => string): OperationDecision {
  if (facts.relation?.managesService) {
    return { effect: 'ALLOW', rule: rule('service-manager'), relationship: 'MANAGES_SERVICE' };
  }
  if (hasAnyRole(facts, ['CALDICOTT_GUARDIAN'])) return allow(rule('caldicott-guardian'));
  return refuse('disclosure.role');
}

/** A register entry of a disclosure request (received, escalated, corrected, an author’s authority). */
function disclosureWork<Id extends string>(id: Id) {
  return clientPolicy({
    id,
    effects: { writes: true },
    decide: (facts) => disclosureRole(facts, (role) => `disclosure.${role}`),
  });
}

/** The Caldicott Guardian, or a second IG lead where the organisation has one (issue 14). */
const SECOND_PERSON_ROLES = ['CALDICOTT_GUARDIAN', 'IG_LEAD'] as const;

const SELF = (rule: string): OperationDecision => ({ effect: 'ALLOW', rule, relationship: 'SELF' });

/** The consent methods that authorise a disclosure unless the organisation chooses otherwise: written ones. */
export const DEFAULT_DISCLOSURE_CONSENT_METHODS = ['SIGNED_FORM', 'EMAIL'] as const;

/** Whether a consent names the request's purpose: exactly, and never when either names none (issue 15). */
export function coversPurpose(consent: ConsentFacts, purpose: string | undefined): boolean {
  return purpose !== undefined && consent.purposes.includes(purpose);
}

/** A consent names the requester and the information requested, and was given by an accepted method. */
function coversAllButPurpose(consent: ConsentFacts, sharing: SharingFacts): boolean {
  const methods: readonly string[] = sharing.consentMethods ?? DEFAULT_DISCLOSURE_CONSENT_METHODS;
  return consent.coversRecipient && consent.coversInformation && methods.includes(consent.method);
}

/**
 * The consent a disclosure on the CONSENT basis relies on: the first current one that names the requester, the
 * purpose and the information requested, given by a method the organisation accepts (Lets connect 4.3; Carers
 * Trust 3.2; JRH "only with the agreement of the service user"; Azure 7.1 "when it is required for a specific
 * purpose, with the individual's written consent"; Community 4 "a signed consent form or in writing by email").
 * A consent naming no purpose authorises none. None: the disclosure needs another legal basis.
 */
export function authorisingConsent(sharing: SharingFacts): ConsentFacts | undefined {
  return (sharing.consents ?? []).find(
    (consent) => coversAllButPurpose(consent, sharing) && coversPurpose(consent, sharing.purpose),
  );
}

/**
 * Why no consent authorises the request: a consent that would, but for the purpose it names, is refused as
 * `disclosure.consent-purpose-not-covering`; anything else as `disclosure.consent-not-covering`.
 */
function consentRefusal(sharing: SharingFacts): OperationDecision {
  const butPurpose = (sharing.consents ?? []).some((consent) => coversAllButPurpose(consent, sharing));
  return {
    effect: 'CONSENT_REQUIRED',
    rule: butPurpose ? 'disclosure.consent-purpose-not-covering' : 'disclosure.consent-not-covering',
  };
}

export const SHARING_POLICIES = [
  // ── Disclosure register ────────────────────────────────────────────────────────────────────────────────
  disclosureWork('disclosure.receive'),
  disclosureWork('disclosure.escalate'),
  disclosureWork('disclosure.correct'),
  disclosureWork('disclosure.author-authority'),
  clientPolicy({
    id: 'disclosure.urgency',
    effects: { writes: true },
    // The rule names the change: `disclosure.urgency.urgent` or `disclosure.urgency.not-urgent`.
    decide: (facts) => disclosureRole(facts, () => `disclosure.urgency.${detail(facts) ?? 'changed'}`),
  }),
  clientPolicy({
    id: 'disclosure.decide',
    effects: { writes: true },
    decide: (facts) => {
      if (facts.change?.sharing?.escalated && !hasAnyRole(facts, ['CALDICOTT_GUARDIAN'])) {
        return refuse('disclosure.escalated-guardian-decides');
      }
      const decided = disclosureRole(facts, () => `disclosure.${detail(facts) ?? 'decided'}`);
      const consents = facts.change?.sharing?.consents;
      // Approval on the CONSENT basis: a current consent must authorise exactly this request (issue 15).
      const sharing = facts.change?.sharing ?? {};
      if (decided.effect === 'ALLOW' && consents && !authorisingConsent(sharing)) {
        return consentRefusal(sharing);
      }
      return decided;
    },
  }),
  clientPolicy({
    id: 'disclosure.release',
    effects: { writes: true },
    decide: (facts) => {
      const decision = disclosureRole(facts, () =>
        ['disclosure.released', detail(facts)].filter(Boolean).join('.'),
      );
      if (decision.effect === 'ALLOW' && facts.change?.sharing?.redactsUnreadNotes) {
        return refuse('disclosure.redaction.reader');
      }
      return decision;
    },
  }),
  clientPolicy({
    id: 'disclosure.exceptional',
    effects: { writes: true },
    decide: (facts) => {
      // The CARE write cell decides who supports the person; the Guardian records on anyone's behalf. Anyone else
      // records only what they made themself: naming another as its maker would put it on someone else's record.
      const rule = [
        'disclosure.exceptional',
        detail(facts),
        facts.change?.sharing?.subjectNotTold ? NOT_TOLD : undefined,
      ]
        .filter(Boolean)
        .join('.');
      if (!facts.relation) return hidden('existence.no-relationship');
      const write = decideWrite({
        caller: facts.caller,
        relation: facts.relation,
        item: PLAIN_ITEM,
        classification: 'CARE',
        preset: facts.preset,
      });
      const guardian = hasAnyRole(facts, ['CALDICOTT_GUARDIAN']);
      if (write.effect === 'ALLOW') {
        if (facts.change?.sharing?.recordedForAnother && !guardian) {
          return refuse('disclosure.exceptional.for-another');
        }
        return { effect: 'ALLOW', rule, relationship: write.relationship };
      }
      if (guardian) return allow(rule);
      return { effect: write.effect, rule: write.rule };
    },
  }),
  clientPolicy({
    id: 'disclosure.client-informed',
    effects: { writes: true },
    // Recording it hides nothing (it ends a concealment), so whoever made or recorded the disclosure may record it too:
    // no second person is needed, unlike the review (`disclosure-review.complete`).
    decide: (facts) => disclosureRole(facts, (role) => `disclosure.client-informed.${role}`),
  }),
  operationPolicy({
    id: 'disclosure.partner-releases',
    principals: ['PARTNER'],
    decide: () => allow('partner.releases'),
  }),

  // ── Exceptional disclosure reviews ─────────────────────────────────────────────────────────────────────
  governanceListPolicy({
    id: 'disclosure-review.list',
    decide: () => allow('review.listed'),
  }),
  clientPolicy({
    id: 'disclosure-review.complete',
    effects: { writes: true },
    decide: (facts) => {
      if (!facts.relation?.managesService && !hasAnyRole(facts, ['CALDICOTT_GUARDIAN'])) {
        return hidden('review.not-reviewer');
      }
      if (facts.change?.sharing?.callerRecorded) return refuse('review.own');
      if (facts.change?.sharing?.callerMade) return refuse('review.maker');
      return allow(`review.${detail(facts) ?? 'completed'}`);
    },
  }),

  // ── Breach register ────────────────────────────────────────────────────────────────────────────────────
  operationPolicy({
    id: 'breach.register',
    decide: (facts) => {
      if (hasAnyRole(facts, ['IG_LEAD'])) return allow('breach');
      if (hasAnyRole(facts, ['CALDICOTT_GUARDIAN', 'SERVICE_MANAGER', 'SENIOR_MANAGER'])) {
        return allow('breach.reader');
      }
      return refuse('breach.ig-lead');
    },
  }),
  operationPolicy({
    id: 'breach.report',
    effects: { writes: true },
    decide: () => allow('breach.reported'),
  }),
  operationPolicy({
    id: 'breach.assess',
    effects: { writes: true },
    decide: (facts) =>
      hasAnyRole(facts, ['IG_LEAD'])
        ? allow(`breach.${detail(facts) ?? 'assessed'}`)
        : refuse('breach.ig-lead'),
  }),

  // ── Consent ────────────────────────────────────────────────────────────────────────────────────────────
  staffWithRole('consent.methods.read', ['SERVICE_MANAGER', 'CALDICOTT_GUARDIAN', 'IG_LEAD', 'ORG_ADMIN']),
  staffWithRole('consent.methods.change', ['ORG_ADMIN', 'IG_LEAD'], { effects: { writes: true } }),
  classifiedWritePolicy({
    id: 'consent.record',
    principals: ['STAFF', 'SERVICE_USER'],
  }),
  classifiedWritePolicy({
    id: 'consent.withdraw',
    principals: ['STAFF', 'SERVICE_USER'],
  }),

  // ── Referrals ──────────────────────────────────────────────────────────────────────────────────────────
  classifiedWritePolicy({
    id: 'referral.record',
  }),
  classifiedWritePolicy({
    id: 'referral.appointment',
  }),
  operationPolicy({
    id: 'referral.referrer-view',
    principals: ['PARTNER'],
    decide: () => allow('referrer.status'),
  }),

  // ── Subject access (issue 14, side door 1) ─────────────────────────────────────────────────────────────
  clientPolicy({
    id: 'subject-access.request',
    principals: ['STAFF', 'SERVICE_USER'],
    effects: { writes: true },
    decide: (facts) => {
      if (facts.relation?.self) return SELF('subject-access.self');
      if (hasAnyRole(facts, ['IG_LEAD'])) return allow('subject-access.ig-lead');
      if (facts.relation?.managesService) {
        return { effect: 'ALLOW', rule: 'subject-access.service-manager', relationship: 'MANAGES_SERVICE' };
      }
      return refuse('subject-access.recorder');
    },
  }),
  acknowledgedFirst(staffWithRole('subject-access.register', ['IG_LEAD', 'CALDICOTT_GUARDIAN'])),
  clientPolicy({
    id: 'subject-access.export',
    principals: ['STAFF', 'SERVICE_USER'],
    effects: { readsClientContent: true },
    decide: (facts) => {
      if (facts.relation?.self) return SELF('subject-access.self');
      if (!hasAnyRole(facts, ['IG_LEAD'])) return refuse('subject-access.compiler');
      const request = facts.change?.sharing;
      if (!request?.openRequest) return refuse('subject-access.no-open-request');
      if (!request.exportApproved) return refuse('subject-access.export-not-approved');
      if (request.callerApproved) return refuse('subject-access.approver-compiles');
      return allow('subject-access.export-approved');
    },
  }),
  clientPolicy({
    id: 'subject-access.approve-export',
    effects: { writes: true },
    decide: (facts) => {
      if (!hasAnyRole(facts, SECOND_PERSON_ROLES)) return refuse('subject-access.approver');
      if (facts.change?.sharing?.callerRecorded) return refuse('subject-access.own-request');
      return allow('subject-access.second-person');
    },
  }),
  clientPolicy({
    id: 'subject-access.complete',
    effects: { writes: true },
    decide: (facts) =>
      hasAnyRole(facts, ['IG_LEAD']) ? allow('subject-access.completed') : refuse('subject-access.ig-lead'),
  }),
  staffWithRole('subject-access.export-notices', ['CALDICOTT_GUARDIAN', 'IG_LEAD']),
] as const;
