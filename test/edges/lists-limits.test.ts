import { DEFAULT_LIMITS, LIST_MAXIMA, schema } from '@confide/api';
import {
  type GraphQLInputType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 17 item 4: every list argument has a documented maximum, enforced on variables as well as literals
 * (BAD_USER_INPUT naming the argument), and list lengths count in the cost estimate.
 */

const ids = (count: number) =>
  Array.from({ length: count }, (_, index) => Buffer.from(`ServiceUser:su_${index}`).toString('base64'));

const refusal = (result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }) =>
  (result.errors ?? []).map((error) => ({
    code: error.extensions?.code,
    argument: error.extensions?.argument ?? error.extensions?.protection,
  }));

describe('list arguments', () => {
  const api = testApi();
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
  });

  it('every list-typed argument and input field of the schema has a maximum', () => {
    const isList = (type: GraphQLInputType): boolean =>
      isNonNullType(type) ? isList(type.ofType) : isListType(type);
    const coordinates: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          for (const arg of field.args) {
            if (isList(arg.type)) coordinates.push(`${type.name}.${field.name}(${arg.name}:)`);
          }
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (isList(field.type)) coordinates.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(coordinates.length).toBeGreaterThan(10);
    expect(coordinates.filter((coordinate) => typeof LIST_MAXIMA[coordinate] !== 'number')).toEqual([]);
    expect(schema.getQueryType()?.getFields().nodes?.description).toContain(
      `at most ${LIST_MAXIMA['Query.nodes(ids:)']}`,
    );
  });

  it("every list argument's and list input field's description states its maximum from LIST_MAXIMA", () => {
    const isList = (type: GraphQLInputType): boolean =>
      isNonNullType(type) ? isList(type.ofType) : isListType(type);
    const described: { coordinate: string; description: string | null | undefined }[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          for (const arg of field.args) {
            if (isList(arg.type)) {
              described.push({
                coordinate: `${type.name}.${field.name}(${arg.name}:)`,
                description: arg.description,
              });
            }
          }
        }
      }
      if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (isList(field.type)) {
            described.push({ coordinate: `${type.name}.${field.name}`, description: field.description });
          }
        }
      }
    }
    expect(described.length).toBeGreaterThan(10);
    const undocumented = described.filter(
      ({ coordinate, description }) => !(description ?? '').includes(`At most ${LIST_MAXIMA[coordinate]}.`),
    );
    expect(undocumented.map(({ coordinate }) => coordinate)).toEqual([]);
  });

  it.each([101, 3000])(
    'refuses nodes(ids:) with %i ids in a variable, naming the argument',
    async (count) => {
      const result = await api.graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
        token: org.adminToken,
        variables: { ids: ids(count) },
      });
      expect(result.data ?? null).toBeNull();
      expect(refusal(result)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'Query.nodes(ids:)' }]);
    },
  );

  it('refuses nodes(ids:) with 101 literal ids', async () => {
    const literal = ids(101)
      .map((id) => JSON.stringify(id))
      .join(' ');
    const result = await api.graphql(`{ nodes(ids: [${literal}]) { id } }`, { token: org.adminToken });
    expect(refusal(result)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'Query.nodes(ids:)' }]);
  });

  it('refuses a list inside an input object given as a variable', async () => {
    const result = await api.graphql(
      'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }',
      {
        token: org.adminToken,
        variables: {
          input: { serviceUserId: ids(1)[0], kind: 'DAILY_SUPPORT', body: 'x', distribution: ids(101) },
        },
      },
    );
    expect(refusal(result)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'RecordNoteInput.distribution' }]);
  });

  it('accepts nodes(ids:) with 100 ids', async () => {
    const result = await api.graphql('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      token: org.adminToken,
      variables: { ids: ids(100) },
    });
    expect(refusal(result).filter((error) => error.code === 'BAD_USER_INPUT')).toEqual([]);
    expect((result.data as { nodes: unknown[] } | undefined)?.nodes).toHaveLength(100);
  });

  it('counts list lengths and variable page sizes in the cost', async () => {
    const selection = '... on ServiceUser { notes(first: 50) { edges { node { id kind recordedAt } } } }';
    const many = await api.graphql(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${selection} } }`, {
      token: org.adminToken,
      variables: { ids: ids(100) },
    });
    const one = await api.graphql(`query ($ids: [ID!]!) { nodes(ids: $ids) { ${selection} } }`, {
      token: org.adminToken,
      variables: { ids: ids(1) },
    });
    const paged = await api.graphql(
      'query ($n: Int) { caseload(first: $n) { edges { node { notes(first: $n) { edges { node { id } } } } } } }',
      { token: org.adminToken, variables: { n: DEFAULT_LIMITS.maxCost } },
    );
    expect(refusal(many)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'maxCost' }]);
    expect(refusal(one).filter((error) => error.argument === 'maxCost')).toEqual([]);
    expect(refusal(paged)).toEqual([{ code: 'BAD_USER_INPUT', argument: 'maxCost' }]);
  });
});
