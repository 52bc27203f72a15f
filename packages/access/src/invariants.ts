import type { Classification, EmergencyReason, Role } from '@confide/domain';
import { clientVisible, decideRead, decideWrite } from './decide';
import type { ReadDecision, WriteDecision } from './decision';
import type { CallerFacts, ClientRelationFacts, ReadRequest, WriteRequest } from './facts';

/**
 * THE ONE PLACE listing the provable-floor invariants. Each says which policy clause it encodes and is a
 * predicate over one request and the engine's decision for it; `floor.test.ts` checks every invariant on every
 * decision of the finite policy space.
 *
 * The predicates restate the policy from the raw facts, not from the engine's rows, so a bug in the engine's
 * reading of the facts shows here. A few are metamorphic (they ask the engine the same question with one fact
 * changed) where the policy itself is phrased that way ("a purpose only unlocks J", "GROUP_WIDE never goes
 * beyond STRICT").
 */
export interface Invariant<Request, Decision> {
  readonly id: string;
  /** Which policy clause it encodes, e.g. "ACCESS-MODEL.md Provable floor; Azure 4.1". */
  readonly clause: string;
  readonly holds: (request: Request, decision: Decision) => boolean;
}

/** A read of a staff record's STAFF_PERSONAL fields. */
export interface StaffPersonalReadRequest {
  readonly caller: CallerFacts;
  readonly isOwnRecord: boolean;
}

const SPECIAL_CATEGORY: readonly Classification[] = ['HEALTH', 'SAFEGUARDING', 'STAFF_PERSONAL'];
const GROUP_WIDE_CLASSIFICATIONS: readonly Classification[] = [
  'PSEUDONYMOUS',
  'IDENTIFYING',
  'CONTACT',
  'CARE',
];
const SEAL_BREAKING_REASONS: readonly (EmergencyReason | undefined)[] = ['IMMINENT_DANGER', 'SAFEGUARDING'];
const PERSONNEL_READERS: readonly Role[] = ['HR_OFFICER', 'SENIOR_MANAGER', 'CHIEF_EXECUTIVE'];

/** Whether a decision lets the caller read, now or once they state a purpose. */
function reads(decision: ReadDecision): boolean {
  return decision.effect === 'ALLOW' || decision.effect === 'JUSTIFICATION_REQUIRED';
}

/** 2 read freely, 1 read with a purpose, 0 no read. */
function readLevel(decision: ReadDecision): number {
  if (decision.effect === 'ALLOW') return decision.justified ? 1 : 2;
  return decision.effect === 'JUSTIFICATION_REQUIRED' ? 1 : 0;
}

function stated(purpose: string | undefined): boolean {
  return purpose !== undefined && purpose.trim().length > 0;
}

/**
 * Whether any fact that the model calls a relationship holds (ACCESS-MODEL.md, Relationships): allocation,
 * service management, QA review, investigation, break-glass, SENIOR_MANAGER (ORG_WIDE) or SELF. Service
 * membership and roles such as ADMINISTRATOR or CALDICOTT_GUARDIAN are not relationships.
 */
function hasRelationshipFact(caller: CallerFacts, relation: ClientRelationFacts): boolean {
  if (caller.kind === 'SERVICE_USER') return relation.self;
  if (caller.kind !== 'STAFF') return false;
  return (
    relation.allocated ||
    relation.managesService ||
    relation.qaReview ||
    relation.investigation ||
    relation.emergency !== undefined ||
    caller.roles.includes('SENIOR_MANAGER')
  );
}

function sameDecision(a: ReadDecision, b: ReadDecision): boolean {
  return (
    a.effect === b.effect &&
    a.rule === b.rule &&
    ('relationship' in a ? a.relationship : undefined) ===
      ('relationship' in b ? b.relationship : undefined) &&
    (a.effect === 'ALLOW' ? a.justified : undefined) === (b.effect === 'ALLOW' ? b.justified : undefined)
  );
}

function hides(effect: ReadDecision['effect'] | WriteDecision['effect']): boolean {
  return effect === 'NOT_FOUND' || effect === 'POLICY_NOT_ACKNOWLEDGED';
}

/** Invariants over every client field read ({@link decideRead}). */
export const READ_INVARIANTS: readonly Invariant<ReadRequest, ReadDecision>[] = [
  {
    id: 'floor.no-relationship-no-special-category',
    clause:
      'ACCESS-MODEL.md Provable floor: nobody without a relationship reads HEALTH, SAFEGUARDING or STAFF_PERSONAL under any preset (Carers Trust 2.1 "need to know"; presets: platform floor). Partners are covered by partner.granted-only.',
    holds: ({ caller, relation, classification }, decision) =>
      !reads(decision) ||
      caller.kind === 'PARTNER' ||
      !SPECIAL_CATEGORY.includes(classification) ||
      hasRelationshipFact(caller, relation),
  },
  {
    id: 'floor.operator-refused',
    clause:
      'ACCESS-MODEL.md Operators see nothing: platform-operator tokens are refused on every tenant-data field.',
    holds: ({ caller }, decision) => caller.kind !== 'OPERATOR' || decision.effect === 'FORBIDDEN',
  },
  {
    id: 'floor.conflict-hides',
    clause:
      'ACCESS-MODEL.md Conflicts of interest: a conflicted staff member is denied the client whatever their role, allocation, preset or emergency, and the client stays hidden (Existence hiding).',
    holds: ({ caller, relation }, decision) =>
      !relation.conflict ||
      hides(decision.effect) ||
      (caller.kind === 'OPERATOR' && decision.effect === 'FORBIDDEN'),
  },
  {
    id: 'floor.sealed',
    clause:
      'ACCESS-MODEL.md Sealed items: a sealed item opens only to SELF, its named staff, or an emergency for IMMINENT_DANGER or SAFEGUARDING, read as an emergency (community group 2; Carers Trust 2.2).',
    holds: ({ caller, relation, item }, decision) =>
      !item.sealed ||
      !reads(decision) ||
      (caller.kind === 'SERVICE_USER' && relation.self) ||
      (caller.kind === 'STAFF' && item.namedStaff) ||
      (caller.kind === 'STAFF' &&
        SEAL_BREAKING_REASONS.includes(relation.emergency) &&
        'relationship' in decision &&
        decision.relationship === 'EMERGENCY'),
  },
  {
    id: 'justification.needs-purpose',
    clause:
      'ACCESS-MODEL.md Justification (J): every J cell needs a stated purpose; without one the answer is JUSTIFICATION_REQUIRED (Azure 4.1 "detail the reason"; Lets connect 5.2 "all access to records must be justified").',
    holds: ({ purpose }, decision) =>
      (decision.effect !== 'ALLOW' || !decision.justified || stated(purpose)) &&
      (decision.effect !== 'JUSTIFICATION_REQUIRED' || !stated(purpose)),
  },
  {
    id: 'justification.purpose-unlocks-only-j',
    clause:
      'ACCESS-MODEL.md Justification (J): a stated purpose only turns JUSTIFICATION_REQUIRED into a justified read through the same row; it never opens an R, —, sealed or hidden field (a purpose is not a key).',
    // Checked from the side that states a purpose and reads (the enumeration holds both sides of every
    // pair; needs-purpose covers the rest): the same request without the purpose reads through the same row.
    holds: (request, decision) => {
      if (decision.effect !== 'ALLOW' || !stated(request.purpose)) return true;
      const without = decideRead({ ...request, purpose: undefined });
      if (without.effect === 'ALLOW') return !decision.justified && sameDecision(without, decision);
      return (
        without.effect === 'JUSTIFICATION_REQUIRED' &&
        decision.justified &&
        decision.relationship === without.relationship &&
        decision.rule === without.rule
      );
    },
  },
  {
    id: 'preset.group-wide-floor',
    clause:
      'ACCESS-MODEL.md Presets: GROUP_WIDE adds reads of PSEUDONYMOUS, IDENTIFYING, CONTACT and CARE for staff only, of a sealed item only for the staff the client named (Sealed items); HEALTH, FINANCE, SAFEGUARDING, CONSENT, STAFF_PERSONAL and sealed items for anyone not named get nothing beyond STRICT (platform floor; community group 2).',
    holds: (request, decision) => {
      if (request.preset !== 'GROUP_WIDE' || readLevel(decision) === 0) return true;
      const widened =
        request.caller.kind === 'STAFF' &&
        (!request.item.sealed || request.item.namedStaff) &&
        GROUP_WIDE_CLASSIFICATIONS.includes(request.classification);
      return widened || readLevel(decision) <= readLevel(decideRead({ ...request, preset: 'STRICT' }));
    },
  },
  {
    id: 'partner.granted-only',
    clause:
      'ACCESS-MODEL.md Principals (partner agency): a partner sees only what a released, unexpired disclosure gave it, read-only, and nothing else, not even that the person is a client (Lets connect 4.3; Azure 4.1).',
    holds: ({ caller, item }, decision) =>
      caller.kind !== 'PARTNER' ||
      (item.grantedToPartner
        ? decision.effect !== 'JUSTIFICATION_REQUIRED' && (decision.effect !== 'ALLOW' || !decision.justified)
        : decision.effect === 'NOT_FOUND'),
  },
  {
    id: 'policy.unacknowledged-reads-nothing',
    clause:
      'ACCESS-MODEL.md Policy acknowledgement gate: until staff sign the current policy every client read gets POLICY_NOT_ACKNOWLEDGED (Carers Trust 6.1).',
    holds: ({ caller }, decision) =>
      caller.kind !== 'STAFF' || caller.acknowledgedPolicy || decision.effect === 'POLICY_NOT_ACKNOWLEDGED',
  },
  {
    id: 'existence.lists-agree-with-reads',
    clause:
      'ACCESS-MODEL.md Existence hiding; Lists filter, fields refuse: a client missing from lists is NOT_FOUND on every field, and a client in lists is never NOT_FOUND (only an item withheld from SELF is hidden inside a visible record).',
    holds: ({ caller, relation, item, preset }, decision) => {
      if (caller.kind !== 'STAFF' && caller.kind !== 'SERVICE_USER') return true;
      if (!clientVisible(caller, relation, preset)) return hides(decision.effect);
      return decision.effect !== 'NOT_FOUND' || (caller.kind === 'SERVICE_USER' && item.withheldFromSubject);
    },
  },
  {
    id: 'self.own-record-only',
    clause:
      'ACCESS-MODEL.md Principals (service user): a service user sees only their own record, except items withheld under a recorded exemption, which stay hidden.',
    holds: ({ caller, relation, item }, decision) =>
      caller.kind !== 'SERVICE_USER' ||
      (relation.self && !item.withheldFromSubject) ||
      decision.effect === 'NOT_FOUND',
  },
  {
    id: 'floor.staff-personal-not-client-data',
    clause:
      'ACCESS-MODEL.md Staff records; Presets (platform floor): STAFF_PERSONAL is never read through a client relationship, preset, grant or emergency (Azure 5.1; community group 9).',
    holds: ({ classification }, decision) => classification !== 'STAFF_PERSONAL' || !reads(decision),
  },
  {
    id: 'emergency.reads-are-audited',
    clause:
      'ACCESS-MODEL.md Break-glass: every read that needs the break-glass grant is reported as EMERGENCY (so it is audited and reviewed), and nothing is reported as EMERGENCY without an open grant (JRH "inform their manager").',
    holds: (request, decision) => {
      if (!('relationship' in decision)) return true;
      if (decision.relationship === 'EMERGENCY') return request.relation.emergency !== undefined;
      if (request.relation.emergency === undefined || !reads(decision)) return true;
      const withoutGrant = decideRead({
        ...request,
        relation: { ...request.relation, emergency: undefined },
      });
      return readLevel(withoutGrant) >= readLevel(decision);
    },
  },
  {
    id: 'emergency.chief-executive',
    clause:
      'ACCESS-MODEL.md Default matrix: the Chief Executive with no relationship sees clients only through EMERGENCY (Azure 4.1f "in exceptional circumstances").',
    holds: ({ caller, relation, preset }, decision) =>
      hides(decision.effect) ||
      caller.kind !== 'STAFF' ||
      preset !== 'STRICT' ||
      relation.allocated ||
      relation.emergency !== undefined ||
      caller.roles.length === 0 ||
      caller.roles.some((role) => role !== 'CHIEF_EXECUTIVE'),
  },
];

/** Invariants over every client field write ({@link decideWrite}). */
export const WRITE_INVARIANTS: readonly Invariant<WriteRequest, WriteDecision>[] = [
  {
    id: 'write.no-relationship-no-special-category',
    clause:
      'ACCESS-MODEL.md Provable floor: nobody without a relationship changes HEALTH, SAFEGUARDING or STAFF_PERSONAL under any preset.',
    holds: ({ caller, relation, classification }, decision) =>
      !SPECIAL_CATEGORY.includes(classification) ||
      hasRelationshipFact(caller, relation) ||
      decision.effect !== 'ALLOW',
  },
  {
    id: 'write.operator-refused',
    clause:
      'ACCESS-MODEL.md Operators see nothing: platform-operator tokens are refused on every tenant-data field.',
    holds: ({ caller }, decision) => caller.kind !== 'OPERATOR' || decision.effect === 'FORBIDDEN',
  },
  {
    id: 'write.conflict-hides',
    clause:
      'ACCESS-MODEL.md Conflicts of interest: a conflict denies the client, writes included, and keeps it hidden.',
    holds: ({ caller, relation }, decision) =>
      !relation.conflict ||
      hides(decision.effect) ||
      (caller.kind === 'OPERATOR' && decision.effect === 'FORBIDDEN'),
  },
  {
    id: 'write.unacknowledged',
    clause:
      'ACCESS-MODEL.md Policy acknowledgement gate: no client data access of any kind before acknowledgement (Carers Trust 6.1).',
    holds: ({ caller }, decision) =>
      caller.kind !== 'STAFF' || caller.acknowledgedPolicy || decision.effect === 'POLICY_NOT_ACKNOWLEDGED',
  },
  {
    id: 'write.partner-read-only',
    clause:
      'ACCESS-MODEL.md Principals (partner agency): a disclosure releases items to read; partners change nothing.',
    holds: ({ caller, item }, decision) =>
      caller.kind !== 'PARTNER' ||
      (decision.effect !== 'ALLOW' && (item.grantedToPartner || decision.effect === 'NOT_FOUND')),
  },
  {
    id: 'write.sealed',
    clause:
      'ACCESS-MODEL.md Sealed items: only SELF and the staff the client named change a sealed item; break-glass only reads.',
    holds: ({ caller, relation, item }, decision) =>
      !item.sealed ||
      decision.effect !== 'ALLOW' ||
      (caller.kind === 'SERVICE_USER' && relation.self) ||
      (caller.kind === 'STAFF' && item.namedStaff),
  },
  {
    id: 'write.emergency-read-only',
    clause:
      'ACCESS-MODEL.md Default matrix (EMERGENCY row has no W); Break-glass: opening emergency access never grants a write.',
    holds: (request, decision) =>
      decision.effect !== 'ALLOW' ||
      (decision.relationship !== 'EMERGENCY' &&
        decideWrite({ ...request, relation: { ...request.relation, emergency: undefined } }).effect ===
          'ALLOW'),
  },
  {
    id: 'write.group-wide-grants-no-writes',
    clause:
      'ACCESS-MODEL.md Presets: GROUP_WIDE lets staff read four classifications; it grants no write beyond STRICT.',
    holds: (request, decision) =>
      request.preset !== 'GROUP_WIDE' ||
      decision.effect !== 'ALLOW' ||
      decideWrite({ ...request, preset: 'STRICT' }).effect === 'ALLOW',
  },
  {
    id: 'write.staff-personal-not-client-data',
    clause:
      'ACCESS-MODEL.md Staff records: STAFF_PERSONAL is never changed through a client relationship (Azure 5.1).',
    holds: ({ classification }, decision) =>
      classification !== 'STAFF_PERSONAL' || decision.effect !== 'ALLOW',
  },
  {
    id: 'write.visible-only',
    clause:
      'ACCESS-MODEL.md Existence hiding: only a client the caller can see can be changed, and a service user changes only their own record, never an item withheld from them.',
    holds: ({ caller, relation, item, preset }, decision) =>
      decision.effect !== 'ALLOW' ||
      (clientVisible(caller, relation, preset) &&
        (caller.kind !== 'SERVICE_USER' || !item.withheldFromSubject)),
  },
];

/** Invariants over every read of staff records' STAFF_PERSONAL fields. */
export const STAFF_PERSONAL_INVARIANTS: readonly Invariant<StaffPersonalReadRequest, ReadDecision>[] = [
  {
    id: 'staff-personal.readers',
    clause:
      'ACCESS-MODEL.md Staff records: HR_OFFICER, SENIOR_MANAGER and CHIEF_EXECUTIVE read STAFF_PERSONAL; the staff member reads their own; nobody else, and never with a purpose as a key (Azure 5.1).',
    holds: ({ caller, isOwnRecord }, decision) =>
      decision.effect !== 'JUSTIFICATION_REQUIRED' &&
      (decision.effect !== 'ALLOW' ||
        (!decision.justified &&
          caller.kind === 'STAFF' &&
          (isOwnRecord || caller.roles.some((role) => PERSONNEL_READERS.includes(role))))),
  },
  {
    id: 'staff-personal.operator-refused',
    clause: 'ACCESS-MODEL.md Operators see nothing.',
    holds: ({ caller }, decision) => caller.kind !== 'OPERATOR' || decision.effect === 'FORBIDDEN',
  },
  {
    id: 'staff-personal.unacknowledged',
    clause:
      "ACCESS-MODEL.md Policy acknowledgement gate, applied to colleagues' records because the same principles apply to them (Carers Trust 1.2, 6.1).",
    holds: ({ caller, isOwnRecord }, decision) =>
      caller.kind !== 'STAFF' ||
      caller.acknowledgedPolicy ||
      isOwnRecord ||
      decision.effect === 'POLICY_NOT_ACKNOWLEDGED',
  },
];
