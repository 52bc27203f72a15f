import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { codes, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf, seedClients, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

const CASELOAD =
  '{ caseload(first: 50) { edges { node { id latestNote { id ... on CareNote { body } } } } } }';

interface Caseload {
  caseload: { edges: { node: { id: string; latestNote: { id: string; body?: string } | null } }[] };
}

/**
 * Issue 18: the caseload reads its index beside the login lookup and each client's latest note beside the profiles,
 * by the id the last note write left on the allocation. That id is a hint: the profile's latest note is the truth,
 * and the caseload is read only for the staff member the account (not the token) says the caller is.
 */
describe('the caseload’s latest notes', () => {
  const api = testApi();
  let world: Awaited<ReturnType<typeof serviceWorld>>;
  let worker: Person;
  let clients: { clientId: string; globalId: string }[];

  beforeAll(async () => {
    world = await serviceWorld(api);
    worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    clients = await seedClients(api, world.org.orgId, world.serviceId, 3, {
      allocateTo: worker.staffId,
      notes: [{ kind: 'DAILY_SUPPORT', body: (i) => `First visit ${i}`, authorId: worker.staffId }],
    });
  });

  it('shows the newest note when the allocation’s hint is stale', async () => {
    // Prepare: a newer note written without telling the allocation (as an import or an older writer would)
    const [stale] = clients;
    if (!stale) throw new Error('no client');
    const key = await api.services.keys.subjectKey(world.org.orgId, stale.clientId);
    if (!key) throw new Error('no key');
    const newer = await api.services.caseNotes.record(tenantScope(world.org.orgId), stale.clientId, key, {
      kind: 'DAILY_SUPPORT',
      body: 'Second visit, not hinted',
      authorId: worker.staffId,
    });

    // Act
    const result = await api.graphql<Caseload>(CASELOAD, { token: worker.token });

    // Assess
    expectNoErrors(result);
    const node = result.data?.caseload.edges.find((edge) => edge.node.id === stale.globalId)?.node;
    expect(localIdOf(node?.latestNote?.id ?? '')).toContain(newer.noteId);
    expect(node?.latestNote?.body).toBe('Second visit, not hinted');
  });

  it('reads the newest note beside the profiles once recordNote has written it', async () => {
    // Prepare: a worker of their own, so that no stale hint of another test is on their caseload
    const own = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const [client] = await seedClients(api, world.org.orgId, world.serviceId, 2, {
      allocateTo: own.staffId,
      notes: [{ kind: 'DAILY_SUPPORT', body: (i) => `First visit ${i}`, authorId: own.staffId }],
    });
    if (!client) throw new Error('no client');
    expectNoErrors(
      await api.graphql('mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }', {
        token: own.token,
        variables: {
          input: { serviceUserId: client.globalId, kind: 'DAILY_SUPPORT', body: 'Tea and a chat' },
        },
      }),
    );
    api.services.counters.reset();

    // Act
    const result = await api.graphql<Caseload>(CASELOAD, { token: own.token });

    // Assess: one BatchGetItem round after the index (profiles, keys and notes together), none for notes alone
    expectNoErrors(result);
    const node = result.data?.caseload.edges.find((edge) => edge.node.id === client.globalId)?.node;
    expect(node?.latestNote?.body).toBe('Tea and a chat');
    const batches = api.services.counters
      .spans()
      .filter((span) => span.service === 'DynamoDB' && span.operation === 'BatchGetItem');
    expect(batches.length).toBeLessThanOrEqual(2);
  });

  it('serves no caseload to a token whose staff id is not its account’s', async () => {
    // Prepare: a genuine signature and organisation, but another staff member's id in the claim
    const colleague = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const account = await api.services.directory.staff(tenantScope(world.org.orgId), colleague.staffId);
    const forged = await api.token({
      sub: account?.externalSubject ?? '',
      org_id: world.org.orgId,
      staff_id: worker.staffId,
    });

    // Act
    const result = await api.graphql<Caseload>(CASELOAD, { token: forged });

    // Assess
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.text).not.toContain('visit');
  });
});
