import { beforeAll, describe, expect, it } from 'vitest';
import { codes, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { interleavingDynamoClient, type WriteCall } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { createService, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Relationships through a service (managing it, being on its team) are decided from the caller's own staff
 * item, which carries a copy of their service links written in the same transaction as the service (decision
 * 0020). These tests show the copy follows every change at once: adding gives access, removing takes it away.
 */

const READ_NAME = 'query ($id: ID!) { serviceUser(id: $id) { name } }';
const ADD_MEMBER = 'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }';
const REMOVE_MEMBER =
  'mutation ($s: ID!, $m: ID!) { removeServiceStaff(serviceId: $s, staffId: $m) { id members { id } } }';
const ADD_MANAGER = 'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }';
const REMOVE_MANAGER =
  'mutation ($s: ID!, $m: ID!) { removeServiceManager(serviceId: $s, staffId: $m) { id managers { id } } }';

describe('service links', () => {
  const api = testApi();
  let world: ServiceWorld;
  let client: string;

  beforeAll(async () => {
    world = await serviceWorld(api);
    client = await registerServiceUser(api, world.manager, world.serviceId);
  });

  const readName = (person: Person) =>
    api.graphql(READ_NAME, { token: person.token, variables: { id: client } });
  /** A transaction whose text includes `text`: the write an interleaving holds. */
  const writeNaming = (text: string) => (call: WriteCall) =>
    call.commandName === 'TransactWriteItemsCommand' && JSON.stringify(call.input).includes(text);
  const deactivate = async (person: Person) =>
    expectNoErrors(
      await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
        token: world.org.adminToken,
        variables: { id: person.globalId },
      }),
    );

  it('give a team member access from the moment they join until the moment they leave', async () => {
    // Prepare
    const administrator = await addStaff(api, world.org, ['ADMINISTRATOR']);
    expect(codes(await readName(administrator))).toEqual(['NOT_FOUND']);

    // Act: join
    expectNoErrors(
      await api.graphql(ADD_MEMBER, {
        token: world.manager.token,
        variables: { s: world.serviceId, m: administrator.globalId },
      }),
    );

    // Assess
    const joined = await readName(administrator);
    expectNoErrors(joined);
    expect(joined.data).toEqual({ serviceUser: { name: 'Ada Lovelace-Canary' } });

    // Act: leave
    const removed = await api.graphql<{ removeServiceStaff: { members: { id: string }[] } }>(REMOVE_MEMBER, {
      token: world.manager.token,
      variables: { s: world.serviceId, m: administrator.globalId },
    });

    // Assess
    expectNoErrors(removed);
    expect(removed.data?.removeServiceStaff.members.map((m) => m.id)).not.toContain(administrator.globalId);
    expect(codes(await readName(administrator))).toEqual(['NOT_FOUND']);
  });

  it('end a manager’s access and manager powers when they stop managing the service, and restore them after', async () => {
    // Prepare
    const second = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    expectNoErrors(
      await api.graphql(ADD_MANAGER, {
        token: world.senior.token,
        variables: { s: world.serviceId, m: second.globalId },
      }),
    );
    expectNoErrors(await readName(second));

    // Act
    const removed = await api.graphql<{ removeServiceManager: { managers: { id: string }[] } }>(
      REMOVE_MANAGER,
      { token: world.senior.token, variables: { s: world.serviceId, m: second.globalId } },
    );

    // Assess
    expectNoErrors(removed);
    expect(removed.data?.removeServiceManager.managers.map((m) => m.id)).toEqual([world.manager.globalId]);
    expect(codes(await readName(second))).toEqual(['NOT_FOUND']);
    const register = await api.graphql(
      'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }',
      {
        token: second.token,
        variables: {
          input: { serviceId: world.serviceId, name: 'Grace Hopper-Finch', dateOfBirth: '1975-03-02' },
        },
      },
    );
    expect(codes(register)).toEqual(['FORBIDDEN']);

    // Act: managing again
    expectNoErrors(
      await api.graphql(ADD_MANAGER, {
        token: world.senior.token,
        variables: { s: world.serviceId, m: second.globalId },
      }),
    );

    // Assess
    expectNoErrors(await readName(second));
  });

  it('can only be removed by the service’s managers and senior staff, and changes nothing otherwise', async () => {
    // Prepare
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const administrator = await addStaff(api, world.org, ['ADMINISTRATOR']);
    expectNoErrors(
      await api.graphql(ADD_MEMBER, {
        token: world.manager.token,
        variables: { s: world.serviceId, m: administrator.globalId },
      }),
    );

    // Act
    const byWorker = await api.graphql(REMOVE_MEMBER, {
      token: worker.token,
      variables: { s: world.serviceId, m: administrator.globalId },
    });
    const managerByManager = await api.graphql(REMOVE_MANAGER, {
      token: world.manager.token,
      variables: { s: world.serviceId, m: world.manager.globalId },
    });

    // Assess
    expect(codes(byWorker)).toEqual(['FORBIDDEN']);
    expect(codes(managerByManager)).toEqual(['FORBIDDEN']);
    expectNoErrors(await readName(administrator));
    expectNoErrors(await readName(world.manager));
  });
  it('a removal confirmed while an earlier addition was still being written is not undone by it', async () => {
    // Prepare: a manager's assignment held just before it is written while a second senior manager's removal of the
    // same person runs to its end.
    const second = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    const slow = interleavingDynamoClient(api, writeNaming('ADD #set'), async () => {
      expectNoErrors(
        await api.graphql(REMOVE_MANAGER, {
          token: world.senior.token,
          variables: { s: world.serviceId, m: second.globalId },
        }),
      );
    });

    // Act
    const added = await testApi({ dynamo: slow.client }).graphql(ADD_MANAGER, {
      token: world.senior.token,
      variables: { s: world.serviceId, m: second.globalId },
    });

    // Assess: the service changed after the assignment read it, so the assignment is refused; no access.
    expect(slow.interleaved()).toBe(true);
    expect(codes(added)).toEqual(['CONFLICT']);
    expect(codes(await readName(second))).toEqual(['NOT_FOUND']);
  });

  it('a join written while the same person joined another service keeps both links (decision 0125)', async () => {
    // Prepare: a join to this service held just before it is written while the person joins a second service.
    const joining = await addStaff(api, world.org, ['ADMINISTRATOR']);
    const second = await createService(api, world, world.manager);
    const secondClient = await registerServiceUser(api, world.manager, second);
    const slow = interleavingDynamoClient(api, writeNaming('serviceLinksMac'), async () => {
      expectNoErrors(
        await api.graphql(ADD_MEMBER, {
          token: world.manager.token,
          variables: { s: second, m: joining.globalId },
        }),
      );
    });

    // Act
    const added = await testApi({ dynamo: slow.client }).graphql(ADD_MEMBER, {
      token: world.manager.token,
      variables: { s: world.serviceId, m: joining.globalId },
    });

    // Assess: the held join read the links again and wrote both; each service's person reads.
    expect(slow.interleaved()).toBe(true);
    expectNoErrors(added);
    expectNoErrors(await readName(joining));
    expectNoErrors(await api.graphql(READ_NAME, { token: joining.token, variables: { id: secondClient } }));
  });

  it('no one deactivated between the check and the write joins a team', async () => {
    // Prepare: an addition to the team held just before it is written while the person is deactivated.
    const leaving = await addStaff(api, world.org, ['ADMINISTRATOR']);
    const slow = interleavingDynamoClient(api, writeNaming('ADD #set'), () => deactivate(leaving));

    // Act
    const added = await testApi({ dynamo: slow.client }).graphql(ADD_MEMBER, {
      token: world.senior.token,
      variables: { s: world.serviceId, m: leaving.globalId },
    });

    // Assess: refused, and the team does not name them.
    expect(slow.interleaved()).toBe(true);
    expect(codes(added)).toEqual(['CONFLICT']);
    const team = await api.graphql<{ node: { members: { id: string }[] } }>(
      'query ($s: ID!) { node(id: $s) { ... on Service { members { id } } } }',
      { token: world.senior.token, variables: { s: world.serviceId } },
    );
    expectNoErrors(team);
    expect(team.data?.node.members.map((member) => member.id)).not.toContain(leaving.globalId);
  });
  it('no one deactivated between the check and the write is allocated a client', async () => {
    // Prepare: an allocation held just before it is written while the worker is deactivated.
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const slow = interleavingDynamoClient(api, writeNaming('#CASELOAD'), () => deactivate(worker));

    // Act
    const allocated = await testApi({ dynamo: slow.client }).graphql(
      'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }',
      {
        token: world.manager.token,
        variables: { input: { serviceUserId: client, staffId: worker.globalId, kind: 'PRIMARY' } },
      },
    );

    // Assess: refused; the client has no allocation to them.
    expect(slow.interleaved()).toBe(true);
    expect(codes(allocated)).toEqual(['CONFLICT']);
    const allocations = await api.graphql<{ serviceUser: { allocations: { staffId: string }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { allocations { staffId } } }',
      { token: world.manager.token, variables: { id: client } },
    );
    expectNoErrors(allocations);
    expect(allocations.data?.serviceUser.allocations.map((a) => a.staffId)).not.toContain(worker.globalId);
  });
});
