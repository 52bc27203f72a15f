import { decideStaffPersonalRead, type ReadDecision } from '@confide/access';
import { type Classification, forbidden, type Relationship, unauthenticated } from '@confide/domain';
import { OWN_CONTACT_FIELDS, type SealedPersonnelField } from '@confide/store';
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
export function staffPersonalReadDecision(context: ConfideContext, staffId: string): ReadDecision {
  return decideStaffPersonalRead(context.access.callerFacts(), isOwnRecord(context, staffId));
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
) {
  const rows = needToKnowRows(STAFF_PERSONAL);
  return {
    directives: {
      classified: { as: STAFF_PERSONAL },
      needToKnow: { read: rows.read, justify: rows.justify },
    },
    authScopes: (parent: Parent, _args: object, context: ConfideContext, info: GraphQLResolveInfo) => {
      if (!context.auth) return false;
      const { staffId } = subject(parent, context);
      const decision = staffPersonalReadDecision(context, staffId);
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

/** The answer for a change to a staff member's personnel record. */
export type StaffPersonalWriteDecision =
  | { readonly effect: 'ALLOW'; readonly relationship: Relationship; readonly rule: string }
  | {
      readonly effect: 'FORBIDDEN' | 'POLICY_NOT_ACKNOWLEDGED';
      readonly relationship: Relationship;
      readonly rule: string;
    };

/**
 * Who changes a personnel record: HR_OFFICER ("named personnel staff", Azure 5.1) changes anyone else's;
 * a staff member keeps their own contact details (home address, personal phone, emergency contact) up to
 * date. Nobody, HR included, writes personnel notes about themself. Changing someone else's record needs the
 * current policy acknowledged, as reading it does.
 */
export function decideStaffPersonalWrite(
  context: ConfideContext,
  staffId: string,
  fields: readonly SealedPersonnelField[],
): StaffPersonalWriteDecision {
  const caller = context.access.callerFacts();
  if (caller.kind !== 'STAFF')
    return { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'staff-personal.none' };
  if (isOwnRecord(context, staffId)) {
    return fields.every((field) => OWN_CONTACT_FIELDS.includes(field))
      ? { effect: 'ALLOW', relationship: 'SELF', rule: 'staff-personal.own-contact-details' }
      : { effect: 'FORBIDDEN', relationship: 'SELF', rule: 'staff-personal.own-personnel-notes' };
  }
  if (!caller.acknowledgedPolicy) {
    return { effect: 'POLICY_NOT_ACKNOWLEDGED', relationship: 'NONE', rule: 'policy.acknowledgement' };
  }
  return caller.roles.includes('HR_OFFICER')
    ? { effect: 'ALLOW', relationship: 'ORG_WIDE', rule: 'staff-personal.hr-officer' }
    : { effect: 'FORBIDDEN', relationship: 'NONE', rule: 'staff-personal.none' };
}
