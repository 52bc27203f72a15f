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
 * Issue 19: two identical pending changes (the same operation, proposer and rule) could not be told apart, because
 * a pending change named no subject. It now names what it changes by kind and global id — never a name or any
 * other personal data — for whoever may approve it, who already has the authority over that subject.
 */

interface Listed {
  pendingChangesConnection: {
    edges: {
      node: { id: string; operation: string; subjectKind: string | null; subjectId: string | null };
    }[];
  };
}

const LIST =
  '{ pendingChangesConnection(first: 50) { edges { node { id operation subjectKind subjectId } } } }';

const api: TestApi = testApi();
let org: TestOrganisation;
let manager: Person;
let ig: Person;
let guardian: Person;
const people: string[] = [];
const approvals: string[] = [];

beforeAll(async () => {
  org = await onboardTestOrganisation(api, { name: 'Pending subjects charity' });
  const own = await createServiceWithManager(api, org);
  manager = own.manager;
  [ig, guardian] = await Promise.all([
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  for (const name of ['First Closed', 'Second Closed']) {
    const id = await registerServiceUser(api, manager, own.serviceId, { name });
    expectNoErrors(await closeCase(api, manager, id));
    people.push(id);
    approvals.push(approvalIdOf(await proposeErasure(api, ig.token, id)));
  }
});

describe('what a pending change is about', () => {
  it('two erasures proposed by the same person name each their own person, by kind and global id', async () => {
    // Act
    const listed = await api.graphql<Listed>(LIST, { token: guardian.token });

    // Assess
    expectNoErrors(listed);
    const nodes = listed.data?.pendingChangesConnection.edges.map(({ node }) => node) ?? [];
    expect(
      nodes.map(({ id, subjectKind, subjectId }) => ({ id, subjectKind, subjectId })).sort(byId),
    ).toEqual(
      approvals.map((id, n) => ({ id, subjectKind: 'SERVICE_USER', subjectId: people[n] })).sort(byId),
    );
  });

  it('the subject id opens the person the change is about, for the one who may approve it', async () => {
    // Act: the Guardian reads the access log of the person each change names
    const listed = await api.graphql<Listed>(LIST, { token: guardian.token });
    const subjects = listed.data?.pendingChangesConnection.edges.map(({ node }) => node.subjectId) ?? [];
    const logs = await Promise.all(
      subjects.map((id) =>
        api.graphql('query ($id: ID!) { accessLog(serviceUserId: $id, first: 1) { edges { cursor } } }', {
          token: guardian.token,
          variables: { id },
        }),
      ),
    );

    // Assess
    expect(subjects).toHaveLength(2);
    for (const log of logs) expectNoErrors(log);
  });
});

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
