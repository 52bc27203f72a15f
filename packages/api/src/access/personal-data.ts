import {
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isObjectType,
} from 'graphql';

/**
 * Declares, on an object or interface type, that it holds a client's personal data (ACCESS-MODEL.md, Directives:
 * every field of such a type is classified). `structural` names the fields that are structure, not personal data
 * (ids, relations, bookkeeping), each with why. Spread into the type's options: `...personalData({ id: '…' })`.
 */
export function personalData(structural: Readonly<Record<string, string>>) {
  return { extensions: { personalData: { structural } } };
}

/** {@link personalData} for a type whose structural fields, named space-separated in `fields`, share one `why`. */
export function structuralFields(fields: string, why: string) {
  return personalData(Object.fromEntries(fields.split(' ').map((field) => [field, why])));
}

interface PersonalDataExtension {
  readonly structural: Readonly<Record<string, string>>;
}

type Field = GraphQLField<unknown, unknown>;

function classificationOf(field: Field): string | undefined {
  const directives = field.extensions?.directives as { classified?: { as?: string } } | undefined;
  return directives?.classified?.as;
}

function declared(type: GraphQLNamedType): PersonalDataExtension | undefined {
  return (type.extensions as { personalData?: PersonalDataExtension } | undefined)?.personalData;
}

/**
 * The types that hold client personal data: those declared with {@link personalData}, every implementation of
 * a declared interface (with the interface's structural fields), and every type with a field of a client
 * classification (anything but STAFF_PERSONAL), which must then be declared too.
 */
export function personalDataTypes(schema: GraphQLSchema): Map<string, Readonly<Record<string, string>>> {
  const types = new Map<string, Readonly<Record<string, string>>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const own = declared(type);
    const inherited = type.getInterfaces().flatMap((parent) => {
      const fromParent = declared(parent);
      return fromParent ? [fromParent.structural] : [];
    });
    const clientData = Object.values(type.getFields()).some((field) => {
      const classification = classificationOf(field as Field);
      return classification !== undefined && classification !== 'STAFF_PERSONAL';
    });
    if (own || inherited.length > 0 || clientData) {
      types.set(type.name, Object.assign({}, ...inherited, own?.structural ?? {}));
    }
  }
  return types;
}

/**
 * Fails the schema build when a field of a personal-data type carries no classification and is not declared
 * structural, or a structural declaration names a field that is not there or is classified anyway.
 */
export function assertPersonalDataClassified(schema: GraphQLSchema): void {
  const problems: string[] = [];
  for (const [typeName, structural] of personalDataTypes(schema)) {
    const type = schema.getType(typeName);
    if (!(isObjectType(type) || isInterfaceType(type))) continue;
    const fields = type.getFields() as Record<string, Field>;
    if (!declared(type) && !type.getInterfaces().some((parent) => declared(parent))) {
      problems.push(`${typeName} has client-classified fields but is not declared with personalData()`);
    }
    for (const [name, field] of Object.entries(fields)) {
      if (classificationOf(field) === undefined && !(name in structural)) {
        problems.push(`${typeName}.${name} is personal data without @classified`);
      }
    }
    for (const name of Object.keys(declared(type)?.structural ?? {})) {
      if (!(name in fields)) problems.push(`${typeName}: structural field ${name} does not exist`);
      else if (classificationOf(fields[name] as Field) !== undefined) {
        problems.push(`${typeName}.${name} is declared structural but is classified`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`Unclassified personal data:\n${problems.join('\n')}`);
}
