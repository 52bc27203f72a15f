import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
} from 'graphql';

/**
 * What each ID in the schema is (issue 19, docs/decisions/0037): the global id of a named type — what `node`
 * opens, and what arguments of that name take — or an opaque id that names something `node` does not open (a
 * review, a breach entry, an audit event). Every ID field, input field and argument is described with its form; one
 * that no rule below covers fails the build, so a new id cannot arrive undocumented.
 */

const GLOBAL_BY_NAME: Readonly<Record<string, string>> = {
  staffId: 'StaffMember',
  staffMemberId: 'StaffMember',
  authorId: 'StaffMember',
  investigatorId: 'StaffMember',
  recordedBy: 'StaffMember',
  madeBy: 'StaffMember',
  reviewedBy: 'StaffMember',
  placedBy: 'StaffMember',
  liftedBy: 'StaffMember',
  proposedBy: 'StaffMember',
  readBy: 'StaffMember',
  approvedBy: 'StaffMember',
  grantedBy: 'StaffMember',
  exportApprovedBy: 'StaffMember',
  releasedBy: 'StaffMember',
  distribution: 'StaffMember',
  sealedFor: 'StaffMember',
  serviceUserId: 'ServiceUser',
  serviceUserIds: 'ServiceUser',
  serviceId: 'Service',
  serviceGlobalId: 'Service',
  noteId: 'CaseNote',
  itemIds: 'CaseNote',
};

/** Ids that are not global ids, by name: what they name, and where they come from. */
const OPAQUE_BY_NAME: Readonly<Record<string, string>> = {
  reviewId: 'the `id` of the review, as its queue lists it',
  approvalId: 'a PendingChange’s `id`',
  requestId: 'a SubjectAccessRequest’s `id`',
  breachId: 'a Breach register entry’s `id`',
  investigationId: 'the investigation’s id, as opened',
  referralId: 'a Referral’s `id`',
  organisationId: 'an Organisation’s `id`',
  partnerId: 'a PartnerAgency’s `id`',
  evidence: 'AccessEvent `id`s',
  reference: 'the id of the item the notification is about',
  authorisationId: 'an ImportAuthorisation’s `id`, as authoriseImport gave it',
};

/** Exceptions by coordinate (`Type.field`): raw ids kept for compatibility next to their global replacement. */
const OPAQUE_BY_COORDINATE: Readonly<Record<string, string>> = {
  'AggregateCount.serviceId': 'the service’s raw (local) id, not a global id; use `serviceGlobalId`',
  'AccessEvent.actorId': 'the actor’s raw (local) id, not a global id; use `actor.staffId`',
};

/** Global ids whose type another field names, by coordinate. */
const GLOBAL_BY_COORDINATE: Readonly<Record<string, string>> = {
  'PendingChange.subjectId':
    'an object of the Node type `subjectKind` names (ServiceUser, StaffMember or Service): pass it to `node` or to that type’s own query',
};

const NODE_TYPES = new Set([
  'Node',
  'StaffMember',
  'Service',
  'ServiceUser',
  'CaseNote',
  'CareNote',
  'HealthNote',
  'FinanceNote',
  'SafeguardingNote',
]);

const article = (name: string) => (/^[AEIOU]/.test(name) ? 'an' : 'a');

function formOf(typeName: string, fieldName: string): string | undefined {
  const coordinate = `${typeName}.${fieldName}`;
  const exception = OPAQUE_BY_COORDINATE[coordinate];
  if (exception) return `Opaque id: ${exception}.`;
  const polymorphic = GLOBAL_BY_COORDINATE[coordinate];
  if (polymorphic) return `Global id of ${polymorphic}.`;
  if (fieldName === 'id' && NODE_TYPES.has(typeName)) {
    const type = typeName === 'Node' ? 'the object’s type' : typeName;
    return typeName === 'Node'
      ? 'Global id of an object of any Node type: pass it to `node`.'
      : `Global id of ${article(type)} ${type}.`;
  }
  const global = GLOBAL_BY_NAME[fieldName];
  if (global) return `Global id of ${article(global)} ${global}.`;
  const opaque = OPAQUE_BY_NAME[fieldName];
  if (opaque) return `Opaque id: ${opaque}.`;
  if (fieldName === 'id') return 'Opaque id (not a Node global id).';
  return undefined;
}

const FORM = /global id of an? [A-Z][A-Za-z]+|opaque id/i;

function withForm(description: string | null | undefined, form: string): string {
  const text = description?.trim() ?? '';
  if (FORM.test(text)) return text;
  return text === '' ? form : `${text}${/[.!?)]$/.test(text) ? '' : '.'} ${form}`;
}

const isId = (type: GraphQLNamedType) => type.name === 'ID';

/** Adds each ID's form to its description; throws on an ID no rule covers. */
export function describeIdForms<S extends GraphQLSchema>(schema: S): S {
  const uncovered: string[] = [];
  const describe = (
    item: GraphQLField<unknown, unknown> | GraphQLInputField | GraphQLArgument,
    typeName: string,
    name: string,
    coordinate: string,
  ) => {
    if (!isId(getNamedType(item.type))) return;
    const form = formOf(typeName, name);
    if (!form) {
      uncovered.push(coordinate);
      return;
    }
    (item as { description: string | null | undefined }).description = withForm(item.description, form);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        describe(field, type.name, field.name, `${type.name}.${field.name}`);
        const nodeLookup = type.name === 'Query' && (field.name === 'node' || field.name === 'nodes');
        for (const arg of field.args) {
          if (nodeLookup) {
            (arg as { description: string | null | undefined }).description = withForm(
              arg.description,
              'Global id of an object of any Node type.',
            );
            continue;
          }
          // An argument takes the form its name has on outputs (a review's `reviewId`, a staff member's `staffId`).
          describe(arg, '', arg.name, `${type.name}.${field.name}(${arg.name}:)`);
        }
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        describe(field, '', field.name, `${type.name}.${field.name}`);
      }
    }
  }
  if (uncovered.length > 0) {
    throw new Error(`IDs without a documented form (schema/id-forms.ts): ${uncovered.join(', ')}`);
  }
  return schema;
}
