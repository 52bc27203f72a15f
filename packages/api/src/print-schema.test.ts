import {
  buildSchema,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { naturalCompare } from 'graphql/jsutils/naturalCompare.js';
import { describe, expect, it } from 'vitest';
import { printConfideSchema } from './print-schema';
import { schema } from './schema';

/** The names of the types the SDL defines, in the order it defines them. */
function definedTypeNames(sdl: string): string[] {
  return [...sdl.matchAll(/^(?:type|interface|enum|input|scalar|union) (\w+)/gm)].map(
    (match) => match[1] ?? '',
  );
}

/** graphql's own order for `lexicographicSortSchema`. */
const byName = naturalCompare;

describe('schema order', () => {
  it('builds the served schema in declaration order: sorting it is left to printing (cold start, decision 0038)', () => {
    // Prepare / Act: the schema every Lambda builds at import.
    const queryFields = Object.keys(schema.getQueryType()?.getFields() ?? {});

    // Assess: not sorted at module load (Query's fields are sorted only in the printed SDL).
    expect(queryFields.length).toBeGreaterThan(2);
    expect(queryFields).not.toEqual([...queryFields].sort(byName));
  });

  it('prints the SDL sorted, so the partner contract diffs stay small whatever order modules declare things in', () => {
    // Act
    const sdl = printConfideSchema();

    // Assess: types, and Query's fields, in lexicographic order.
    const types = definedTypeNames(sdl);
    expect(types.length).toBeGreaterThan(50);
    expect(types).toEqual([...types].sort(byName));
    const query = /^type Query \{\n([\s\S]*?)^\}/m.exec(sdl)?.[1] ?? '';
    const fields = [...query.matchAll(/^ {2}(\w+)[(:]/gm)].map((match) => match[1] ?? '');
    expect(fields.length).toBeGreaterThan(2);
    expect(fields).toEqual([...fields].sort(byName));
  });
});

/** Every description in a schema, by coordinate (types, fields, arguments, input fields, enum values). */
function descriptions(of: GraphQLSchema): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  for (const type of Object.values(of.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    found.set(type.name, type.description ?? undefined);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        found.set(`${type.name}.${field.name}`, field.description ?? undefined);
        for (const arg of field.args)
          found.set(`${type.name}.${field.name}(${arg.name})`, arg.description ?? undefined);
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        found.set(`${type.name}.${field.name}`, field.description ?? undefined);
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues())
        found.set(`${type.name}.${value.name}`, value.description ?? undefined);
    }
  }
  return found;
}

describe('schema descriptions', () => {
  it('prints every description as the server serves it, id forms and list maxima included (decision 0055)', () => {
    // Prepare: what introspection answers (the served schema) and what partners read (the printed SDL).
    const served = descriptions(schema);

    // Act
    const printed = descriptions(buildSchema(printConfideSchema()));

    // Assess: the same coordinates, each with the same text.
    const differing = [...served].filter(([coordinate, text]) => printed.get(coordinate) !== text);
    expect(served.size).toBeGreaterThan(1000);
    expect([...printed.keys()].sort()).toEqual([...served.keys()].sort());
    expect(differing.map(([coordinate]) => coordinate)).toEqual([]);
  });
});
