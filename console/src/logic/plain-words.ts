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

const ACTION_WORDS: Record<string, string> = {
  READ: 'read',
  WRITE: 'changed',
  DENIED: 'was refused',
  EMERGENCY_ACCESS: 'opened emergency access to',
  ADMIN: 'administered',
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
  /** The API operation, named when no classification says what was touched. */
  readonly operation?: string;
}

/** An API operation's name in words: `emergencyAccessReviews` → "emergency access reviews". */
export const operationWords = (operation: string) =>
  operation.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * One access as a sentence: "Sam Worker (support worker) read care and support notes, health information".
 * A refusal says what was refused; an unnamed actor (erased, or not staff) is "Someone".
 */
export function accessSentence(event: AccessFacts): string {
  const who = `${event.actorName ?? 'Someone'}${event.actorRoles.length ? ` (${rolesWords(event.actorRoles)})` : ''}`;
  const what = event.classifications.length
    ? event.classifications.map(classificationWords).join(', ')
    : event.operation
      ? `the record (in ${operationWords(event.operation)})`
      : 'the record';
  if (event.action === 'DENIED' || (event.outcome !== 'ALLOWED' && event.outcome !== '')) {
    return `${who} was refused ${what}`;
  }
  const verb = words(ACTION_WORDS, event.action);
  return event.action === 'EMERGENCY_ACCESS' ? `${who} ${verb} the record` : `${who} ${verb} ${what}`;
}
