import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schema } from '@confide/api';
import { SCHEMA_FILE } from '@confide/api/print-schema';
import {
  buildSchema,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { testApi } from '../support/test-api';

/**
 * The example operations partner front-ends start from (schema/examples/*.graphql) are valid against the schema the
 * server builds and against the published SDL, are not trivial, cover the journeys partners need, and are accepted
 * by the server's abuse limits (depth, aliases, directives, tokens, cost).
 */

const EXAMPLES_DIR = fileURLToPath(new URL('../../schema/examples/', import.meta.url));

/** The journeys a partner front-end needs (issue 10), and the root fields each example must exercise. */
const JOURNEYS: Record<string, readonly string[]> = {
  'worker-day.graphql': ['me', 'caseload', 'serviceUser', 'caseNote', 'recordNote', 'amendNote'],
  'manager-review.graphql': [
    'servicesConnection',
    'serviceUsers',
    'allocateWorker',
    'endAllocation',
    'emergencyAccessReviewsConnection',
    'completeEmergencyAccessReview',
    'supervisionCase',
    'accessLog',
    'accessAlerts',
    'closeCase',
  ],
  'disclosure.graphql': [
    'recordConsent',
    'receiveDisclosureRequest',
    'escalateDisclosureRequest',
    'decideDisclosureRequest',
    'releaseDisclosure',
    'serviceUser',
    'releasedToMeConnection',
  ],
  'subject-access.graphql': [
    'requestSubjectAccess',
    'subjectAccessRequestsConnection',
    'subjectAccessExport',
    'completeSubjectAccessRequest',
    'myAccessLog',
  ],
};

const examples = readdirSync(EXAMPLES_DIR)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => {
    const source = readFileSync(join(EXAMPLES_DIR, file), 'utf8');
    return { file, source, document: parse(source) };
  });

const operationsOf = (document: DocumentNode) =>
  document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(
    document.definitions
      .filter(
        (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
      )
      .map((fragment) => [fragment.name.value, fragment]),
  );
}

/** Leaf fields an operation selects, through fragments and inline fragments. */
function leafCount(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      count += selection.selectionSet ? leafCount(selection.selectionSet, fragments) : 1;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += leafCount(selection.selectionSet, fragments);
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment) count += leafCount(fragment.selectionSet, fragments);
    }
  }
  return count;
}

const rootFieldsOf = (operation: OperationDefinitionNode) =>
  operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );

describe('schema/examples', () => {
  const schemas: [string, GraphQLSchema][] = [
    ['the schema the server builds', schema],
    ['schema/schema.graphql', buildSchema(readFileSync(SCHEMA_FILE, 'utf8'))],
  ];

  it('has an example for every partner journey, and nothing unaccounted for', () => {
    expect(examples.map((example) => example.file)).toEqual(Object.keys(JOURNEYS).sort());
  });

  for (const { file, document } of examples) {
    describe(file, () => {
      for (const [name, target] of schemas) {
        it(`is valid against ${name}`, () => {
          expect(validate(target, document).map((error) => error.message)).toEqual([]);
        });
      }

      it('names every operation, uniquely across the examples, each selecting real data', () => {
        const operations = operationsOf(document);
        expect(operations.length).toBeGreaterThanOrEqual(3);
        const fragments = fragmentsOf(document);
        for (const operation of operations) {
          expect(operation.name?.value, 'an anonymous operation').toBeTruthy();
          expect(leafCount(operation.selectionSet, fragments), operation.name?.value).toBeGreaterThanOrEqual(
            3,
          );
        }
        const everyName = examples.flatMap((example) =>
          operationsOf(example.document).map((operation) => operation.name?.value),
        );
        expect(new Set(everyName).size).toBe(everyName.length);
      });

      it('covers its journey: queries and mutations on the root fields partners need', () => {
        const operations = operationsOf(document);
        const used = new Set(operations.flatMap(rootFieldsOf));
        expect([...(JOURNEYS[file] ?? [])].filter((field) => !used.has(field))).toEqual([]);
        expect(operations.some((operation) => operation.operation === 'query')).toBe(true);
        expect(operations.some((operation) => operation.operation === 'mutation')).toBe(true);
      });
    });
  }
});

describe('schema/examples against the server’s abuse limits', () => {
  const api = testApi();

  /**
   * Sends one operation of an example to the server without a token: parse and validation (where the depth, alias,
   * directive, token and cost limits run) happen as for any caller, and nothing executes with data behind it.
   */
  async function limitsCheck(source: string, operationName: string) {
    const response = await api.yoga.fetch('http://confide.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: source, operationName }),
    });
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { status: response.status, errors: body.errors ?? [] };
  }

  for (const { file, source, document } of examples) {
    it(`accepts every operation of ${file}`, async () => {
      for (const operation of operationsOf(document)) {
        const name = operation.name?.value ?? '';
        const { status, errors } = await limitsCheck(source, name);
        expect(status, name).toBeLessThan(500);
        expect(
          errors.filter((error) => error.extensions?.protection !== undefined).map((error) => error.message),
          name,
        ).toEqual([]);
        // It got past validation: what stops it is the missing token (or a missing variable), nothing else
        for (const error of errors) {
          expect(
            error.extensions?.code === 'UNAUTHENTICATED' || /^Variable "\$\w+"/.test(error.message),
            `${name}: ${error.message}`,
          ).toBe(true);
        }
      }
    });
  }

  it('would refuse an example over a limit (the check can fail)', async () => {
    // The worker's caseload query, repeated under aliases until it exceeds the alias limit
    const aliased = `query TooMany { ${Array.from({ length: 20 }, (_, index) => `c${index}: caseload(first: 1) { edges { cursor } }`).join(' ')} }`;
    const { errors } = await limitsCheck(aliased, 'TooMany');
    expect(errors.map((error) => error.extensions?.protection)).toContain('maxAliases');
  });
});
