import { beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 19, item 2: every id in the schema says what it is — the global id of a named type (what `node` opens) or an
 * opaque id — so no raw id stands unexplained next to global ones. Walks the served schema: every field, input field
 * and argument of type ID (or a list of ID) outside `Node.id` and `node`/`nodes` names its form in its description.
 */

interface IntrospectedField {
  name: string;
  description: string | null;
  type: TypeRef;
  args?: IntrospectedField[];
}
interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name } } }';
const INTROSPECT = `{ __schema { types { name kind
  fields(includeDeprecated: true) { name description type { ${TYPE_REF} } args { name description type { ${TYPE_REF} } } }
  inputFields { name description type { ${TYPE_REF} } } } } }`;

const FORM = /global id of an? [A-Z][A-Za-z]+|opaque id/i;

const api: TestApi = testApi();
let org: TestOrganisation;

beforeAll(async () => {
  org = await onboardTestOrganisation(api);
});

const named = (ref: TypeRef): string | null => (ref.ofType ? named(ref.ofType) : ref.name);

describe('id forms', () => {
  it('every ID field and argument is documented as a global id of a named type or as opaque', async () => {
    const result = await api.graphql<{
      __schema: {
        types: {
          name: string;
          kind: string;
          fields: IntrospectedField[] | null;
          inputFields: IntrospectedField[] | null;
        }[];
      };
    }>(INTROSPECT, { token: org.adminToken });
    expect(result.errors).toBeUndefined();
    const undocumented: string[] = [];
    for (const type of result.data?.__schema.types ?? []) {
      if (type.name.startsWith('__')) continue;
      for (const field of [...(type.fields ?? []), ...(type.inputFields ?? [])]) {
        const coordinate = `${type.name}.${field.name}`;
        const exempt = field.name === 'id' && /Node|StaffMember|Service|ServiceUser|Note$/.test(type.name);
        if (named(field.type) === 'ID' && !exempt && !FORM.test(field.description ?? '')) {
          undocumented.push(coordinate);
        }
        for (const arg of field.args ?? []) {
          const nodeArg = type.name === 'Query' && (field.name === 'node' || field.name === 'nodes');
          if (named(arg.type) === 'ID' && !nodeArg && !FORM.test(arg.description ?? '')) {
            undocumented.push(`${coordinate}(${arg.name})`);
          }
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('Node ids say they are global ids', async () => {
    const result = await api.graphql<{ __type: { fields: { name: string; description: string | null }[] } }>(
      '{ __type(name: "Node") { fields { name description } } }',
      { token: org.adminToken },
    );
    expect(result.data?.__type.fields.find((field) => field.name === 'id')?.description).toMatch(
      /global id/i,
    );
  });
});
