import type { Role } from '@confide/domain';
import type { ReadDecision } from './decision';
import type { CallerFacts } from './facts';

/** Roles that read any staff member's STAFF_PERSONAL data: "named personnel staff, Senior Management and the Chief Executive" (Azure 5.1). */
export const PERSONNEL_READER_ROLES: readonly Role[] = ['HR_OFFICER', 'SENIOR_MANAGER', 'CHIEF_EXECUTIVE'];

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
export function decideStaffPersonalRead(caller: CallerFacts, isOwnRecord: boolean): ReadDecision {
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
      if (caller.roles.some((role) => PERSONNEL_READER_ROLES.includes(role))) {
        return {
          effect: 'ALLOW',
          relationship: 'ORG_WIDE',
          justified: false,
          rule: 'staff-personal.personnel',
        };
      }
      return { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'staff-personal.none' };
  }
}
