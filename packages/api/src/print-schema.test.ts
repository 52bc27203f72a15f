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
