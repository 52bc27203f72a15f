import { describe, expect, it } from 'vitest';
import { ADA, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  countedRequests,
  DYNAMO_READS,
  DYNAMO_WRITES,
  seedClients,
  serviceWorld,
  sumOf,
} from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * No N+1 (DESIGN.md, Performance budgets): "a caseload query returning 50 clients with their latest note costs
 * a constant number of round trips (≤ 4)". Authentication reads the caller's organisation, identity and staff
 * account on every request whatever it asks; they are measured on their own and allowed on top of the budget.
 */

const CASELOAD = `{ caseload(first: 50) { edges { node {
  name phone latestNote { kind ... on CareNote { body } }
} } } }`;

type Caseload = {
  caseload: {
    edges: { node: { name: string; phone: string; latestNote: { kind: string; body: string } | null } }[];
  };
};

describe('the caseload', () => {
  const api = testApi();

  it('of 50 clients with their latest note costs at most 4 DynamoDB read round trips on top of the authentication reads', async () => {
    // Prepare: 50 clients allocated to one worker, each with notes, the latest a CARE note
    const world = await serviceWorld(api);
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    await seedClients(api, world.org.orgId, world.serviceId, 50, {
      allocateTo: worker.staffId,
      notes: [
        { kind: 'MEDICAL', body: (i) => `Medication review ${i}`, authorId: worker.staffId },
        { kind: 'DAILY_SUPPORT', body: (i) => `Evening visit ${i}`, authorId: worker.staffId },
      ],
    });
    // Warm caches the first request fills anyway (JWKS, branch key), so both measurements see steady state.
    expectNoErrors(await api.graphql('{ __typename }', { token: worker.token }));
    const authentication = await countedRequests(api, () =>
      api.graphql('{ __typename }', { token: worker.token }),
    );
    expectNoErrors(authentication.result);

    // Act
    const { result, counts } = await countedRequests(api, () =>
      api.graphql<Caseload>(CASELOAD, { token: worker.token }),
    );

    // Assess
    expectNoErrors(result);
    const nodes = result.data?.caseload.edges.map((edge) => edge.node) ?? [];
    expect(nodes).toHaveLength(50);
    expect(new Set(nodes.map((node) => node.name)).size).toBe(50);
    for (const node of nodes) {
      const index = /^Seeded Client (\d+)$/.exec(node.name)?.[1];
      expect(index, node.name).toBeDefined();
      expect(node.phone).toBe(ADA.phone);
      expect(node.latestNote).toEqual({ kind: 'DAILY_SUPPORT', body: `Evening visit ${index}` });
    }

    const authReads = sumOf(authentication.counts, DYNAMO_READS);
    const reads = sumOf(counts, DYNAMO_READS);
    const breakdown = `caseload: ${JSON.stringify(counts)}; authentication alone: ${JSON.stringify(authentication.counts)}`;
    // Authentication reads the organisation, the identity link and the staff item the token names in one batch
    // (decision 0020).
    expect(authReads, breakdown).toBe(1);
    expect(reads - authReads, breakdown).toBeLessThanOrEqual(4);
    // The audit of 50 clients' reads stays within its own budget too (decision 0042): one transactional call for the
    // chained list event, and the 50 people's entries beside it, 25 to a BatchWriteItem; nothing else is written.
    expect(counts['DynamoDB.TransactWriteItems'], breakdown).toBe(1);
    expect(counts['DynamoDB.BatchWriteItem'], breakdown).toBe(2);
    expect(sumOf(counts, DYNAMO_WRITES), breakdown).toBe(3);
  });
});
