import {
  decideStaffPersonalRead,
  PERSONNEL_READERS,
  type ReadDecision,
  type StaffRecordReaders,
} from '@confide/access';
import { type Classification, forbidden, unauthenticated } from '@confide/domain';
import type { GraphQLResolveInfo } from 'graphql';
import type { ConfideContext } from '../context';
import { needToKnowRows } from './need-to-know';
import { readRefusal } from './request-access';

const STAFF_PERSONAL: Classification = 'STAFF_PERSONAL';

/** Whose staff record a STAFF_PERSONAL field belongs to. */
export interface StaffPersonalSubject {
  readonly staffId: string;
}

function pathKey(info: GraphQLResolveInfo): string {
  const parts: (string | number)[] = [];
  for (let path: GraphQLResolveInfo['path'] | undefined = info.path; path; path = path.prev)
    parts.unshift(path.key);
  return parts.join('.');
}

function rootField(info: GraphQLResolveInfo): string {
  let path: GraphQLResolveInfo['path'] = info.path;
  while (path.prev) path = path.prev;
  return String(path.key);
}

function isOwnRecord(context: ConfideContext, staffId: string): boolean {
  const principal = context.auth?.principal;
  return principal?.kind === 'STAFF' && principal.staffId === staffId;
}

/** The read decision for one staff member's STAFF_PERSONAL data, by the pure engine (Azure 5.1). */
export function staffPersonalReadDecision(
  context: ConfideContext,
  staffId: string,
  readers: StaffRecordReaders = PERSONNEL_READERS,
): ReadDecision {
  return decideStaffPersonalRead(context.access.callerFacts(), isOwnRecord(context, staffId), readers);
}

const decisions = new WeakMap<ConfideContext, Map<string, ReadDecision>>();

/**
 * The staff-subject counterpart of `needToKnow`: spread into a Pothos field, it prints
 * `@classified(as: STAFF_PERSONAL)` and `@needToKnow` in the SDL, decides the read with
 * `decideStaffPersonalRead` (HR_OFFICER, SENIOR_MANAGER, CHIEF_EXECUTIVE, and the staff member for their own
 * record), audits every read and refusal with the staff member as the subject, and turns a refusal into an
 * error on that path only, with the field null.
 */
export function staffPersonal<Parent>(
  subject: (parent: Parent, context: ConfideContext) => StaffPersonalSubject,
  /** Who reads this part of the record besides the staff member (default: the personnel file's readers). */
  readers: StaffRecordReaders = PERSONNEL_READERS,
) {
  const rows = needToKnowRows(STAFF_PERSONAL);
  return {
    directives: {
      classified: { as: STAFF_PERSONAL },
      needToKnow: {
        read: readers === PERSONNEL_READERS ? rows.read : [...readers.roles, 'SELF'],
        justify: rows.justify,
      },
    },
    authScopes: (parent: Parent, _args: object, context: ConfideContext, info: GraphQLResolveInfo) => {
      if (!context.auth) return false;
      const { staffId } = subject(parent, context);
      const decision = staffPersonalReadDecision(context, staffId, readers);
      const allowed = decision.effect === 'ALLOW';
      context.access.audit.record({
        action: allowed ? 'READ' : 'DENIED',
        operation: rootField(info),
        subjectId: staffId,
        field: `${info.parentType.name}.${info.fieldName}`,
        classification: STAFF_PERSONAL,
        relationship: 'relationship' in decision ? decision.relationship : undefined,
        outcome: allowed ? 'ALLOWED' : decision.effect,
        rule: decision.rule,
      });
      let byPath = decisions.get(context);
      if (!byPath) {
        byPath = new Map();
        decisions.set(context, byPath);
      }
      byPath.set(pathKey(info), decision);
      return allowed;
    },
    unauthorizedError: (
      _parent: Parent,
      _args: object,
      context: ConfideContext,
      info: GraphQLResolveInfo,
    ) => {
      if (!context.auth) return context.authError ?? unauthenticated();
      const decision = decisions.get(context)?.get(pathKey(info));
      return decision ? readRefusal(decision, `${info.parentType.name}.${info.fieldName}`) : forbidden();
    },
  };
}
