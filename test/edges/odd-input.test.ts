import { beforeAll, describe, expect, it } from 'vitest';
import { codes, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 17 item 8: odd input gets BAD_USER_INPUT, NOT_FOUND or CONFLICT — never INTERNAL, never a silent change.
 */

describe('odd input', () => {
  const api = testApi();
  let world: ServiceWorld & { worker: Person; client: string };

  beforeAll(async () => {
    const base = await serviceWorld(api);
    const worker = await addStaff(api, base.org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, base.manager, base.serviceId);
    world = { ...base, worker, client };
  });

  it('refuses a lone surrogate in text (sent as a JSON escape) instead of replacing it', async () => {
    const lone = 'x\ud800y';
    const search = await api.graphql('query ($n: String) { searchServiceUsers(name: $n) { id } }', {
      token: world.manager.token,
      variables: { n: lone },
    });
    const note = await api.graphql(
      'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }',
      {
        token: world.manager.token,
        variables: { input: { serviceUserId: world.client, kind: 'DAILY_SUPPORT', body: `Visit ${lone}` } },
      },
    );
    expect(codes(search)).toEqual(['BAD_USER_INPUT']);
    expect(codes(note)).toEqual(['BAD_USER_INPUT']);
    expect(note.data?.recordNote ?? null).toBeNull();
  });

  it.each([
    ['first: -5', '{ caseload(first: -5) { edges { cursor } } }'],
    ['last: -1', '{ caseload(last: -1) { edges { cursor } } }'],
    ['a malformed after cursor', '{ caseload(first: 2, after: "not-a-cursor") { edges { cursor } } }'],
    ['a malformed before cursor', '{ caseload(last: 2, before: "%%%") { edges { cursor } } }'],
  ])('answers caseload(%s) with BAD_USER_INPUT', async (_what, query) => {
    const result = await api.graphql(query, { token: world.worker.token });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers CONFLICT to deactivating an account already deactivated, and changes nothing', async () => {
    const staff = await addStaff(api, world.org, ['VOLUNTEER']);
    const deactivate = () =>
      api.graphql<{ deactivateStaff: { status: string; version: number } }>(
        'mutation ($id: ID!) { deactivateStaff(input: { staffId: $id }) { status version } }',
        { token: world.org.adminToken, variables: { id: staff.globalId } },
      );
    const first = await deactivate();
    expectNoErrors(first);
    const before = await api.services.directory.staff(
      (await import('@confide/store')).tenantScope(world.org.orgId),
      staff.staffId,
    );

    const again = await deactivate();

    expect(codes(again)).toEqual(['CONFLICT']);
    const after = await api.services.directory.staff(
      (await import('@confide/store')).tenantScope(world.org.orgId),
      staff.staffId,
    );
    expect(after?.version).toBe(before?.version);
    expect(after?.status).toBe('DEACTIVATED');
  });
});
