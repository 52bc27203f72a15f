import type { OrgId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { ADA, allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { errorsOf, localIdOf, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * The policy acknowledgement gate (ACCESS-MODEL.md, Rules; Carers Trust 6.1): once the organisation publishes
 * a confidentiality policy, staff read no client data until they have signed its current version, and every
 * new version re-arms the gate. Refusals are audited.
 */

const READ = 'query ($id: ID!) { serviceUser(id: $id) { name } }';
const CASELOAD = '{ caseload { edges { node { id name } } } }';
const ACKNOWLEDGE = 'mutation ($v: Int!) { acknowledgePolicy(version: $v) }';
const PUBLISH = 'mutation ($t: String!) { publishConfidentialityPolicy(title: $t) { id } }';

interface GateWorld extends ServiceWorld {
  readonly worker: Person;
  readonly client: string;
}

async function gateWorld(api: TestApi): Promise<GateWorld> {
  const world = await serviceWorld(api);
  const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, world.manager, world.serviceId);
  await allocate(api, world.manager, client, worker);
  return { ...world, worker, client };
}

async function publish(api: TestApi, world: GateWorld, title: string): Promise<number> {
  expectNoErrors(await api.graphql(PUBLISH, { token: world.org.adminToken, variables: { t: title } }));
  const organisation = await api.services.directory.organisation(world.org.orgId as OrgId);
  return organisation?.policyVersion ?? Number.NaN;
}

describe('the policy acknowledgement gate', () => {
  const api = testApi();

  it('lets staff read client records while the organisation has published no policy', async () => {
    // Prepare
    const world = await gateWorld(api);

    // Act
    const read = await api.graphql<{ serviceUser: { name: string } }>(READ, {
      token: world.worker.token,
      variables: { id: world.client },
    });
    const caseload = await api.graphql<{ caseload: { edges: { node: { id: string } }[] } }>(CASELOAD, {
      token: world.worker.token,
    });

    // Assess
    expectNoErrors(read);
    expect(read.data?.serviceUser.name).toBe(ADA.name);
    expectNoErrors(caseload);
    expect(caseload.data?.caseload.edges.map((edge) => edge.node.id)).toEqual([world.client]);
  });

  it('refuses every client read until the current version is acknowledged, and re-arms on a new version', async () => {
    // Prepare
    const world = await gateWorld(api);
    const asWorker = { token: world.worker.token, variables: { id: world.client } };

    // Act: publish version 1
    const first = await publish(api, world, 'Confidentiality policy 2026');
    const blockedRead = await api.graphql(READ, asWorker);
    const blockedCaseload = await api.graphql(CASELOAD, { token: world.worker.token });

    // Assess: blocked, nothing of the client in the answers
    expect(first).toBe(1);
    expect(blockedRead.data).toBeNull();
    expect(errorsOf(blockedRead)).toEqual([{ code: 'POLICY_NOT_ACKNOWLEDGED', path: ['serviceUser'] }]);
    expect(blockedCaseload.data).toBeNull();
    expect(errorsOf(blockedCaseload)).toEqual([{ code: 'POLICY_NOT_ACKNOWLEDGED', path: ['caseload'] }]);
    for (const text of [blockedRead.text, blockedCaseload.text]) expect(text).not.toContain(ADA.name);

    // Act: acknowledge a version that is not the current one
    const wrong = await api.graphql(ACKNOWLEDGE, { token: world.worker.token, variables: { v: first + 1 } });
    const stillBlocked = await api.graphql(READ, asWorker);

    // Assess
    expect(wrong.data).toBeNull();
    expect(errorsOf(wrong)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['acknowledgePolicy'], field: ['version'] },
    ]);
    expect(errorsOf(stillBlocked)).toEqual([{ code: 'POLICY_NOT_ACKNOWLEDGED', path: ['serviceUser'] }]);

    // Act: acknowledge the current version
    const signed = await api.graphql<{ acknowledgePolicy: number }>(ACKNOWLEDGE, {
      token: world.worker.token,
      variables: { v: first },
    });
    const unblockedRead = await api.graphql<{ serviceUser: { name: string } }>(READ, asWorker);
    const unblockedCaseload = await api.graphql<{ caseload: { edges: { node: { id: string } }[] } }>(
      CASELOAD,
      { token: world.worker.token },
    );

    // Assess
    expectNoErrors(signed);
    expect(signed.data?.acknowledgePolicy).toBe(first);
    expectNoErrors(unblockedRead);
    expect(unblockedRead.data?.serviceUser.name).toBe(ADA.name);
    expectNoErrors(unblockedCaseload);
    expect(unblockedCaseload.data?.caseload.edges.map((edge) => edge.node.id)).toEqual([world.client]);

    // Act: a new version re-arms the gate; the old version no longer counts
    const second = await publish(api, world, 'Confidentiality policy 2027');
    const rearmed = await api.graphql(READ, asWorker);
    const stale = await api.graphql(ACKNOWLEDGE, { token: world.worker.token, variables: { v: first } });
    const resigned = await api.graphql(ACKNOWLEDGE, { token: world.worker.token, variables: { v: second } });
    const readAgain = await api.graphql<{ serviceUser: { name: string } }>(READ, asWorker);

    // Assess
    expect(second).toBe(first + 1);
    expect(errorsOf(rearmed)).toEqual([{ code: 'POLICY_NOT_ACKNOWLEDGED', path: ['serviceUser'] }]);
    expect(errorsOf(stale)).toEqual([
      { code: 'BAD_USER_INPUT', path: ['acknowledgePolicy'], field: ['version'] },
    ]);
    expectNoErrors(resigned);
    expect(readAgain.data?.serviceUser.name).toBe(ADA.name);

    // Assess the audit: the three refused reads of this client are DENIED with POLICY_NOT_ACKNOWLEDGED
    const events = await api.services.auditLog.bySubject(
      tenantScope(world.org.orgId),
      localIdOf(world.client),
      { limit: 500 },
    );
    const denied = events.filter(
      (event) =>
        event.actor.id === world.worker.staffId &&
        event.action === 'DENIED' &&
        event.operation === 'serviceUser',
    );
    expect(denied).toHaveLength(3);
    for (const event of denied) {
      expect(event).toMatchObject({
        operation: 'serviceUser',
        outcome: 'POLICY_NOT_ACKNOWLEDGED',
        emergency: false,
      });
    }
    const allowed = events.filter(
      (event) => event.actor.id === world.worker.staffId && event.action === 'READ',
    );
    expect(allowed.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(events)).not.toContain(ADA.name);
  });

  it('audits a caseload refused by the gate: a DENIED caseload event with POLICY_NOT_ACKNOWLEDGED for the client', async () => {
    // Prepare
    const world = await gateWorld(api);
    await publish(api, world, 'Confidentiality policy 2026');

    // Act
    const refused = await api.graphql(CASELOAD, { token: world.worker.token });

    // Assess: the refusal is in the client's trail, filed under the operation the worker called
    expect(errorsOf(refused)).toEqual([{ code: 'POLICY_NOT_ACKNOWLEDGED', path: ['caseload'] }]);
    const events = await api.services.auditLog.bySubject(
      tenantScope(world.org.orgId),
      localIdOf(world.client),
      { limit: 500 },
    );
    expect(
      events
        .filter((event) => event.actor.id === world.worker.staffId)
        .map((event) => [event.action, event.operation, event.outcome]),
    ).toEqual([['DENIED', 'caseload', 'POLICY_NOT_ACKNOWLEDGED']]);
  });
  it('keeps the newest signature when an older one is written late: no gate re-armed by a stale request', async () => {
    // Prepare: version 1 published; the worker's signature of it held just before it is written while version 2 is
    // published and signed.
    const world = await gateWorld(api);
    const first = await publish(api, world, 'Confidentiality policy 2026');
    const slow = interleavingDynamoClient(
      api,
      (call) => JSON.stringify(call.input).includes('SET acknowledgedPolicyVersion'),
      async () => {
        const second = await publish(api, world, 'Confidentiality policy 2026, revised');
        expectNoErrors(
          await api.graphql(ACKNOWLEDGE, { token: world.worker.token, variables: { v: second } }),
        );
      },
    );

    // Act
    const late = await testApi({ dynamo: slow.client }).graphql(ACKNOWLEDGE, {
      token: world.worker.token,
      variables: { v: first },
    });

    // Assess: the late signature of version 1 changes nothing; the worker still reads.
    expect(slow.interleaved()).toBe(true);
    expectNoErrors(late);
    const status = await api.graphql<{ confidentialityPolicy: unknown }>(
      '{ confidentialityPolicy { acknowledged acknowledgedVersion version } }',
      { token: world.worker.token },
    );
    expect(status.data?.confidentialityPolicy).toEqual({
      acknowledged: true,
      acknowledgedVersion: first + 1,
      version: first + 1,
    });
    expectNoErrors(await api.graphql(READ, { token: world.worker.token, variables: { id: world.client } }));
  });

  it('refuses the governance lists that name clients until the current version is acknowledged', async () => {
    // Prepare: an IG lead, and a published policy they have not acknowledged
    const world = await gateWorld(api);
    const ig = await addStaff(api, world.org, ['IG_LEAD']);
    await publish(api, world, 'Confidentiality policy 2026');

    // Act
    const lists = await Promise.all(
      [
        '{ emergencyAccessReviews { id } }',
        '{ emergencyAccessReviewsConnection(first: 5) { edges { node { id } } } }',
        '{ disclosureReviews { id } }',
        '{ legalHolds { edges { node { serviceUserId } } } }',
        '{ subjectAccessRequests { id } }',
        '{ subjectAccessRequestsConnection(first: 5) { edges { node { id } } } }',
        '{ retentionSchedule(first: 5) { edges { node { serviceUserId } } } }',
        '{ emergencyAccessReport(first: 5) { edges { node { serviceUserId } } } }',
        `{ staffAccessReport(staffId: "${ig.globalId}", first: 5) { edges { node { purpose } } } }`,
      ].map((query) => api.graphql(query, { token: ig.token })),
    );

    // Assess
    expect(lists.map((result) => errorsOf(result).map((error) => error.code))).toEqual(
      lists.map(() => ['POLICY_NOT_ACKNOWLEDGED']),
    );
  });
});
