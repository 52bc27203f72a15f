import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, codes, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { createService, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 19, "API changes the console needs", item 1: the IG lead, the Caldicott Guardian and a service's managers
 * (for their services) see who is behind an access event — name, handle, role, in plain words — and can open that
 * staff member; a support worker cannot, and a manager opens only staff of the services they manage.
 */

const ACCESS_LOG = `query ($c: ID!) { accessLog(serviceUserId: $c, first: 20) { edges { node {
  actorKind actor { staffId displayName handle roles who } } } } }`;
const OPEN_NODE = 'query ($id: ID!) { node(id: $id) { id ... on StaffMember { handle displayName roles } } }';
const OPEN_STAFF = 'query ($id: ID!) { staffMember(id: $id) { id handle displayName roles } }';

interface World extends ServiceWorld {
  readonly client: string;
  readonly worker: Person;
  readonly workerHandle: string;
  readonly ig: Person;
  readonly guardian: Person;
  readonly colleague: Person;
  readonly otherManager: Person;
  readonly otherWorker: Person;
}

const api: TestApi = testApi();
let world: World;

beforeAll(async () => {
  const base = await serviceWorld(api);
  const workerHandle = `worker-${Math.random().toString(16).slice(2, 8)}`;
  const [worker, ig, guardian, colleague, otherManager, otherWorker] = await Promise.all([
    addStaff(api, base.org, ['SUPPORT_WORKER'], workerHandle),
    addStaff(api, base.org, ['IG_LEAD']),
    addStaff(api, base.org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, base.org, ['SUPPORT_WORKER']),
    addStaff(api, base.org, ['SERVICE_MANAGER']),
    addStaff(api, base.org, ['SUPPORT_WORKER']),
  ]);
  const otherService = await createService(api, base, otherManager);
  for (const [service, staff] of [
    [base.serviceId, worker],
    [base.serviceId, colleague],
    [otherService, otherWorker],
  ] as const) {
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
        {
          token: base.senior.token,
          variables: { s: service, m: staff.globalId },
        },
      ),
    );
  }
  const client = await registerServiceUser(api, base.manager, base.serviceId);
  await allocate(api, base.manager, client, worker);
  await allocate(api, base.manager, client, colleague);
  expectNoErrors(
    await api.graphql('query ($id: ID!) { serviceUser(id: $id) { name } }', {
      token: worker.token,
      variables: { id: client },
    }),
  );
  world = { ...base, client, worker, workerHandle, ig, guardian, colleague, otherManager, otherWorker };
});

interface ActorView {
  staffId: string | null;
  displayName: string | null;
  handle: string | null;
  roles: string[];
  who: string;
}

async function actorsSeenBy(reader: Person): Promise<ActorView[]> {
  const result = await api.graphql<{ accessLog: { edges: { node: { actor: ActorView | null } }[] } }>(
    ACCESS_LOG,
    { token: reader.token, variables: { c: world.client } },
  );
  expectNoErrors(result);
  return (result.data?.accessLog.edges ?? []).flatMap((edge) => (edge.node.actor ? [edge.node.actor] : []));
}

describe('who is behind an access event', () => {
  it.each(['ig', 'guardian', 'manager'] as const)(
    'the %s sees the actor’s name, handle and role in plain words',
    async (who) => {
      const actors = await actorsSeenBy(world[who]);
      const worker = actors.find((actor) => actor.staffId === world.worker.globalId);
      expect(worker).toMatchObject({
        displayName: `Staff ${world.workerHandle}`,
        handle: world.workerHandle,
        roles: ['SUPPORT_WORKER'],
        who: 'A support worker who supports you',
      });
    },
  );

  it.each(['ig', 'guardian'] as const)(
    'the %s opens the staff member behind an event, by node and by staffMember',
    async (who) => {
      for (const query of [OPEN_NODE, OPEN_STAFF]) {
        const result = await api.graphql<Record<string, { id: string; handle: string } | null>>(query, {
          token: world[who].token,
          variables: { id: world.worker.globalId },
        });
        expectNoErrors(result);
        expect(Object.values(result.data ?? {})[0]).toMatchObject({
          id: world.worker.globalId,
          handle: world.workerHandle,
        });
      }
    },
  );

  it('a service manager opens staff of the services they manage, and no one else', async () => {
    for (const query of [OPEN_NODE, OPEN_STAFF]) {
      const own = await api.graphql(query, {
        token: world.manager.token,
        variables: { id: world.worker.globalId },
      });
      expectNoErrors(own);
      const other = await api.graphql(query, {
        token: world.manager.token,
        variables: { id: world.otherWorker.globalId },
      });
      expect(codes(other)).toEqual(['NOT_FOUND']);
      expect(JSON.stringify(other.data)).not.toContain('handle');
    }
  });

  it('a support worker still cannot open a colleague, nor read the access log', async () => {
    for (const query of [OPEN_NODE, OPEN_STAFF]) {
      const result = await api.graphql(query, {
        token: world.colleague.token,
        variables: { id: world.worker.globalId },
      });
      expect(codes(result)?.[0]).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
      expect(JSON.stringify(result.data)).not.toContain(world.workerHandle);
    }
    const log = await api.graphql(ACCESS_LOG, {
      token: world.colleague.token,
      variables: { c: world.client },
    });
    expect(codes(log)?.[0]).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
  });
});
