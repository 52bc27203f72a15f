import { randomBytes } from 'node:crypto';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * DATA-PROTECTION.md: "One KMS request per organisation per process per cache window in steady state".
 * A fresh API (cold caches, as a new Lambda container) pays for the branch key once; after that, reading
 * every staff member's sealed display name costs no KMS request at all.
 */

const STAFF_COUNT = 50;
const REQUESTS = 20;
const NAMES = '{ staffMembers(first: 100) { edges { node { handle displayName } } } }';

interface NamesResult {
  staffMembers: { edges: { node: { handle: string; displayName: string } }[] };
}

describe('steady-state KMS use', () => {
  it(`reads ${STAFF_COUNT} sealed names ${REQUESTS} times with no KMS request after the first`, async () => {
    const setup = testApi();
    const org = await onboardTestOrganisation(setup);
    const scope = tenantScope(org.orgId);
    const expected = new Map<string, string>([['admin', 'Ada Admin']]);
    for (let i = 0; i < STAFF_COUNT; i++) {
      const handle = `staff-${String(i).padStart(2, '0')}`;
      const displayName = `Staff Member ${i} ${randomBytes(3).toString('hex')}`;
      expected.set(handle, displayName);
    }
    await Promise.all(
      [...expected]
        .filter(([handle]) => handle !== 'admin')
        .map(([handle, displayName]) =>
          setup.services.directory.addStaff(scope, { handle, displayName, roles: ['SUPPORT_WORKER'] }),
        ),
    );
    const fresh = testApi();
    const warmUp = await fresh.graphql<NamesResult>(NAMES, { token: org.adminToken });
    expect(warmUp.errors).toBeUndefined();
    const kmsForWarmUp = fresh.services.counters.total('KMS');
    fresh.services.counters.reset();

    const names: Map<string, string>[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const result = await fresh.graphql<NamesResult>(NAMES, { token: org.adminToken });
      expect(result.errors).toBeUndefined();
      names.push(
        new Map(result.data?.staffMembers.edges.map((edge) => [edge.node.handle, edge.node.displayName])),
      );
    }

    // The warm-up proves the caches were cold (it had to go to KMS), so the steady state below is earned.
    expect(kmsForWarmUp).toBe(1);
    expect(fresh.services.counters.total('KMS')).toBeLessThanOrEqual(1);
    expect(names.reduce((sum, read) => sum + read.size - 1, 0)).toBe(STAFF_COUNT * REQUESTS);
    for (const read of names) expect(read).toEqual(expected);
  });
});
