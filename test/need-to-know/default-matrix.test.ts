import {
  DEFAULT_MATRIX_SPEC,
  type DefaultMatrixSpecRow,
  decideRead,
  GROUP_WIDE_SPEC,
  PLAIN_ITEM,
  type SpecCell,
} from '@confide/access';
import type { Classification } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GraphqlResult, testApi } from '../support/test-api';
import { callerFor, type MatrixWorld, matrixWorld } from './matrix-setup';

/**
 * ACCESS-MODEL.md's matrix, cell by cell, through the GraphQL API. The cases come from the hand-written
 * DEFAULT_MATRIX_SPEC, which the engine is checked against too (first test), so a change to either shows.
 */

type Column = Exclude<Classification, 'STAFF_PERSONAL'>;

/** One read per classification: the query, and where its value sits. */
function readOf(
  column: Column,
  world: MatrixWorld,
): { query: string; variables: Record<string, unknown>; path: string[] } {
  switch (column) {
    case 'PSEUDONYMOUS':
      return {
        query: 'query ($id: ID!) { serviceUser(id: $id) { reference } }',
        variables: { id: world.client },
        path: ['serviceUser', 'reference'],
      };
    case 'IDENTIFYING':
      return {
        query: 'query ($id: ID!) { serviceUser(id: $id) { name } }',
        variables: { id: world.client },
        path: ['serviceUser', 'name'],
      };
    case 'CONTACT':
      return {
        query: 'query ($id: ID!) { serviceUser(id: $id) { phone } }',
        variables: { id: world.client },
        path: ['serviceUser', 'phone'],
      };
    case 'CONSENT':
      return {
        query: 'query ($id: ID!) { serviceUser(id: $id) { consents { scope } } }',
        variables: { id: world.client },
        path: ['serviceUser', 'consents'],
      };
    default: {
      const type = {
        CARE: 'CareNote',
        HEALTH: 'HealthNote',
        FINANCE: 'FinanceNote',
        SAFEGUARDING: 'SafeguardingNote',
      }[column];
      return {
        query: `query ($id: ID!) { caseNote(id: $id) { ... on ${type} { body } } }`,
        variables: { id: world.notes[column] },
        path: ['caseNote', 'body'],
      };
    }
  }
}

function valueAt(result: GraphqlResult, path: string[]): unknown {
  let value: unknown = result.data;
  for (const key of path) value = (value as Record<string, unknown> | null | undefined)?.[key];
  return value;
}

function errorCodeAt(result: GraphqlResult, path: string[]): string | undefined {
  const error = result.errors?.find(
    (e) => e.path?.join('.') === path.join('.') || (e.path?.length === 1 && e.path[0] === path[0]),
  );
  return error?.extensions?.code as string | undefined;
}

const expectedOutcome = (cell: SpecCell | 'HIDDEN', purpose: boolean) => {
  if (cell === 'HIDDEN') return 'NOT_FOUND';
  if (cell === 'R' || cell === 'RW') return 'ALLOWED';
  if (cell === 'J') return purpose ? 'ALLOWED' : 'JUSTIFICATION_REQUIRED';
  return 'FORBIDDEN';
};

const COLUMNS: Column[] = [
  'PSEUDONYMOUS',
  'IDENTIFYING',
  'CONTACT',
  'CARE',
  'HEALTH',
  'FINANCE',
  'SAFEGUARDING',
  'CONSENT',
];

function rowCases(spec: readonly DefaultMatrixSpecRow[]) {
  return spec.flatMap((row) => row.scenarios.map((scenario) => ({ row, scenario })));
}

describe('the default matrix table agrees with the policy engine', () => {
  it.each(rowCases([...DEFAULT_MATRIX_SPEC, GROUP_WIDE_SPEC]))('$scenario.name', ({ row, scenario }) => {
    const relation = {
      allocated: false,
      managesService: false,
      qaReview: false,
      investigation: false,
      serviceMember: false,
      emergency: undefined,
      self: false,
      conflict: false,
      ...scenario.relation,
    };
    const preset = row === GROUP_WIDE_SPEC ? 'GROUP_WIDE' : 'STRICT';
    for (const column of COLUMNS) {
      const cell = row.cells === 'HIDDEN' ? 'HIDDEN' : row.cells[column];
      const decision = decideRead({
        caller: scenario.caller,
        relation,
        item: PLAIN_ITEM,
        classification: column,
        preset,
        purpose: undefined,
      });
      const outcome = decision.effect === 'ALLOW' ? 'ALLOWED' : decision.effect;
      expect(outcome, `${scenario.name} × ${column}`).toBe(expectedOutcome(cell, false));
    }
  });
});

for (const [preset, spec] of [
  ['STRICT', DEFAULT_MATRIX_SPEC],
  ['GROUP_WIDE', [GROUP_WIDE_SPEC]],
] as const) {
  describe(`every cell of the ${preset} matrix through GraphQL, with its audit events`, () => {
    const api = testApi();
    let world: MatrixWorld;
    beforeAll(async () => {
      world = await matrixWorld(api, preset);
    });

    it.each(rowCases(spec))('$row.heading — $scenario.name', async ({ row, scenario }) => {
      const caller = await callerFor(api, world, scenario);
      const expectedEvents: { classification: Column; outcome: string }[] = [];
      for (const column of COLUMNS) {
        const cell = row.cells === 'HIDDEN' ? 'HIDDEN' : row.cells[column];
        const read = readOf(column, world);
        for (const purpose of cell === 'J' ? [false, true] : [false]) {
          const result = await api.graphql(read.query, {
            token: caller.token,
            variables: read.variables,
            ...(purpose ? { headers: { 'x-access-purpose': 'Reviewing the support plan' } } : {}),
          });
          const outcome = expectedOutcome(cell, purpose);
          const where = `${scenario.name} × ${column}${purpose ? ' (with purpose)' : ''}: ${result.text.slice(0, 300)}`;
          if (outcome === 'ALLOWED') {
            expect(result.errors, where).toBeUndefined();
            expect(valueAt(result, read.path), where).toBeTruthy();
          } else {
            expect(valueAt(result, read.path) ?? null, where).toBeNull();
            expect(errorCodeAt(result, read.path), where).toBe(outcome);
          }
          expectedEvents.push({ classification: column, outcome });
        }
      }

      // The audit trail holds exactly these reads and refusals for this caller.
      const events = (
        await api.services.auditLog.bySubject(tenantScope(world.org.orgId), world.clientId, { limit: 1000 })
      ).filter(
        (event) =>
          event.actor.id === caller.actorId &&
          ['READ', 'DENIED', 'EMERGENCY_ACCESS'].includes(event.action) &&
          event.operation !== 'openEmergencyAccess',
      );
      for (const expected of expectedEvents) {
        const match = events.find((event) =>
          expected.outcome === 'NOT_FOUND'
            ? event.outcome === 'NOT_FOUND'
            : event.outcome === expected.outcome && event.classifications.includes(expected.classification),
        );
        expect(
          match,
          `${scenario.name}: audit event for ${expected.classification} ${expected.outcome}`,
        ).toBeDefined();
      }
      expect(events.length).toBe(expectedEvents.length);
      if (row.relationship === 'EMERGENCY') {
        expect(events.filter((event) => event.outcome === 'ALLOWED').every((event) => event.emergency)).toBe(
          true,
        );
      }
      expect(JSON.stringify(events)).not.toContain('Lovelace-Canary');
    });
  });
}
