import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocate, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  createService,
  errorsOf,
  localIdOf,
  type ServiceWorld,
  serviceWorld,
} from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 14, side door 5, for access governance: conflicts of interest, safeguarding investigations, break-glass
 * and the access log were refused by hand at each call site and most refusals left no trace. Each refusal is now
 * decided by one policy and recorded exactly once, naming the rule; an investigation is decided on every client
 * it names and recorded against each before it is opened.
 */

const DECLARE =
  'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: FRIEND) }';
const CLEAR = 'mutation ($c: ID!, $s: ID!) { clearConflict(serviceUserId: $c, staffId: $s) }';
const INVESTIGATE =
  'mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }';
const BREAK_GLASS =
  'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Collapsed") { id } }';
const ACCESS_LOG = 'query ($c: ID!) { accessLog(serviceUserId: $c, first: 5) { edges { node { id } } } }';
const READ_NAME = 'query ($id: ID!) { serviceUser(id: $id) { name } }';

interface GovernanceWorld extends ServiceWorld {
  readonly client: string;
  readonly worker: Person;
  readonly colleague: Person;
  readonly lead: Person;
  readonly otherManager: Person;
  readonly otherClient: string;
}

const api: TestApi = testApi();
let world: GovernanceWorld;

beforeAll(async () => {
  const base = await serviceWorld(api);
  const [worker, colleague, lead, otherManager] = await Promise.all([
    addStaff(api, base.org, ['SUPPORT_WORKER']),
    addStaff(api, base.org, ['SUPPORT_WORKER']),
    addStaff(api, base.org, ['SAFEGUARDING_LEAD']),
    addStaff(api, base.org, ['SERVICE_MANAGER']),
  ]);
  const otherService = await createService(api, base, otherManager);
  const client = await registerServiceUser(api, base.manager, base.serviceId);
  const otherClient = await registerServiceUser(api, otherManager, otherService, { name: 'Olive Other' });
  await allocate(api, base.manager, client, worker);
  await allocate(api, base.manager, client, colleague);
  world = { ...base, client, worker, colleague, lead, otherManager, otherClient };
});

async function events(actor: Person, operation: string) {
  const all = await api.services.auditLog.byActor(tenantScope(world.org.orgId), actor.staffId, {
    limit: 500,
  });
  return all
    .filter((event) => event.operation === operation)
    .map((event) => ({ action: event.action, outcome: event.outcome, rule: event.rule }));
}

describe('access governance refusals', () => {
  it.each([
    {
      what: 'a support worker declaring a conflict for a colleague',
      operation: 'declareConflict',
      run: () =>
        api.graphql(DECLARE, {
          token: world.worker.token,
          variables: { c: world.client, s: world.colleague.globalId },
        }),
      caller: () => world.worker,
      rule: 'conflict.managers',
    },
    {
      what: 'a support worker opening a safeguarding investigation of a client they are allocated to',
      operation: 'openSafeguardingInvestigation',
      run: () =>
        api.graphql(INVESTIGATE, {
          token: world.worker.token,
          variables: { c: [world.client], i: world.lead.globalId },
        }),
      caller: () => world.worker,
      rule: 'investigation.managers',
    },
    {
      what: 'a support worker reading the access log of a client they are allocated to',
      operation: 'accessLog',
      run: () => api.graphql(ACCESS_LOG, { token: world.worker.token, variables: { c: world.client } }),
      caller: () => world.worker,
      rule: 'access-log.readers',
    },
  ])('records $what as one DENIED event naming its rule', async ({ operation, run, caller, rule }) => {
    // Act
    const refused = await run();

    // Assess
    expect(errorsOf(refused)).toEqual([{ code: 'FORBIDDEN', path: [operation] }]);
    expect(await events(caller(), operation)).toEqual([{ action: 'DENIED', outcome: 'FORBIDDEN', rule }]);
  });

  it('records the refusal when the person a conflict concerns clears it, and when they break glass on that client', async () => {
    // Prepare: the colleague declares their own conflict (a staff member may)
    const own = { c: world.client, s: world.colleague.globalId };
    expectNoErrors(await api.graphql(DECLARE, { token: world.colleague.token, variables: own }));

    // Act
    const cleared = await api.graphql(CLEAR, { token: world.colleague.token, variables: own });
    const glass = await api.graphql(BREAK_GLASS, {
      token: world.colleague.token,
      variables: { c: world.client },
    });
    const read = await api.graphql(READ_NAME, {
      token: world.colleague.token,
      variables: { id: world.client },
    });

    // Assess: both refused, each recorded once; the client stays hidden from them
    expect(errorsOf(cleared)).toEqual([{ code: 'FORBIDDEN', path: ['clearConflict'] }]);
    expect(errorsOf(glass)).toEqual([{ code: 'FORBIDDEN', path: ['openEmergencyAccess'] }]);
    expect(errorsOf(read)).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
    expect(await events(world.colleague, 'declareConflict')).toEqual([
      { action: 'ADMIN', outcome: 'ALLOWED', rule: 'conflict.FRIEND' },
    ]);
    expect(await events(world.colleague, 'clearConflict')).toEqual([
      { action: 'DENIED', outcome: 'FORBIDDEN', rule: 'conflict.self-clear' },
    ]);
    expect(await events(world.colleague, 'openEmergencyAccess')).toEqual([
      { action: 'DENIED', outcome: 'FORBIDDEN', rule: 'emergency.conflict' },
    ]);
  });

  it('decides an investigation on every client it names: a manager of one service cannot reach into another', async () => {
    // Act: the manager names their own client and one of another service
    const refused = await api.graphql(INVESTIGATE, {
      token: world.manager.token,
      variables: { c: [world.client, world.otherClient], i: world.lead.globalId },
    });
    const leadReads = await api.graphql(READ_NAME, {
      token: world.lead.token,
      variables: { id: world.client },
    });

    // Assess: refused as if the other client did not exist, recorded once, nothing linked
    expect(errorsOf(refused)).toEqual([{ code: 'NOT_FOUND', path: ['openSafeguardingInvestigation'] }]);
    expect(await events(world.manager, 'openSafeguardingInvestigation')).toEqual([
      { action: 'DENIED', outcome: 'NOT_FOUND', rule: 'existence.no-relationship' },
    ]);
    expect(errorsOf(leadReads)).toEqual([{ code: 'NOT_FOUND', path: ['serviceUser'] }]);
  });

  it('records an investigation a senior manager opens against every client it names', async () => {
    // Act
    const opened = await api.graphql<{ openSafeguardingInvestigation: string }>(INVESTIGATE, {
      token: world.senior.token,
      variables: { c: [world.client, world.otherClient], i: world.lead.globalId },
    });

    // Assess
    expectNoErrors(opened);
    for (const client of [world.client, world.otherClient]) {
      const recorded = await api.services.auditLog.bySubject(
        tenantScope(world.org.orgId),
        localIdOf(client),
        { limit: 500 },
      );
      expect(
        recorded
          .filter(
            (event) =>
              event.operation === 'openSafeguardingInvestigation' && event.actor.id === world.senior.staffId,
          )
          .map((event) => [event.actor.id, event.action, event.outcome, event.rule]),
      ).toEqual([[world.senior.staffId, 'ADMIN', 'ALLOWED', 'investigation.opened']]);
    }
  });
});
