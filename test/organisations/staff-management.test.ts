import { describe, expect, it } from 'vitest';
import { addStaff, approvalIdOf, approve, onboardTestOrganisation, secondAdmin } from '../support/fixtures';
import { testApi } from '../support/test-api';

const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] | undefined }) =>
  result.errors?.map((error) => error.extensions?.code);

const STAFF_FIELDS = 'id handle displayName roles status version';

describe('staff management by ORG_ADMIN', () => {
  const api = testApi();

  it('adds a staff member who can then sign in with their own roles', async () => {
    const org = await onboardTestOrganisation(api);

    const added = await api.graphql<{ addStaffMember: { handle: string; roles: string[]; status: string } }>(
      `mutation { addStaffMember(input: { handle: "jo.bloggs", displayName: "Jo Bloggs", roles: [VOLUNTEER] }) { ${STAFF_FIELDS} } }`,
      { token: org.adminToken },
    );
    const list = await api.graphql<{ staffMembers: { edges: { node: { handle: string } }[] } }>(
      '{ staffMembers { edges { node { handle displayName roles } } } }',
      { token: org.adminToken },
    );

    expect(added.data?.addStaffMember).toMatchObject({
      handle: 'jo.bloggs',
      roles: ['VOLUNTEER'],
      status: 'ACTIVE',
    });
    expect(list.data?.staffMembers.edges.map((edge) => edge.node.handle).sort()).toEqual([
      'admin',
      'jo.bloggs',
    ]);
  });

  it('adds a staff member with a role that opens client content once a second admin approves', async () => {
    const org = await onboardTestOrganisation(api);
    const second = await secondAdmin(api, org);

    const proposed = await api.graphql(
      'mutation { addStaffMember(input: { handle: "jo.bloggs", displayName: "Jo Bloggs", roles: [SUPPORT_WORKER, VOLUNTEER] }) { id } }',
      { token: org.adminToken },
    );
    await approve(api, approvalIdOf(proposed) ?? '', second.token);
    const list = await api.graphql<{
      staffMembers: { edges: { node: { handle: string; roles: string[]; status: string } }[] };
    }>('{ staffMembers { edges { node { handle roles status } } } }', { token: org.adminToken });

    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    const added = list.data?.staffMembers.edges
      .map((edge) => edge.node)
      .find((n) => n.handle === 'jo.bloggs');
    expect(added).toEqual({ handle: 'jo.bloggs', roles: ['SUPPORT_WORKER', 'VOLUNTEER'], status: 'ACTIVE' });
  });

  it('assigns and removes roles, with optimistic concurrency', async () => {
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const change = (mutation: string, roles: string, expectedVersion?: number) =>
      api.graphql<Record<string, { roles: string[]; version: number }>>(
        `mutation ($id: ID!, $v: Int) { ${mutation}(input: { staffId: $id, roles: [${roles}], expectedVersion: $v }) { roles version } }`,
        { token: org.adminToken, variables: { id: worker.globalId, v: expectedVersion } },
      );

    // TEAM_LEADER opens client content: a second administrator approves it.
    const proposed = await change('assignRoles', 'TEAM_LEADER', 1);
    await approve(api, approvalIdOf(proposed) ?? '', (await secondAdmin(api, org)).token);
    const assigned = await api.graphql<{ me: { roles: string[]; staffMember: { version: number } } }>(
      '{ me { roles staffMember { version } } }',
      { token: worker.token },
    );
    const stale = await change('assignRoles', 'IG_LEAD', 1);
    const removed = await change('removeRoles', 'SUPPORT_WORKER');
    const me = await api.graphql<{ me: { roles: string[] } }>('{ me { roles } }', { token: worker.token });

    expect(codes(proposed)).toEqual(['APPROVAL_REQUIRED']);
    expect(assigned.data?.me).toEqual({
      roles: ['SUPPORT_WORKER', 'TEAM_LEADER'],
      staffMember: { version: 2 },
    });
    expect(codes(stale)).toEqual(['CONFLICT']);
    expect(removed.data?.removeRoles?.roles).toEqual(['TEAM_LEADER']);
    expect(me.data?.me.roles).toEqual(['TEAM_LEADER']);
  });

  it('refuses a deactivated staff member immediately', async () => {
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    expect(codes(await api.graphql('{ me { kind } }', { token: worker.token }))).toBeUndefined();

    const result = await api.graphql(
      `mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status } }`,
      {
        token: org.adminToken,
        variables: { id: worker.globalId },
      },
    );

    expect(result.data).toEqual({ deactivateStaff: { status: 'DEACTIVATED' } });
    expect(codes(await api.graphql('{ me { kind } }', { token: worker.token }))).toEqual(['UNAUTHENTICATED']);
  });

  it('is refused to staff without ORG_ADMIN', async () => {
    const org = await onboardTestOrganisation(api);
    const manager = await addStaff(api, org, ['SERVICE_MANAGER', 'SENIOR_MANAGER']);

    const added = await api.graphql(
      'mutation { addStaffMember(input: { handle: "sneaky", displayName: "S", roles: [ORG_ADMIN] }) { id } }',
      { token: manager.token },
    );
    const promoted = await api.graphql(
      `mutation ($id: ID!) { assignRoles(input: { staffId: $id, roles: [ORG_ADMIN] }) { id } }`,
      { token: manager.token, variables: { id: manager.globalId } },
    );

    expect(codes(added)).toEqual(['FORBIDDEN']);
    expect(codes(promoted)).toEqual(['FORBIDDEN']);
    const me = await api.graphql<{ me: { roles: string[] } }>('{ me { roles } }', { token: manager.token });
    expect(me.data?.me.roles).toEqual(['SERVICE_MANAGER', 'SENIOR_MANAGER']);
  });

  it('rejects bad input with the field path and changes nothing', async () => {
    const org = await onboardTestOrganisation(api);
    const add = (handle: string, displayName: string, roles = '[SUPPORT_WORKER]') =>
      api.graphql(
        `mutation ($h: String!, $d: String!) { addStaffMember(input: { handle: $h, displayName: $d, roles: ${roles} }) { id } }`,
        { token: org.adminToken, variables: { h: handle, d: displayName } },
      );

    const cases = [
      await add('UPPER', 'Name'),
      await add('ok.handle', ''),
      await add('ok.handle2', 'x'.repeat(201)),
      await add('ok.handle3', 'Nul\u0000byte'),
      await add('ok.handle4', 'Name', '[]'),
      await add('admin', 'Duplicate handle'),
    ];

    expect(cases.map(codes)).toEqual([
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['BAD_USER_INPUT'],
      ['CONFLICT'],
    ]);
    expect(cases[0]?.errors?.[0]?.extensions?.field).toEqual(['input', 'handle']);
    const list = await api.graphql<{ staffMembers: { edges: unknown[] } }>(
      '{ staffMembers { edges { cursor } } }',
      {
        token: org.adminToken,
      },
    );
    expect(list.data?.staffMembers.edges).toHaveLength(1);
  });
});
