import { type AttributeValue, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { integrityMac } from '@confide/keys';
import { encodeSubject, tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, expectTamperedState } from '../support/fixtures';
import {
  createService,
  loaderOf,
  localIdOf,
  type ServiceWorld,
  serviceUserToken,
  serviceWorld,
} from '../support/records-fixtures';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * Issue 16, capability 1: "the same holds for the facts access is computed from: roles, allocations, service links,
 * conflicts, presets". Someone who can write the table (not the API) grants access with one raw write: a role added
 * to a volunteer's account, a deactivated account made active, oneself added as an allocated worker or a service's
 * manager, a conflict of interest deleted, the organisation's preset flipped to GROUP_WIDE. Each fact is MACed under
 * the organisation's integrity key; the forged one fails closed (INTERNAL, an integrity incident) and serves nothing.
 */

const READ = 'query ($id: ID!) { serviceUser(id: $id) { name } }';
const NAME = 'Ada Lovelace-Canary';

async function rawUpdate(
  api: TestApi,
  key: { pk: string; sk: string },
  expression: string,
  names?: Record<string, string>,
  values?: Record<string, AttributeValue>,
) {
  await api.services.dynamo.send(
    new UpdateItemCommand({
      TableName: api.stack.tables.data,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      UpdateExpression: expression,
      ...(names ? { ExpressionAttributeNames: names } : {}),
      ...(values ? { ExpressionAttributeValues: values } : {}),
    }),
  );
}

const staffKey = (orgId: string, staffId: string) => ({
  pk: tenantScope(orgId).key('STAFF', staffId),
  sk: 'PROFILE',
});
const clientKey = (orgId: string, client: string) => ({
  pk: tenantScope(orgId).key('CLIENT', localIdOf(client)),
  sk: 'PROFILE',
});

/** The tampered fact granted nothing: no name, and the request failed closed with INTERNAL. */
function expectFailedClosed(result: GraphqlResult<unknown>) {
  expect(result.text).not.toContain(NAME);
  expect((result.errors ?? []).map((error) => error.extensions?.code)).toContain('INTERNAL');
}

describe('tampered access facts (issue 16, capability 1)', () => {
  const api = testApi();
  let world: ServiceWorld;
  let client: string;

  beforeAll(async () => {
    world = await serviceWorld(api);
    client = await registerServiceUser(api, world.manager, world.serviceId);
  });

  it('roles: SENIOR_MANAGER added to a volunteer’s account by a raw write reads nothing', async () => {
    // Prepare
    const volunteer = await addStaff(api, world.org, ['VOLUNTEER']);
    const before = await api.graphql(READ, { token: volunteer.token, variables: { id: client } });
    expect(before.text).not.toContain(NAME);

    // Act
    await rawUpdate(
      api,
      staffKey(world.org.orgId, volunteer.staffId),
      'ADD #roles :role',
      { '#roles': 'roles' },
      {
        ':role': { SS: ['SENIOR_MANAGER'] },
      },
    );
    const result = await api.graphql(READ, { token: volunteer.token, variables: { id: client } });

    // Assess
    expectFailedClosed(result);
    await expectTamperedState(api, world.org.orgId, 'STAFF');
  });

  it('status: a deactivated worker made ACTIVE again by a raw write reads nothing', async () => {
    // Prepare
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    await allocate(api, world.manager, client, worker);
    expectNoErrors(
      await api.graphql('mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }', {
        token: world.org.adminToken,
        variables: { id: worker.globalId },
      }),
    );

    // Act
    await rawUpdate(
      api,
      staffKey(world.org.orgId, worker.staffId),
      'SET #status = :active',
      { '#status': 'status' },
      {
        ':active': { S: 'ACTIVE' },
      },
    );
    const result = await api.graphql(READ, { token: worker.token, variables: { id: client } });

    // Assess
    expectFailedClosed(result);
  });

  it('allocations: a volunteer who writes themself into the allocations map reads nothing', async () => {
    // Prepare
    const volunteer = await addStaff(api, world.org, ['VOLUNTEER']);
    const own = await registerServiceUser(api, world.manager, world.serviceId);

    // Act
    await rawUpdate(
      api,
      clientKey(world.org.orgId, own),
      'SET allocations.#id = :entry',
      { '#id': 'allocation_forged' },
      {
        ':entry': {
          M: {
            staffId: { S: volunteer.staffId },
            kind: { S: 'PRIMARY' },
            startsAt: { S: new Date().toISOString() },
          },
        },
      },
    );
    const result = await api.graphql(READ, { token: volunteer.token, variables: { id: own } });

    // Assess
    expectFailedClosed(result);
    await expectTamperedState(api, world.org.orgId, 'PROFILE');
  });

  it('allocations: an allocation ended by a raw REMOVE only revokes; the genuine ones still read', async () => {
    // Prepare
    const [first, second] = [
      await addStaff(api, world.org, ['SUPPORT_WORKER']),
      await addStaff(api, world.org, ['SUPPORT_WORKER']),
    ];
    const own = await registerServiceUser(api, world.manager, world.serviceId);
    const allocation = await api.services.serviceUsers.allocate(
      tenantScope(world.org.orgId),
      localIdOf(own),
      {
        staffId: first.staffId,
        kind: 'PRIMARY',
      },
    );
    await allocate(api, world.manager, own, second);

    // Act
    await rawUpdate(api, clientKey(world.org.orgId, own), 'REMOVE allocations.#id', {
      '#id': allocation.allocationId,
    });
    const [removed, kept] = await Promise.all([
      api.graphql(READ, { token: first.token, variables: { id: own } }),
      api.graphql(READ, { token: second.token, variables: { id: own } }),
    ]);

    // Assess
    expect(removed.text).not.toContain(NAME);
    expectNoErrors(kept);
    expect(kept.text).toContain(NAME);
  });

  it('conflicts: a declared conflict deleted by a raw write does not let the connected worker back in', async () => {
    // Prepare
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const own = await registerServiceUser(api, world.manager, world.serviceId);
    await allocate(api, world.manager, own, worker);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: RELATIVE) }',
        { token: world.manager.token, variables: { c: own, s: worker.globalId } },
      ),
    );

    // Act
    await rawUpdate(api, clientKey(world.org.orgId, own), 'REMOVE conflicts.#staff', {
      '#staff': worker.staffId,
    });
    const result = await api.graphql(READ, { token: worker.token, variables: { id: own } });

    // Assess
    expectFailedClosed(result);
    await expectTamperedState(api, world.org.orgId, 'PROFILE');
  });

  it('investigations: an open investigation deleted by a raw write does not show the person its reads', async () => {
    // Prepare: a safeguarding lead investigates the person and reads their address with a reason. While the
    // investigation is open, the person's own access log leaves that read out.
    const lead = await addStaff(api, world.org, ['SAFEGUARDING_LEAD']);
    const person = await registerServiceUser(api, world.manager, world.serviceId);
    const opened = await api.graphql<{ openSafeguardingInvestigation: string }>(
      'mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }',
      { token: world.senior.token, variables: { c: [person], i: lead.globalId } },
    );
    expectNoErrors(opened);
    expectNoErrors(
      await api.graphql('query ($id: ID!) { serviceUser(id: $id) { address } }', {
        token: lead.token,
        variables: { id: person },
        headers: { 'x-access-purpose': 'Strategy meeting preparation' },
      }),
    );
    const personToken = await serviceUserToken(api, world.org.orgId, person);
    const ownLog = () =>
      api.graphql('{ myAccessLog(first: 100) { edges { node { who why } } } }', { token: personToken });
    const before = await ownLog();
    expectNoErrors(before);
    expect(before.text).not.toContain('Strategy meeting');

    // Act
    await rawUpdate(api, clientKey(world.org.orgId, person), 'REMOVE investigations.#id', {
      '#id': opened.data?.openSafeguardingInvestigation ?? '',
    });
    const after = await ownLog();

    // Assess: the person is not told of the investigation; the request failed closed.
    expect(after.text).not.toContain('Strategy meeting');
    expect((after.errors ?? []).map((error) => error.extensions?.code)).toContain('INTERNAL');
    await expectTamperedState(api, world.org.orgId, 'PROFILE');
  });

  /** A manager given a service of their own (their links then carry one MAC and a count), and a client of it. */
  async function managerWithClient() {
    const manager = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    const service = await createService(api, world, manager);
    const ownClient = await registerServiceUser(api, manager, service);
    expectNoErrors(await api.graphql(READ, { token: manager.token, variables: { id: ownClient } }));
    return { manager, service, ownClient };
  }

  /**
   * A manager of their own service, another service's client, and the raw write that adds the manager to that other
   * service's managers below the API.
   */
  async function managerAndAnotherService() {
    const { manager } = await managerWithClient();
    const other = await createService(api, world, world.manager);
    const otherClient = await registerServiceUser(api, world.manager, other);
    const forgeLink = () =>
      rawUpdate(api, staffKey(world.org.orgId, manager.staffId), 'ADD managesServices :service', undefined, {
        ':service': { SS: [localIdOf(other)] },
      });
    return { manager, otherClient, forgeLink };
  }

  it('service links: a worker who adds themself as the service’s manager by a raw write reads nothing', async () => {
    // Prepare
    const worker = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    const before = await api.graphql(READ, { token: worker.token, variables: { id: client } });
    expect(before.text).not.toContain(NAME);

    // Act
    await rawUpdate(
      api,
      staffKey(world.org.orgId, worker.staffId),
      'ADD managesServices :service',
      undefined,
      {
        ':service': { SS: [localIdOf(world.serviceId)] },
      },
    );
    const result = await api.graphql(READ, { token: worker.token, variables: { id: client } });

    // Assess
    expectFailedClosed(result);
  });

  it('service links: a manager who adds themself to a second service by a raw write reads nothing (decision 0125)', async () => {
    // Prepare: a manager's links are under their MAC since they were given their service.
    const { manager, otherClient, forgeLink } = await managerAndAnotherService();

    // Act
    await forgeLink();
    const result = await api.graphql(READ, { token: manager.token, variables: { id: otherClient } });

    // Assess
    expectFailedClosed(result);
  });

  it('service links: a change through the API over a forged link fails closed and signs nothing (decision 0125)', async () => {
    // Prepare: a manager who wrote themself into a second service's managers below the API.
    const { manager, otherClient, forgeLink } = await managerAndAnotherService();
    await forgeLink();
    const third = await createService(api, world, world.manager);

    // Act: the third service's manager adds them to its team, which rewrites their links under a new MAC.
    const added = await api.graphql(
      'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
      { token: world.manager.token, variables: { s: third, m: manager.globalId } },
    );

    // Assess: refused as tampered state, and the forged link is still not believed.
    expect((added.errors ?? []).map((error) => error.extensions?.code)).toEqual(['INTERNAL']);
    expectFailedClosed(await api.graphql(READ, { token: manager.token, variables: { id: otherClient } }));
  });

  it('service links: their MAC taken off does not fall back to the per-link MACs of before (decision 0125)', async () => {
    // Prepare: a manager given a service; their links carry one MAC and a count, no per-link MACs.
    const { manager, ownClient } = await managerWithClient();

    // Act
    await rawUpdate(
      api,
      staffKey(world.org.orgId, manager.staffId),
      'REMOVE serviceLinksMac, serviceLinksVersion',
    );
    const result = await api.graphql(READ, { token: manager.token, variables: { id: ownClient } });

    // Assess
    expectFailedClosed(result);
  });

  /** The per-link MAC a manager's link to `service` had before decision 0125 (a genuine one, as kept from then). */
  const linkMacOfBefore = async (staffId: string, service: string) =>
    integrityMac(await api.services.directory.integrityKey(tenantScope(world.org.orgId)), [
      'confide.service-link.v1',
      world.org.orgId,
      staffId,
      'managers',
      localIdOf(service),
    ]);

  it('service links: a per-link MAC of before, put back with its MAC taken off and the count kept, is not believed (decision 0125)', async () => {
    // Prepare: a manager given a service; their links carry one MAC and a count. Someone kept the per-link MAC the
    // link had before decision 0125 (any genuine one: it names the organisation, the staff member and the service).
    const { manager, service, ownClient } = await managerWithClient();
    const linkMac = await linkMacOfBefore(manager.staffId, service);

    // Act: the links' MAC is taken off and the old per-link MAC put back; the count stays, so no rollback is seen.
    await rawUpdate(
      api,
      staffKey(world.org.orgId, manager.staffId),
      'SET serviceLinkMacs = :macs REMOVE serviceLinksMac',
      undefined,
      { ':macs': { SS: [linkMac] } },
    );
    const result = await api.graphql(READ, { token: manager.token, variables: { id: ownClient } });

    // Assess
    expectFailedClosed(result);
  });

  it('service links: an account whose links have per-link MACs from before still reads, and its next change signs them whole (decision 0125)', async () => {
    // Prepare: a manager's account as it stood before decision 0125: the link and its own MAC, no MAC over the links.
    const { manager, service, ownClient } = await managerWithClient();
    const linkMac = await linkMacOfBefore(manager.staffId, service);
    await rawUpdate(
      api,
      staffKey(world.org.orgId, manager.staffId),
      'SET serviceLinkMacs = :macs REMOVE serviceLinksMac, serviceLinksVersion',
      undefined,
      { ':macs': { SS: [linkMac] } },
    );
    expectNoErrors(await api.graphql(READ, { token: manager.token, variables: { id: ownClient } }));

    // Act: the senior manager gives them a second service.
    const second = await createService(api, world, manager);
    const secondClient = await registerServiceUser(api, manager, second);

    // Assess: both services read, and the per-link MAC is gone, so putting it back alone later proves nothing.
    expectNoErrors(await api.graphql(READ, { token: manager.token, variables: { id: ownClient } }));
    expectNoErrors(await api.graphql(READ, { token: manager.token, variables: { id: secondClient } }));
    const account = await api.services.dynamo.send(
      new GetItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: tenantScope(world.org.orgId).key('STAFF', manager.staffId) }, sk: { S: 'PROFILE' } },
        ConsistentRead: true,
      }),
    );
    expect(account.Item?.serviceLinkMacs).toBeUndefined();
    expect(account.Item?.serviceLinksVersion).toEqual({ N: '1' });
  });

  it('emergency grants: a break-glass grant written onto a volunteer’s account by a raw write reads nothing', async () => {
    // Prepare
    const volunteer = await addStaff(api, world.org, ['VOLUNTEER']);

    // Act
    await rawUpdate(
      api,
      staffKey(world.org.orgId, volunteer.staffId),
      'SET emergencyGrants.#client = :grant',
      { '#client': localIdOf(client) },
      {
        ':grant': {
          M: {
            grantId: { S: 'grant_forged' },
            reason: { S: 'IMMINENT_DANGER' },
            until: { S: new Date(Date.now() + 3_600_000).toISOString() },
          },
        },
      },
    );
    const result = await api.graphql(READ, {
      token: volunteer.token,
      variables: { id: client },
      headers: { 'x-access-purpose': 'Paramedics on site need her details' },
    });

    // Assess
    expectFailedClosed(result);
  });

  describe('emergency grants under one MAC (decision 0126)', () => {
    const PURPOSE = { 'x-access-purpose': 'Paramedics on site need her details' };
    const OPEN = `mutation ($id: ID!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY,
      detail: "Collapsed at the day centre") { id } }`;
    const readUnder = (person: { token: string }, id: string) =>
      api.graphql(READ, { token: person.token, variables: { id }, headers: PURPOSE });

    /** Someone with no relationship to a fresh client breaks the glass on them, and reads. */
    async function openedEmergencyAccess() {
      const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
      const id = await registerServiceUser(api, world.manager, world.serviceId);
      const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(OPEN, {
        token: stranger.token,
        variables: { id },
      });
      expectNoErrors(opened);
      expectNoErrors(await readUnder(stranger, id));
      return { stranger, id, reviewId: opened.data?.openEmergencyAccess.id ?? '' };
    }

    it('a grant written while the same person opened another keeps both', async () => {
      // Prepare: an opening held just before its grant is written while the same person opens on a second client.
      const { stranger, id } = await openedEmergencyAccess();
      const [first, second] = await Promise.all([
        registerServiceUser(api, world.manager, world.serviceId),
        registerServiceUser(api, world.manager, world.serviceId),
      ]);
      const slow = interleavingDynamoClient(
        api,
        (call) =>
          call.commandName === 'TransactWriteItemsCommand' &&
          JSON.stringify(call.input).includes('grantsMac'),
        async () => {
          expectNoErrors(await api.graphql(OPEN, { token: stranger.token, variables: { id: second } }));
        },
      );

      // Act
      const opened = await testApi({ dynamo: slow.client }).graphql(OPEN, {
        token: stranger.token,
        variables: { id: first },
      });

      // Assess: the held opening read the grants again and kept the other two.
      expect(slow.interleaved()).toBe(true);
      expectNoErrors(opened);
      for (const client of [id, first, second]) expectNoErrors(await readUnder(stranger, client));
    });

    it('a review completed while the same person opened another access answers CONFLICT, then completes', async () => {
      // Prepare: a review's completion held just before it is written while its person breaks the glass elsewhere.
      const { stranger, id, reviewId } = await openedEmergencyAccess();
      const [guardian, other] = await Promise.all([
        addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
        registerServiceUser(api, world.manager, world.serviceId),
      ]);
      const complete = (via: TestApi) =>
        via.graphql(
          'mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: JUSTIFIED) { status } }',
          { token: guardian.token, variables: { id: reviewId } },
        );
      const slow = interleavingDynamoClient(
        api,
        (call) =>
          call.commandName === 'TransactWriteItemsCommand' &&
          JSON.stringify(call.input).includes('REMOVE emergencyGrants'),
        async () => {
          expectNoErrors(await api.graphql(OPEN, { token: stranger.token, variables: { id: other } }));
        },
      );

      // Act
      const held = await complete(testApi({ dynamo: slow.client }));
      const again = await complete(api);

      // Assess: told to try again, nothing lost; the second try ends this access and keeps the other.
      expect(slow.interleaved()).toBe(true);
      expect((held.errors ?? []).map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
      expectNoErrors(again);
      expect((await readUnder(stranger, id)).text).not.toContain(NAME);
      expectNoErrors(await readUnder(stranger, other));
    });

    it('their MAC taken off does not fall back to the per-grant MACs of before: it reads nothing', async () => {
      const { stranger, id } = await openedEmergencyAccess();

      // Act
      await rawUpdate(api, staffKey(world.org.orgId, stranger.staffId), 'REMOVE grantsMac, grantsVersion');
      const result = await readUnder(stranger, id);

      // Assess
      expectFailedClosed(result);
    });

    it('an account whose grant has its own MAC from before still reads, and the review’s end signs the rest whole', async () => {
      // Prepare: the grant as accounts stored it before decision 0126: its own MAC, no MAC over the grants.
      const { stranger, id, reviewId } = await openedEmergencyAccess();
      const scope = tenantScope(world.org.orgId);
      const key = staffKey(world.org.orgId, stranger.staffId);
      const stored = await api.services.dynamo.send(
        new GetItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          ConsistentRead: true,
        }),
      );
      const grant = stored.Item?.emergencyGrants?.M?.[localIdOf(id)]?.M ?? {};
      const grantMac = integrityMac(await api.services.directory.integrityKey(scope), [
        'confide.emergency-grant.v1',
        world.org.orgId,
        stranger.staffId,
        localIdOf(id),
        grant.grantId?.S ?? '',
        grant.reason?.S ?? '',
        grant.until?.S ?? '',
      ]);
      await rawUpdate(
        api,
        key,
        'SET emergencyGrants.#client.mac = :mac REMOVE grantsMac, grantsVersion',
        { '#client': localIdOf(id) },
        { ':mac': { S: grantMac } },
      );
      expectNoErrors(await readUnder(stranger, id));

      // Act: the Caldicott Guardian completes the review, which ends the access.
      const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
      expectNoErrors(
        await api.graphql(
          'mutation ($id: ID!) { completeEmergencyAccessReview(reviewId: $id, outcome: JUSTIFIED) { status } }',
          { token: guardian.token, variables: { id: reviewId } },
        ),
      );

      // Assess: the access ended, and the account's grants are signed whole, counted from the change.
      const refused = await readUnder(stranger, id);
      expect(refused.text).not.toContain(NAME);
      expect((refused.errors ?? []).map((error) => error.extensions?.code)).not.toContain('INTERNAL');
      const after = await api.services.dynamo.send(
        new GetItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          ConsistentRead: true,
        }),
      );
      expect(after.Item?.grantsVersion).toEqual({ N: '1' });
      expect(after.Item?.emergencyGrants).toEqual({ M: {} });
    });
  });

  it('preset: a STRICT organisation flipped to GROUP_WIDE by a raw write shows nobody anything more', async () => {
    // Prepare
    const org = await serviceWorld(api);
    const own = await registerServiceUser(api, org.manager, org.serviceId);
    const volunteer = await addStaff(api, org.org, ['VOLUNTEER']);
    const before = await api.graphql(READ, { token: volunteer.token, variables: { id: own } });
    expect(before.text).not.toContain(NAME);

    // Act
    await rawUpdate(
      api,
      { pk: tenantScope(org.org.orgId).key('ORG'), sk: 'PROFILE' },
      'SET preset = :wide',
      undefined,
      {
        ':wide': { S: 'GROUP_WIDE' },
      },
    );
    const result = await api.graphql(READ, { token: volunteer.token, variables: { id: own } });

    // Assess
    expectFailedClosed(result);
  });

  it('service: a person moved into another manager’s service by a raw write is read by nobody', async () => {
    // Prepare: a second service with its own manager, who cannot read a person of the first.
    const otherManager = await addStaff(api, world.org, ['SERVICE_MANAGER']);
    const otherService = await createService(api, world, otherManager);
    const own = await registerServiceUser(api, world.manager, world.serviceId);
    const before = await api.graphql(READ, { token: otherManager.token, variables: { id: own } });
    expect(before.text).not.toContain(NAME);

    // Act
    await rawUpdate(api, clientKey(world.org.orgId, own), 'SET serviceId = :other', undefined, {
      ':other': { S: localIdOf(otherService) },
    });
    const result = await api.graphql(READ, { token: otherManager.token, variables: { id: own } });

    // Assess
    expectFailedClosed(result);
    await expectTamperedState(api, world.org.orgId, 'PROFILE');
  });

  it('identity: a service user’s sign-in relinked to a manager by a raw write signs in as nobody', async () => {
    // Prepare: the service user's own sign-in does not read another person's record.
    const own = await registerServiceUser(api, world.manager, world.serviceId);
    const token = await serviceUserToken(api, world.org.orgId, own);
    const before = await api.graphql(READ, { token, variables: { id: client } });
    expect(before.text).not.toContain(NAME);
    const record = await api.services.serviceUsers.get(
      tenantScope(world.org.orgId),
      localIdOf(own),
      loaderOf(api),
    );

    // Act: the identity link of that sign-in now names the manager.
    await rawUpdate(
      api,
      {
        pk: tenantScope(world.org.orgId).key('IDENTITY', encodeSubject(record?.externalSubject ?? '')),
        sk: 'IDENTITY',
      },
      'SET principalKind = :staff, principalId = :manager',
      undefined,
      { ':staff': { S: 'STAFF' }, ':manager': { S: world.manager.staffId } },
    );
    const asManager = await api.graphql(READ, { token, variables: { id: client } });

    // Assess
    expectFailedClosed(asManager);
    await expectTamperedState(api, world.org.orgId, 'IDENTITY');
  });

  it('untouched facts still grant what they should', async () => {
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    await allocate(api, world.manager, client, worker);
    const result = await api.graphql(READ, { token: world.manager.token, variables: { id: client } });
    expectNoErrors(result);
    const allocated = await api.graphql(READ, { token: worker.token, variables: { id: client } });
    expectNoErrors(allocated);
    expect(allocated.text).toContain(NAME);
  });
});
