/** Roles, relationships and classifications in the words a reviewer uses, not the API's enum names. */

const ROLE_WORDS: Record<string, string> = {
  ADMINISTRATOR: 'administrator',
  CALDICOTT_GUARDIAN: 'Caldicott Guardian',
  CHIEF_EXECUTIVE: 'chief executive',
  HR_OFFICER: 'HR officer',
  IG_LEAD: 'information governance lead',
  ORG_ADMIN: 'account administrator',
  SAFEGUARDING_LEAD: 'safeguarding lead',
  SENIOR_MANAGER: 'senior manager',
  SERVICE_MANAGER: 'service manager',
  SUPPORT_WORKER: 'support worker',
  TEAM_LEADER: 'team leader',
  VOLUNTEER: 'volunteer',
};

const RELATIONSHIP_WORDS: Record<string, string> = {
  ALLOCATED: 'allocated to support them',
  EMERGENCY: 'emergency (break-glass) access',
  INVESTIGATION: 'a safeguarding investigation',
  MANAGES_SERVICE: 'manages their service',
  NONE: 'no relationship',
  ORG_WIDE: 'organisation-wide role',
  QA_REVIEW: 'quality review of the service',
  SELF: 'the person themself',
};

const CLASSIFICATION_WORDS: Record<string, string> = {
  CARE: 'care and support notes',
  CONSENT: 'consent and disclosures',
  CONTACT: 'contact details',
  FINANCE: 'finances',
  HEALTH: 'health information',
  IDENTIFYING: 'identifying details',
  PSEUDONYMOUS: 'reference only',
  SAFEGUARDING: 'safeguarding information',
  STAFF_PERSONAL: 'staff personal details',
};

/** The verb of an allowed action, where neither a classification nor a known operation says more. */
const ACTION_WORDS: Record<string, string> = {
  READ: 'read',
  WRITE: 'changed',
  ADMIN: 'administered',
  DISCLOSURE: 'shared',
};

const REASON_WORDS: Record<string, string> = {
  IMMINENT_DANGER: 'imminent danger',
  MEDICAL_EMERGENCY: 'medical emergency',
  SAFEGUARDING: 'safeguarding',
  LEGAL_REQUIREMENT: 'legal requirement',
  OTHER: 'other',
};

const words = (table: Record<string, string>, value: string) =>
  table[value] ?? value.toLowerCase().replaceAll('_', ' ');

export const roleWords = (role: string) => words(ROLE_WORDS, role);
export const rolesWords = (roles: readonly string[]) => roles.map(roleWords).join(', ') || 'no role';
export const relationshipWords = (relationship: string) => words(RELATIONSHIP_WORDS, relationship);
export const classificationWords = (classification: string) => words(CLASSIFICATION_WORDS, classification);
export const emergencyReasonWords = (reason: string) => words(REASON_WORDS, reason);
export const enumWords = (value: string) => value.toLowerCase().replaceAll('_', ' ');

/** The parts of an audited access the log sentence is made of. */
export interface AccessFacts {
  readonly action: string;
  readonly actorName: string | null | undefined;
  readonly actorRoles: readonly string[];
  readonly classifications: readonly string[];
  readonly outcome: string;
  /** The API operation that touched the record: says what was done when no classification does. */
  readonly operation?: string;
  /** The fields touched; a governance list records the type it listed (`EmergencyAccessReview`) as its field. */
  readonly fields?: readonly string[];
}

/** An API operation's name in words: `emergencyAccessReviews` → "emergency access reviews". */
export const operationWords = (operation: string) =>
  operation.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** The legal bases a disclosure is made on (the API's `LegalBasis`). */
const LEGAL_BASES = new Set([
  'CONSENT',
  'COURT_ORDER',
  'PREVENTION_OF_SERIOUS_CRIME',
  'SAFEGUARDING',
  'VITAL_INTERESTS',
]);

/**
 * A disclosure's legal basis in words, from the rule that decided it (`disclosure.released.CONSENT`: the basis last).
 * A rule that ends in no basis, or no rule, says so rather than passing the rule's own name off as one.
 */
export function disclosureBasisWords(rule: string | null | undefined): string {
  const basis = rule?.split('.').at(-1) ?? '';
  return LEGAL_BASES.has(basis) ? enumWords(basis) : 'not recorded';
}

/**
 * What an operation does to a person's record, in words: what they did (`did`), what they tried to do when refused
 * (`to`), and, for a change that waits for a second person, what they proposed (`proposing`). The log names the
 * operation only where no classification says what was touched (a case closed, a hold placed, the log itself read).
 */
interface OperationDeed {
  readonly did: string;
  readonly to: string;
  readonly proposing?: string;
}

const deed = (did: string, to: string, proposing?: string): OperationDeed =>
  proposing ? { did, to, proposing } : { did, to };

const OPERATION_DEEDS: Record<string, OperationDeed> = {
  accessExplanation: deed(
    'checked why they can or cannot see the record',
    'check why they can see the record',
  ),
  accessLog: deed('viewed the access log', 'view the access log'),
  acknowledgeDisclosureWork: deed('acknowledged disclosure work', 'acknowledge disclosure work'),
  allocateWorker: deed('allocated a worker', 'allocate a worker'),
  amendNote: deed('amended a note', 'amend a note'),
  approveChange: deed('approved a change', 'approve a change'),
  approveSubjectAccessExport: deed('approved a subject access export', 'approve a subject access export'),
  caseNote: deed('read a note', 'read a note'),
  caseload: deed('read a caseload', 'read a caseload'),
  clearConflict: deed('cleared a conflict of interest', 'clear a conflict of interest'),
  closeCase: deed('closed the case', 'close the case'),
  closeSafeguardingInvestigation: deed(
    'closed a safeguarding investigation',
    'close a safeguarding investigation',
  ),
  completeDisclosureReview: deed('completed a disclosure review', 'complete a disclosure review'),
  completeEmergencyAccessReview: deed(
    'completed an emergency access review',
    'complete an emergency access review',
  ),
  completeSubjectAccessRequest: deed(
    'marked a subject access request answered',
    'mark a subject access request answered',
  ),
  correctContactDetails: deed('corrected contact details', 'correct contact details'),
  correctDisclosureEntry: deed(
    'corrected a disclosure register entry',
    'correct a disclosure register entry',
  ),
  decideDisclosureRequest: deed('decided a disclosure request', 'decide a disclosure request'),
  declareConflict: deed('declared a conflict of interest', 'declare a conflict of interest'),
  disclosureReport: deed('viewed the disclosure register', 'view the disclosure register'),
  disclosureReviews: deed('viewed disclosure reviews', 'view disclosure reviews'),
  disclosureReviewsConnection: deed('viewed disclosure reviews', 'view disclosure reviews'),
  disclosureWorkQueue: deed('viewed the disclosure queue', 'view the disclosure queue'),
  disclosureWorkQueueConnection: deed('viewed the disclosure queue', 'view the disclosure queue'),
  emergencyAccessReview: deed('viewed an emergency access review', 'view an emergency access review'),
  emergencyAccessReviews: deed('viewed emergency access reviews', 'view emergency access reviews'),
  emergencyAccessReviewsConnection: deed('viewed emergency access reviews', 'view emergency access reviews'),
  endAllocation: deed('ended an allocation', 'end an allocation'),
  eraseServiceUser: deed('erased the records', 'erase the records', 'erasing the records'),
  escalateDisclosureRequest: deed(
    'escalated a disclosure request to the Caldicott Guardian',
    'escalate a disclosure request',
  ),
  legalHolds: deed('viewed the legal holds', 'view the legal holds'),
  liftLegalHold: deed('lifted the legal hold', 'lift the legal hold'),
  node: deed('read the record', 'read the record'),
  nodes: deed('read the record', 'read the record'),
  openEmergencyAccess: deed('opened emergency access to the record', 'open emergency access to the record'),
  openSafeguardingInvestigation: deed(
    'opened a safeguarding investigation',
    'open a safeguarding investigation',
  ),
  placeLegalHold: deed('placed a legal hold on the records', 'place a legal hold on the records'),
  receiveDisclosureRequest: deed('recorded a disclosure request', 'record a disclosure request'),
  recordAuthorAuthority: deed('recorded an author’s authority', 'record an author’s authority'),
  recordConsent: deed('recorded consent', 'record consent'),
  recordDisclosureToldToPerson: deed(
    'recorded that the person was told of a disclosure',
    'record that the person was told of a disclosure',
  ),
  recordExceptionalDisclosure: deed('recorded an exceptional disclosure', 'record an exceptional disclosure'),
  recordMedia: deed('added a photo or document', 'add a photo or document'),
  recordNote: deed('recorded a note', 'record a note'),
  recordReferral: deed('recorded a referral', 'record a referral'),
  recordReferralAppointment: deed('recorded a referral appointment', 'record a referral appointment'),
  registerServiceUser: deed('registered the person', 'register the person'),
  releaseDisclosure: deed('released a disclosure', 'release a disclosure'),
  reopenCase: deed('reopened the case', 'reopen the case'),
  requestSubjectAccess: deed('recorded a subject access request', 'record a subject access request'),
  rescheduleRetention: deed(
    'changed when the records are kept until',
    'change when the records are kept until',
    'changing when the records are kept until',
  ),
  retentionSchedule: deed('viewed the retention schedule', 'view the retention schedule'),
  searchServiceUsers: deed('searched for people', 'search for people'),
  searchServiceUsersConnection: deed('searched for people', 'search for people'),
  serviceUser: deed('read the record', 'read the record'),
  serviceUsers: deed('read the record', 'read the record'),
  setDisclosureRequestUrgency: deed(
    'changed the urgency of a disclosure request',
    'change the urgency of a disclosure request',
  ),
  staffAccessReport: deed('viewed what a staff member accessed', 'view what a staff member accessed'),
  subjectAccessExport: deed('produced a subject access export', 'produce a subject access export'),
  subjectAccessRequests: deed('viewed the subject access register', 'view the subject access register'),
  subjectAccessRequestsConnection: deed(
    'viewed the subject access register',
    'view the subject access register',
  ),
  supervisionCase: deed('read a pseudonymised case study', 'read a pseudonymised case study'),
  withdrawConsent: deed('recorded consent withdrawn', 'record consent withdrawn'),
};

/**
 * What a governance list shows of a person, by the type it listed (the field its read records): the list names them
 * and what it holds about them, but none of their record's classified fields.
 */
const LISTED_WORDS: Record<string, string> = {
  DisclosureQueueItem: 'viewed the person’s disclosure request in the disclosure queue',
  DisclosureReview: 'viewed the review of a disclosure about the person',
  EmergencyAccessReview: 'viewed the person’s emergency access review',
  LegalHold: 'viewed the legal hold on the person’s records',
};

/** What an operation the console does not know did: the verb of the action, and the operation in words. */
const unknownDeed = (action: string, operation: string | undefined): OperationDeed => {
  const where = operation ? ` (in ${operationWords(operation)})` : '';
  return deed(`${words(ACTION_WORDS, action)} the record${where}`, `use the record${where}`);
};

/** Outcomes other than ALLOWED that are not refusals: a change awaiting its second person, a search that found none. */
const NOT_REFUSED = new Set(['ALLOWED', 'APPROVAL_REQUESTED', 'NONE_FOUND', '']);

/** What an operation did, in words: "released a disclosure"; one the console does not know, by its name in words. */
export const operationDoneWords = (operation: string) =>
  OPERATION_DEEDS[operation]?.did ?? operationWords(operation);

/** Whether an access was refused: DENIED, or an outcome that is a refusal's code (FORBIDDEN, NOT_FOUND, …). */
export const isRefusal = (event: Pick<AccessFacts, 'action' | 'outcome'>) =>
  event.action === 'DENIED' || !NOT_REFUSED.has(event.outcome);

/** "a, b and c". */
const listWords = (items: readonly string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');

/**
 * One access as a sentence: "Sam Worker (support worker) read care and support notes and health information".
 * Opening emergency access and reading under it are told apart (the grant is `openEmergencyAccess`, touching no
 * field); a change proposed for a second person's approval is no refusal; a governance list says what it showed; an
 * unnamed actor (erased, or not staff) is "Someone".
 */
export function accessSentence(event: AccessFacts): string {
  const who = `${event.actorName ?? 'Someone'}${event.actorRoles.length ? ` (${rolesWords(event.actorRoles)})` : ''}`;
  const operation = event.operation ?? '';
  const known = OPERATION_DEEDS[operation] ?? unknownDeed(event.action, event.operation);
  const touched = listWords(event.classifications.map(classificationWords));
  if (isRefusal(event)) {
    return touched ? `${who} was refused ${touched}` : `${who} tried to ${known.to} and was refused`;
  }
  if (event.outcome === 'APPROVAL_REQUESTED') {
    return `${who} proposed ${known.proposing ?? `to ${known.to}`} (awaiting approval)`;
  }
  const fields = event.fields ?? [];
  if (event.action === 'EMERGENCY_ACCESS') {
    const opening = operation === 'openEmergencyAccess' || (!operation && !touched && fields.length === 0);
    if (opening) return `${who} opened emergency access to the record`;
    return `${who} read ${touched || 'the record'} under emergency access`;
  }
  const listed = fields.map((field) => LISTED_WORDS[field]).find(Boolean);
  if (listed) return `${who} ${listed}`;
  if (touched) return `${who} ${words(ACTION_WORDS, event.action)} ${touched}`;
  if (event.outcome === 'NONE_FOUND') return `${who} ${known.did} and found nobody`;
  return `${who} ${known.did}`;
}
