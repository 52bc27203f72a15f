import { GraphQLSchema, isInterfaceType, isObjectType, validateSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './schema';

describe('the served schema (cold start, decision 0055)', () => {
  it('carries every field directive in extensions, where personal-data.ts and the printer read them, and builds no mock AST', () => {
    // Prepare: every output field of the schema the Lambda builds at import.
    const fields = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__'))
      .flatMap((type) =>
        isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()) : [],
      );

    // Act
    const classified = fields.filter(
      (field) =>
        (field.extensions?.directives as { classified?: { as?: string } } | undefined)?.classified?.as,
    );
    const withAst = [...Object.values(schema.getTypeMap()), ...fields].filter(
      (item) => !item.name.startsWith('__') && item.astNode,
    );

    // Assess: the directives are there (the classification tests read them too); the AST nodes no code reads are not.
    expect(classified.length).toBeGreaterThan(50);
    expect(withAst.map((item) => item.name)).toEqual([]);
  });

  it('is valid, which is why it is served without being validated again at each cold start', () => {
    // Prepare: the served schema, and the same types with graphql's validation not yet done.
    const served = schema.toConfig();
    const afresh = new GraphQLSchema({ ...served, assumeValid: false });

    // Act
    const errors = validateSchema(afresh);

    // Assess: served as valid (no validation on the first request), and valid when checked in full here.
    expect(served.assumeValid).toBe(true);
    expect(errors.map((error) => error.message)).toEqual([]);
  });
});
