import { type ItemFacts, PLAIN_ITEM, type ReadDecision, STRICT_MATRIX } from '@confide/access';
import { type Classification, forbidden } from '@confide/domain';
import type { ServiceUserRecord } from '@confide/store';
import type { GraphQLResolveInfo } from 'graphql';
import type { ConfideContext } from '../context';
import { readRefusal } from './request-access';

/** Whose record a classified field belongs to, and the facts of the item that holds it. */
export interface ClassifiedSubject {
  readonly client: ServiceUserRecord;
  readonly item?: ItemFacts;
  /**
   * The item's opaque id (a note's or media item's id), which the read's audit event names under an
   * investigation, break-glass or a stated purpose; never content.
   */
  readonly itemId?: string;
}

function pathKey(info: GraphQLResolveInfo): string {
  const parts: (string | number)[] = [];
  for (let path: GraphQLResolveInfo['path'] | undefined = info.path; path; path = path.prev)
    parts.unshift(path.key);
  return parts.join('.');
}

/** The operation's top-level field (e.g. `serviceUser`), under which audit events are filed. */
function rootField(info: GraphQLResolveInfo): string {
  let path: GraphQLResolveInfo['path'] = info.path;
  while (path.prev) path = path.prev;
  return String(path.key);
}

const decisions = new WeakMap<ConfideContext, Map<string, ReadDecision>>();

/**
 * The matrix rows that read (R) or read with a stated purpose (J) a classification, for the SDL: partners see
 * in `schema.graphql` exactly the rule the server enforces.
 */
export function needToKnowRows(classification: Classification): { read: string[]; justify: string[] } {
  const read: string[] = [];
  const justify: string[] = [];
  if (classification === 'STAFF_PERSONAL')
    return { read: ['HR_OFFICER', 'SENIOR_MANAGER', 'CHIEF_EXECUTIVE', 'SELF'], justify };
  for (const row of STRICT_MATRIX) {
    const cell = row.cells[classification];
    if (cell === 'R' || cell === 'RW') read.push(row.id);
    if (cell === 'J') justify.push(row.id);
  }
  return { read, justify };
}

/**
 * One declaration per classified field: spread into a Pothos field, it (1) prints `@classified` and
 * `@needToKnow` on the field in the SDL, (2) enforces the decision through scope-auth, auditing every read and
 * refusal, and (3) turns a refusal into the right error on that path only (FORBIDDEN,
 * JUSTIFICATION_REQUIRED, POLICY_NOT_ACKNOWLEDGED) with the field null, so lists and siblings are unaffected.
 */
export function needToKnow<Parent>(
  classification: Classification,
  /** Undefined where no person's data stands behind the field (it resolves null): nothing to decide or record. */
  subject: (
    parent: Parent,
    context: ConfideContext,
  ) => ClassifiedSubject | undefined | Promise<ClassifiedSubject | undefined>,
) {
  const rows = needToKnowRows(classification);
  return {
    directives: {
      classified: { as: classification },
      needToKnow: { read: rows.read, justify: rows.justify },
    },
    authScopes: async (parent: Parent, _args: object, context: ConfideContext, info: GraphQLResolveInfo) => {
      const classified = await subject(parent, context);
      if (!classified) return true;
      const { client, item, itemId } = classified;
      const decision = await context.access.decideRead(
        client,
        classification,
        `${info.parentType.name}.${info.fieldName}`,
        item ?? PLAIN_ITEM,
        rootField(info),
        itemId,
      );
      let byPath = decisions.get(context);
      if (!byPath) {
        byPath = new Map();
        decisions.set(context, byPath);
      }
      byPath.set(pathKey(info), decision);
      return decision.effect === 'ALLOW';
    },
    unauthorizedError: (
      _parent: Parent,
      _args: object,
      context: ConfideContext,
      info: GraphQLResolveInfo,
    ) => {
      const decision = decisions.get(context)?.get(pathKey(info));
      return decision ? readRefusal(decision, `${info.parentType.name}.${info.fieldName}`) : forbidden();
    },
  };
}
