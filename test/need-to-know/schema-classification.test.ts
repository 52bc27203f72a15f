import { readFileSync } from 'node:fs';
import { assertPersonalDataClassified, personalDataTypes, schema } from '@confide/api';
import { printConfideSchema, SCHEMA_FILE } from '@confide/api/print-schema';
import {
  type ConstDirectiveNode,
  type GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
} from 'graphql';
import { describe, expect, it } from 'vitest';

/**
 * Every field of a type holding client personal data carries a classification (ACCESS-MODEL.md, Directives), both
 * in the executable schema — where it drives enforcement — and in the printed SDL partners read. The types
 * declare themselves (`personalData({ structural })` beside their definition) and the schema build fails on an
 * unclassified field (access/personal-data.ts); these tests show the check bites, and that the SDL agrees.
 */

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

/** A one-type schema, to try the build check on. */
function schemaWith(fields: Record<string, 'classified' | 'plain'>, structural?: Record<string, string>) {
  const type = new GraphQLObjectType({
    name: 'Person',
    ...(structural ? { extensions: { personalData: { structural } } } : {}),
    fields: Object.fromEntries(
      Object.entries(fields).map(([name, kind]) => [
        name,
        {
          type: GraphQLString,
          ...(kind === 'classified' ? { extensions: { directives: { classified: { as: 'HEALTH' } } } } : {}),
        },
      ]),
    ),
  });
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { person: { type } } }) });
}

/** Names of fields that hold text someone typed: a reason, a detail, notes, a purpose, a recipient, a caption, … */
const FREE_TEXT_NAME =
  /reason|detail|note|comment|justification|nature|containment|purpose|recipient|caption|body|text/i;

const GENERATED = 'written by the API from rules, ids and counts; nobody types it';

/**
 * Free-text fields served without a classification, each with why (decision 0152). Anything else by those names is
 * classified on the person it is about: a new one fails here until it is classified or listed with a reason.
 */
const UNCLASSIFIED_FREE_TEXT: Record<string, string> = {
  'Breach.nature':
    'the breach register describes an incident by categories and counts, not people (ReportBreachInput), and names no person whose matrix could decide',
  'Breach.containment': 'what was done about the incident; as `Breach.nature`',
  'ReleasedText.body':
    'a partner’s copy of what was released to it, decided by its grant, not by the staff matrix',
  'EmergencyAccessReportEntry.reason': 'an EmergencyReason value: a category, as the review’s `reason` is',
  'ClassificationAccess.reason': GENERATED,
  'IgDisclosures.note': GENERATED,
  'IgRetention.note': GENERATED,
  'IgSubjectAccess.note': GENERATED,
};

/** Every String field named like free text, with its classification (undefined when it has none). */
function freeTextFields(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    if (type === schema.getQueryType() || type === schema.getMutationType()) continue;
    for (const field of Object.values(type.getFields()) as Field[]) {
      if (getNamedType(field.type) === GraphQLString && FREE_TEXT_NAME.test(field.name)) {
        found.set(`${type.name}.${field.name}`, classificationOf(field));
      }
    }
  }
  return found;
}

describe('free text about a person (decision 0152)', () => {
  it('is classified wherever it is served, unless listed with why it is not a person’s data for the matrix', () => {
    const fields = freeTextFields();
    const unclassified = [...fields].filter(([, as]) => as === undefined).map(([name]) => name);
    expect(unclassified.filter((name) => !(name in UNCLASSIFIED_FREE_TEXT))).toEqual([]);
    // The list stays true: each entry is served, and unclassified.
    expect(Object.keys(UNCLASSIFIED_FREE_TEXT).filter((name) => !unclassified.includes(name))).toEqual([]);
    for (const name of [
      'AccessEvent.purpose',
      'LegalHold.reason',
      'LegalHold.liftReason',
      'EmergencyAccessReview.detail',
      'DisclosureReview.notes',
    ]) {
      expect(fields.get(name), name).toBe('CONSENT');
    }
  });
});

describe('classification of personal-data fields', () => {
  it('passes for the schema as built, whose personal-data types include the client, notes and consents', () => {
    expect(() => assertPersonalDataClassified(schema)).not.toThrow();
    const names = [...personalDataTypes(schema).keys()];
    for (const name of [
      'ServiceUser',
      'CaseNote',
      'CareNote',
      'HealthNote',
      'FinanceNote',
      'SafeguardingNote',
      'Consent',
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it('fails the build for an unclassified field of a declared type', () => {
    expect(() => assertPersonalDataClassified(schemaWith({ diagnosis: 'plain' }, {}))).toThrow(
      'Person.diagnosis is personal data without @classified',
    );
    expect(() => assertPersonalDataClassified(schemaWith({ diagnosis: 'classified' }, {}))).not.toThrow();
  });

  it('fails the build for a type with client-classified fields that is not declared', () => {
    expect(() =>
      assertPersonalDataClassified(schemaWith({ diagnosis: 'classified', note: 'plain' })),
    ).toThrow('Person has client-classified fields but is not declared');
  });

  it('fails the build for a stale or wrong structural declaration', () => {
    expect(() => assertPersonalDataClassified(schemaWith({ id: 'plain' }, { id: 'x', gone: 'y' }))).toThrow(
      'structural field gone does not exist',
    );
    expect(() => assertPersonalDataClassified(schemaWith({ id: 'classified' }, { id: 'x' }))).toThrow(
      'Person.id is declared structural but is classified',
    );
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
      for (const [typeName, structural] of personalDataTypes(schema)) {
        for (const [name, field] of Object.entries(fieldsOf(typeName))) {
          const key = `${typeName}.${name}`;
          if (!printed.has(key)) {
            mismatches.push(`${key}: missing from the SDL`);
            continue;
          }
          const enforced = classificationOf(field);
          if (enforced === undefined && name in structural) continue;
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
