import { randomBytes } from 'node:crypto';
import { schema } from '@confide/api';
import { ROLES } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { isInterfaceType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, type TestOrganisation } from '../support/fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Issue 17 item 5 (and item 8, notes): `node` and `nodes` apply exactly the rules of each type's own query — its
 * operation policy and its audit. For every `Node` type and every kind of principal, `node(id:)` answers what the
 * type's own query answers (data and error codes) and leaves the same audit events.
 */

const NOTE = `id ... on CaseNote { kind } ... on CareNote { body } ... on HealthNote { body }
  ... on FinanceNote { body } ... on SafeguardingNote { body }`;

/** Each Node type: the selection both ways, and the type's own query (and how to pick the node from it). */
const TYPES: Record<
  string,
  { selection: string; own: (id: string) => { query: string; pick: (data: never) => unknown } }
> = {
  Service: {
    selection: 'id name managers { handle displayName roles } members { handle displayName roles }',
    own: (id) => ({
      query:
        '{ services { id name managers { handle displayName roles } members { handle displayName roles } } }',
      pick: (data: { services: { id: string }[] }) =>
        data.services.find((service) => service.id === id) ?? null,
    }),
  },
  StaffMember: {
    selection: 'id handle displayName roles status',
    // node runs staffMember's rules (issue 19: the IG lead, the Guardian and a service's managers open the staff
    // behind an event); staffMembers, the list, stays ORG_ADMIN and HR_OFFICER's.
    own: () => ({
      query: 'query ($id: ID!) { staffMember(id: $id) { id handle displayName roles status } }',
      pick: (data: { staffMember: unknown }) => data.staffMember,
    }),
  },
  ServiceUser: {
    selection: 'id reference name nhsNumber',
    own: () => ({
      query: 'query ($id: ID!) { serviceUser(id: $id) { id reference name nhsNumber } }',
      pick: (data: { serviceUser: unknown }) => data.serviceUser,
    }),
  },
  ...Object.fromEntries(
    ['CareNote', 'HealthNote', 'FinanceNote', 'SafeguardingNote'].map((type) => [
      type,
      {
        selection: NOTE,
        own: () => ({
          query: `query ($id: ID!) { caseNote(id: $id) { ${NOTE} } }`,
          pick: (data: { caseNote: unknown }) => data.caseNote,
        }),
      },
    ]),
  ),
};

interface Caller {
  readonly name: string;
  readonly token: string;
  /** The actor its audit events are recorded under (none for an operator: no tenant audit). */
  readonly actorId?: string;
}

let api: TestApi;
let org: TestOrganisation;
const ids: Record<string, string> = {};
const callers: Caller[] = [];

beforeAll(async () => {
  api = testApi();
  const { onboardTestOrganisation } = await import('../support/fixtures');
  org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, target] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['ADMINISTRATOR']),
  ]);
  const member = await addStaff(api, org, ['SUPPORT_WORKER']);
  expectNoErrors(
    await api.graphql('mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }', {
      token: manager.token,
      variables: { s: serviceId, m: member.globalId },
    }),
  );
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  ids.Service = serviceId;
  ids.StaffMember = target.globalId;
  ids.ServiceUser = client;
  ids.CareNote = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Node probe daily note');
  ids.HealthNote = await recordNote(api, worker, client, 'MEDICAL', 'Node probe medical note');
  ids.FinanceNote = await recordNote(api, worker, client, 'FINANCE', 'Node probe finance note');
  ids.SafeguardingNote = await recordNote(api, worker, client, 'SAFEGUARDING_CONCERN', 'Node probe concern');

  const staffCallers: [string, Person][] = [
    ['allocated worker', worker],
    ['service manager', manager],
    ['service team member', member],
  ];
  for (const role of ROLES) staffCallers.push([`staff ${role}`, await addStaff(api, org, [role])]);
  for (const [name, person] of staffCallers)
    callers.push({ name, token: person.token, actorId: person.staffId });
  const partnerClientId = `node-${randomBytes(4).toString('hex')}`;
  const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($c: String!) { registerPartnerAgency(name: "Node probe agency", clientId: $c) { id } }',
    { token: org.adminToken, variables: { c: partnerClientId } },
  );
  expectNoErrors(partner);
  callers.push({
    name: 'partner',
    token: await api.token({ sub: partnerClientId, client_id: partnerClientId, org_id: org.orgId }),
    actorId: partner.data?.registerPartnerAgency.id ?? '',
  });
  callers.push({
    name: 'service user (SELF)',
    token: await serviceUserToken(api, org.orgId, client),
    actorId: Buffer.from(client, 'base64').toString().split(':')[1] ?? '',
  });
  callers.push({ name: 'operator', token: await api.operatorToken() });
}, 240_000);

/** The audit events an action leaves for the actor, without the operation name or anything request-specific. */
async function eventsOf(actorId: string | undefined, act: () => Promise<unknown>) {
  if (!actorId) {
    await act();
    return [];
  }
  const scope = tenantScope(org.orgId);
  const before = new Set(
    (await api.services.auditLog.byActor(scope, actorId, { limit: 5000 })).map((e) => e.eventId),
  );
  await act();
  const after = await api.services.auditLog.byActor(scope, actorId, { limit: 5000 });
  return after
    .filter((event) => !before.has(event.eventId))
    .map((event) =>
      [
        event.action,
        event.outcome,
        event.rule ?? '',
        (event.fields ?? []).join(','),
        (event.classifications ?? []).join(','),
        event.subjectId ?? '',
      ].join(' '),
    )
    .sort();
}

describe('node and nodes apply the rules of each type’s own query', () => {
  it('covers every Node type of the schema', () => {
    const node = schema.getType('Node');
    if (!isInterfaceType(node)) throw new Error('no Node interface');
    const implementations = schema
      .getImplementations(node)
      .objects.map((type) => type.name)
      .sort();
    expect(implementations).toEqual(Object.keys(TYPES).sort());
  });

  for (const type of Object.keys(TYPES)) {
    it(`${type}: node answers and audits as the type’s own query, for every principal`, async () => {
      const spec = TYPES[type];
      if (!spec) throw new Error(type);
      const id = ids[type] ?? '';
      const mismatches: string[] = [];
      for (const caller of callers) {
        const own = spec.own(id);
        let ownResult: Awaited<ReturnType<TestApi['graphql']>> | undefined;
        const ownEvents = await eventsOf(caller.actorId, async () => {
          ownResult = await api.graphql(own.query, { token: caller.token, variables: { id } });
        });
        let nodeResult: Awaited<ReturnType<TestApi['graphql']>> | undefined;
        const nodeEvents = await eventsOf(caller.actorId, async () => {
          nodeResult = await api.graphql(
            `query ($id: ID!) { node(id: $id) { __typename ${spec.selection === NOTE ? NOTE : `... on ${type} { ${spec.selection} }`} } }`,
            {
              token: caller.token,
              variables: { id },
            },
          );
        });
        const ownCodes = codes(ownResult ?? {}) ?? [];
        const nodeCodes = codes(nodeResult ?? {}) ?? [];
        const ownData = ownResult?.data ? own.pick(ownResult.data as never) : null;
        const nodeData = (nodeResult?.data as { node?: Record<string, unknown> | null } | null)?.node ?? null;
        const { __typename: _typename, ...nodeFields } = nodeData ?? {};
        const answer = (data: unknown, errorCodes: unknown[]) =>
          JSON.stringify({ data, codes: [...new Set(errorCodes)].sort() });
        const ownAnswer = answer(ownData, ownCodes);
        const nodeAnswer = answer(nodeData ? nodeFields : null, nodeCodes);
        if (ownAnswer !== nodeAnswer) mismatches.push(`${caller.name}: own ${ownAnswer} node ${nodeAnswer}`);
        if (JSON.stringify(ownEvents) !== JSON.stringify(nodeEvents)) {
          mismatches.push(
            `${caller.name} audit: own ${JSON.stringify(ownEvents)} node ${JSON.stringify(nodeEvents)}`,
          );
        }
      }
      expect(mismatches).toEqual([]);
    });
  }

  it('gives the allocated worker their client’s note through node, as caseNote does', async () => {
    const worker = callers[0];
    const result = await api.graphql<{ node: { body: string } | null }>(
      'query ($id: ID!) { node(id: $id) { ... on CareNote { body } } }',
      { token: worker?.token ?? '', variables: { id: ids.CareNote } },
    );
    expectNoErrors(result);
    expect(result.data?.node?.body).toBe('Node probe daily note');
  });

  it('refuses a partner the service’s managers and members through node and nodes', async () => {
    const partner = callers.find((caller) => caller.name === 'partner');
    const one = await api.graphql(
      'query ($id: ID!) { node(id: $id) { ... on Service { managers { handle } } } }',
      {
        token: partner?.token ?? '',
        variables: { id: ids.Service },
      },
    );
    const many = await api.graphql(
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Service { members { handle displayName } } } }',
      { token: partner?.token ?? '', variables: { ids: [ids.Service] } },
    );
    expect(one.data).toEqual({ node: null });
    expect(codes(one)).toEqual(['FORBIDDEN']);
    expect(many.data).toEqual({ nodes: [null] });
    expect(codes(many)).toEqual(['FORBIDDEN']);
  });

  it('refuses the person supported their service’s staff through their own record, and gives them its name', async () => {
    // Prepare: the person, signed in as themself
    const self = callers.find((caller) => caller.name === 'service user (SELF)');
    const ask = (fields: string) =>
      api.graphql<{ serviceUser: { service: Record<string, unknown> | null } }>(
        `query ($id: ID!) { serviceUser(id: $id) { service { ${fields} } } }`,
        { token: self?.token ?? '', variables: { id: ids.ServiceUser } },
      );

    // Act
    const name = await ask('name');
    const staff = await Promise.all([
      ask('managers { handle displayName roles }'),
      ask('members { handle }'),
      ask('membersConnection { edges { node { handle displayName } } }'),
    ]);

    // Assess: the service's name, and none of its staff accounts
    expectNoErrors(name);
    expect(name.data?.serviceUser.service).toEqual({ name: expect.any(String) });
    for (const result of staff) {
      expect(result.data?.serviceUser.service ?? null).toBeNull();
      expect(codes(result)).toEqual(['FORBIDDEN']);
      expect(result.text).not.toMatch(/handle|displayName/);
    }
  });

  it.each([
    ['an unknown type', Buffer.from('Unicorn:abc').toString('base64')],
    ['a malformed id', '!!!'],
    ['a note id of nobody', Buffer.from('CareNote:x.y').toString('base64')],
  ])('answers NOT_FOUND, not INTERNAL, for %s', async (_what, id) => {
    const result = await api.graphql('query ($id: ID!) { node(id: $id) { id } }', {
      token: callers[0]?.token ?? '',
      variables: { id },
    });
    expect(result.data).toEqual({ node: null });
    expect(codes(result)).toEqual(['NOT_FOUND']);
  });
});
