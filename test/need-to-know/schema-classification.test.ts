import { readFileSync } from 'node:fs';
import { schema } from '@confide/api';
import { printConfideSchema, SCHEMA_FILE } from '@confide/api/print-schema';
import {
  type ConstDirectiveNode,
  type GraphQLField,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';

/**
 * Every field of a type holding client personal data carries a classification (ACCESS-MODEL.md, Directives:
 * "a schema test fails when a field of a personal-data type carries no classification"), both in the
 * executable schema — where it drives enforcement — and in the printed SDL partners read.
 */

/**
 * The types that hold a client's personal data, by judgement:
 * - ServiceUser: the person's identifying, contact and case details.
 * - CaseNote and its implementations: the notes written about the person.
 * - Consent: what the person agreed to, who for them, with a mental-capacity note.
 * Not included: EmergencyAccessReview (references, a reason code and the opener's own free-text justification,
 * sealed under the client's key and shown only to the reviewers the rule names — docs/decisions/0008), Allocation (reached only through the classified ServiceUser.allocations; staff links, no
 * client detail), AccessEvent and ClassificationAccess (references and field names only, by design), Service,
 * StaffMember, Organisation (no client data).
 * Any other type with a field of a client classification (anything but STAFF_PERSONAL) is added automatically
 * below, so a new client-data type is covered as soon as one of its fields is classified. Staff records
 * (STAFF_PERSONAL) are outside this test: they are not a client's data.
 */
const PERSONAL_DATA_TYPES = [
  'ServiceUser',
  'CaseNote',
  'CareNote',
  'HealthNote',
  'FinanceNote',
  'SafeguardingNote',
  'Consent',
] as const;

/** Fields of personal-data types that are structure, not personal data: each with why. */
const STRUCTURAL_FIELDS: Readonly<Record<string, string>> = {
  id: 'an opaque global id: says nothing about the person',
  notes: 'a relation: each note it lists carries its own classification and is filtered per note',
  latestNote: 'a relation: the note returned carries its own classification',
  serviceUser: 'a relation back to the person, whose fields are classified on ServiceUser',
  kind: 'the note kind, which decides the classification of the note body',
  recordedAt: 'when a note was recorded: bookkeeping, needed to order and page notes',
  amendedAt: 'when a note was amended: bookkeeping for the kept history',
  version: 'an optimistic-concurrency counter',
  authorId: 'the staff member who wrote a note (a staff reference, not client data)',
};

const CLASSIFICATIONS = schema.getType('Classification');

type Field = GraphQLField<unknown, unknown>;

function classificationOf(field: Field): unknown {
  const directives = field.extensions?.directives as { classified?: { as?: unknown } } | undefined;
  return directives?.classified?.as;
}

function fieldsOf(typeName: string): Record<string, Field> {
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInterfaceType(type)) throw new Error(`${typeName} is not an object type`);
  return type.getFields() as Record<string, Field>;
}

/** The explicit list, every implementation of CaseNote, and every type with at least one classified field. */
function personalDataTypes(): string[] {
  const names = new Set<string>(PERSONAL_DATA_TYPES);
  const caseNote = schema.getType('CaseNote');
  if (isInterfaceType(caseNote)) for (const type of schema.getPossibleTypes(caseNote)) names.add(type.name);
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const holdsClientData = Object.values(type.getFields()).some((field) => {
      const classification = classificationOf(field as Field);
      return classification !== undefined && classification !== 'STAFF_PERSONAL';
    });
    if (holdsClientData) {
      names.add(type.name);
    }
  }
  return [...names].sort();
}

describe('classification of personal-data fields', () => {
  it('finds every type of the explicit list in the schema', () => {
    for (const name of PERSONAL_DATA_TYPES) expect(() => fieldsOf(name), name).not.toThrow();
    expect(personalDataTypes()).toEqual(expect.arrayContaining([...PERSONAL_DATA_TYPES]));
  });

  it.each(personalDataTypes())(
    '%s: every field is classified, or structural by the allow-list',
    (typeName) => {
      const valid = (
        CLASSIFICATIONS && 'getValues' in CLASSIFICATIONS ? CLASSIFICATIONS.getValues() : []
      ).map((value) => value.name);
      const unclassified: string[] = [];
      for (const [name, field] of Object.entries(fieldsOf(typeName))) {
        const classification = classificationOf(field);
        if (classification === undefined) {
          if (!(name in STRUCTURAL_FIELDS)) unclassified.push(`${typeName}.${name}`);
          continue;
        }
        expect(valid, `${typeName}.${name} has an unknown classification`).toContain(classification);
      }
      expect(unclassified, 'fields of a personal-data type without @classified').toEqual([]);
    },
  );

  it('has no stale allow-list entry: each names a field that some personal-data type really leaves unclassified', () => {
    const used = new Set<string>();
    for (const typeName of personalDataTypes()) {
      for (const [name, field] of Object.entries(fieldsOf(typeName))) {
        if (classificationOf(field) === undefined && name in STRUCTURAL_FIELDS) used.add(name);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(STRUCTURAL_FIELDS).sort());
  });

  it.each([
    ['schema/schema.graphql', () => readFileSync(SCHEMA_FILE, 'utf8')],
    ['the SDL printed now', () => printConfideSchema()],
  ])(
    '%s shows @classified(as: …) on exactly the classified fields, with the enforced value',
    (_name, sdl) => {
      const document = parse(sdl());
      const printed = new Map<string, string | undefined>();
      for (const definition of document.definitions) {
        if (
          definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
          definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
        ) {
          continue;
        }
        for (const field of definition.fields ?? []) {
          const directive = field.directives?.find((d: ConstDirectiveNode) => d.name.value === 'classified');
          const as = directive?.arguments?.find((argument) => argument.name.value === 'as')?.value;
          printed.set(
            `${definition.name.value}.${field.name.value}`,
            as?.kind === Kind.ENUM ? as.value : undefined,
          );
        }
      }
      const mismatches: string[] = [];
      for (const typeName of personalDataTypes()) {
        for (const [name, field] of Object.entries(fieldsOf(typeName))) {
          const key = `${typeName}.${name}`;
          if (!printed.has(key)) {
            mismatches.push(`${key}: missing from the SDL`);
            continue;
          }
          const enforced = classificationOf(field);
          if (enforced === undefined && name in STRUCTURAL_FIELDS) continue;
          if (printed.get(key) === undefined || printed.get(key) !== enforced) {
            mismatches.push(
              `${key}: SDL says ${printed.get(key) ?? 'nothing'}, enforced ${String(enforced ?? 'nothing')}`,
            );
          }
        }
      }
      expect(mismatches).toEqual([]);
    },
  );
});
