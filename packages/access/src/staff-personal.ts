import type { Role } from '@confide/domain';
import type { ReadDecision } from './decision';
import type { CallerFacts } from './facts';
import type { RuleId } from './rules';

/** Roles that read any staff member's STAFF_PERSONAL data: "named personnel staff, Senior Management and the Chief Executive" (Azure 5.1). */
export const PERSONNEL_READER_ROLES: readonly Role[] = ['HR_OFFICER', 'SENIOR_MANAGER', 'CHIEF_EXECUTIVE'];

/** Who reads a part of a staff record, beyond the staff member themself, and the rule that allows it. */
export interface StaffRecordReaders {
  readonly roles: readonly Role[];
  readonly rule: RuleId;
}

/** The personnel file and contact details (Azure 5.1). */
export const PERSONNEL_READERS: StaffRecordReaders = {
  roles: PERSONNEL_READER_ROLES,
  rule: 'staff-personal.personnel',
};

/**
 * When a staff member's employment ended and their records expire: personnel readers, and those who record the end
 * (ORG_ADMIN) and govern retention (IG_LEAD). Not their colleagues: the retention schedule gives it to the IG lead.
 */
export const EMPLOYMENT_READERS: StaffRecordReaders = {
  roles: [...PERSONNEL_READER_ROLES, 'ORG_ADMIN', 'IG_LEAD'],
  rule: 'staff-personal.employment',
};

/**
 * Decides a read of a staff record's STAFF_PERSONAL fields (home address, personal phone, personnel file):
 * HR_OFFICER, SENIOR_MANAGER and CHIEF_EXECUTIVE read them, the staff member reads their own, nobody else.
 *
 * A staff member reads their own record even before acknowledging the policy (it is their own data); reading
 * anyone else's is gated like client data, since "the same principles apply to information about your
 * colleagues" (Carers Trust 1.2). Other staff get FORBIDDEN (colleagues' records are visible, these fields
 * are not); service users and partners get NOT_FOUND (staff records are not theirs to see); operators are
 * refused as everywhere.
 */
export function decideStaffPersonalRead(
  caller: CallerFacts,
  isOwnRecord: boolean,
  readers: StaffRecordReaders = PERSONNEL_READERS,
): ReadDecision {
  switch (caller.kind) {
    case 'OPERATOR':
      return { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'operator.none' };
    case 'SERVICE_USER':
    case 'PARTNER':
      return { effect: 'NOT_FOUND', rule: 'staff-personal.none' };
    case 'STAFF':
      if (isOwnRecord) {
        return { effect: 'ALLOW', relationship: 'SELF', justified: false, rule: 'staff-personal.own-record' };
      }
      if (!caller.acknowledgedPolicy)
        return { effect: 'POLICY_NOT_ACKNOWLEDGED', rule: 'policy.acknowledgement' };
      if (caller.roles.some((role) => readers.roles.includes(role))) {
        return { effect: 'ALLOW', relationship: 'ORG_WIDE', justified: false, rule: readers.rule };
      }
      return { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'staff-personal.none' };
  }
}
