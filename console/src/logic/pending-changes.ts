/**
 * A change waiting for a second person, in words. The API names the mutation proposed, the rule that asked for a
 * second person, and what it is about by kind and global id only (a pending change holds no personal data), so the
 * words say what kind of change it is and tell two of a kind apart by their subject's label, never a name.
 */
const OPERATION_WORDS: Record<string, string> = {
  eraseServiceUser: 'Erase a person’s records',
  setAccessPreset: 'Widen who may read records across services',
  assignRoles: 'Give a staff member a role that needs a second person',
  addStaffMember: 'Add a staff member with a role that needs a second person',
  inviteStaffMember: 'Invite a staff member with a role that needs a second person',
};

const RULE_WORDS: Record<string, string> = {
  'retention.erasure.two-person':
    'an erasure needs a second person: the Caldicott Guardian or another IG lead',
  'organisation.preset.widen': 'widening access needs the Caldicott Guardian',
  'identity.roles.content': 'a role that opens client records needs a second account administrator',
  'identity.roles.approver': 'a new account administrator needs a second account administrator',
};

/** What the change does; an operation the console does not know is named as the API names it. */
export function pendingChangeWords(operation: string): string {
  return OPERATION_WORDS[operation] ?? `Change: ${operation}`;
}

/** Why it waits for a second person; a rule the console does not know is named as the API names it. */
export function pendingRuleWords(rule: string): string {
  return RULE_WORDS[rule] ?? `rule ${rule}`;
}

const SUBJECT_WORDS: Record<string, string> = {
  SERVICE_USER: 'person',
  STAFF_MEMBER: 'staff account',
  SERVICE: 'service',
};

/**
 * What a change is about, as a short stable label from its global id's tail ("person …AbC12345"): global ids are
 * opaque, so nothing is decoded from them. Undefined for a change about the organisation as a whole.
 */
export function pendingSubjectWords(
  kind: string | null | undefined,
  subjectId: string | null | undefined,
): string | undefined {
  if (!kind || !subjectId) return undefined;
  return `${SUBJECT_WORDS[kind] ?? kind.toLowerCase().replaceAll('_', ' ')} …${subjectId.replaceAll('=', '').slice(-8)}`;
}

/** A change whose approval cannot be undone, and how its confirmation says so. */
export interface IrreversibleChange {
  /** What is confirmed: "the erasure". */
  readonly what: string;
  /** What approving does at once, and that it cannot be undone. */
  readonly consequence: string;
  /** The confirming button's words. */
  readonly confirm: string;
}

const IRREVERSIBLE: Record<string, IrreversibleChange> = {
  eraseServiceUser: {
    what: 'the erasure',
    consequence:
      'Approving erases the person at once: their data key is destroyed and their records deleted, leaving only a tombstone. It cannot be undone.',
    confirm: 'Erase for good',
  },
};

/** The change cannot be undone once approved: its approval asks for a second, explicit step. */
export const irreversibleChange = (operation: string): IrreversibleChange | undefined =>
  IRREVERSIBLE[operation];
