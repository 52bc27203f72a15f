import { beforeAll, describe, expect, it } from 'vitest';
import { approvalIdOf, closeCase, proposeErasure } from '../retention/retention-support';
import {
  createServiceWithManager,
  expectNoErrors,
  type Person,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Decision 0149: a pending change says why it was proposed, for whoever may decide it. The reason the proposer typed
 * (an erasure's) concerns the change's person, so it is CONSENT data of theirs: read only through a list of changes
 * the reader may decide, and each read is recorded against the person, as any read of their classified data is.
 */

interface Listed {
  pendingChangesConnection: { edges: { node: { id: string; reason: string | null } }[] };
}

const LIST = '{ pendingChangesConnection(first: 50) { edges { node { id reason } } } }';

const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 50) { edges { node {
  action operation fields classifications outcome purpose actor { staffId }
} } } }`;

interface AccessLog {
  accessLog: {
    edges: {
      node: {
        action: string;
        operation: string;
        fields: string[];
        classifications: string[];
        outcome: string;
        purpose: string | null;
        actor: { staffId: string | null };
      };
    }[];
  };
}

const REASON = 'Erasure request ER-2026-114, received by post on 3 March';

const api: TestApi = testApi();
let org: TestOrganisation;
let manager: Person;
let senior: Person;
let ig: Person;
let guardian: Person;
let person = '';
let erasure = '';

beforeAll(async () => {
  org = await onboardTestOrganisation(api, { name: 'Pending reasons charity' });
  const own = await createServiceWithManager(api, org);
  manager = own.manager;
  senior = own.senior;
  [ig, guardian] = await Promise.all([
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  person = await registerServiceUser(api, manager, own.serviceId, { name: 'Asked To Be Erased' });
  expectNoErrors(await closeCase(api, manager, person));
  erasure = approvalIdOf(await proposeErasure(api, ig.token, person, REASON));
});

const listAs = (token: string) => api.graphql<Listed>(LIST, { token });
const nodesOf = (listed: { data?: Listed | null }) =>
  listed.data?.pendingChangesConnection.edges.map(({ node }) => node) ?? [];

describe('why a pending change was proposed', () => {
  it('the Guardian, who may approve the erasure, reads the reason the IG lead gave', async () => {
    // Act
    const listed = await listAs(guardian.token);

    // Assess
    expectNoErrors(listed);
    expect(nodesOf(listed)).toContainEqual({ id: erasure, reason: REASON });
  });

  it('the read is recorded against the person: who, the field and its classification, and not the reason', async () => {
    // Act: the Guardian reads the reason, then the person's access log
    expectNoErrors(await listAs(guardian.token));
    const log = await api.graphql<AccessLog>(ACCESS_LOG, {
      token: guardian.token,
      variables: { id: person },
    });

    // Assess
    expectNoErrors(log);
    const reads = (log.data?.accessLog.edges ?? [])
      .map(({ node }) => node)
      .filter((event) => event.fields.includes('PendingChange.reason'));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read).toEqual({
        action: 'READ',
        operation: 'pendingChangesConnection',
        fields: ['PendingChange.reason'],
        classifications: ['CONSENT'],
        outcome: 'ALLOWED',
        purpose: null,
        actor: { staffId: guardian.globalId },
      });
    }
  });

  it('nobody who may not approve it is given the change, nor its reason: its proposer, the person’s managers', async () => {
    for (const [who, token] of [
      ['the proposer', ig.token],
      ['the service manager (reads CONSENT)', manager.token],
      ['the senior manager (reads CONSENT)', senior.token],
    ] as const) {
      // Act
      const listed = await listAs(token);

      // Assess
      expectNoErrors(listed);
      expect(
        nodesOf(listed).map(({ id }) => id),
        who,
      ).not.toContain(erasure);
      expect(listed.text, who).not.toContain('ER-2026-114');
    }
  });

  it('a change whose operation takes no reason (a role change) gives null', async () => {
    // Prepare: a role that opens client content waits for a second ORG_ADMIN (the senior manager is one)
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const proposed = await api.graphql(
      'mutation ($id: ID!) { assignRoles(input: { staffId: $id, roles: [SUPPORT_WORKER] }) { roles } }',
      { token: org.adminToken, variables: { id: volunteer.globalId } },
    );
    const roleChange = approvalIdOf(proposed);

    // Act
    const listed = await listAs(senior.token);

    // Assess
    expectNoErrors(listed);
    expect(nodesOf(listed)).toContainEqual({ id: roleChange, reason: null });
  });
});
