import { describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 17 item 7: an idempotency key identifies a retry of the same request, nothing else. The same key with a
 * different payload, or from a different caller or service, answers CONFLICT naming the key's field and reveals
 * nothing of the earlier record; a true retry still returns the same record.
 */

const REGISTER = `mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id name } }`;
const RECORD =
  'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id ... on CareNote { body } } }';
const GRACE = {
  name: 'Grace Hopper',
  dateOfBirth: '1950-12-09',
  nhsNumber: '9434765919',
  postcode: 'N1 9GU',
};

describe('idempotency keys (issue 17 item 7)', () => {
  const api = testApi();

  it('registerServiceUser: a retry returns the same person; another person, or another service’s manager, gets CONFLICT and no id', async () => {
    const org = await onboardTestOrganisation(api);
    const first = await createServiceWithManager(api, org);
    const second = await createServiceWithManager(api, org);
    const register = (token: string, serviceId: string, details: Record<string, string>) =>
      api.graphql<{ registerServiceUser: { id: string; name: string } | null }>(REGISTER, {
        token,
        variables: { input: { serviceId, ...details, idempotencyKey: 'intake-7' } },
      });
    const ada = {
      name: ADA.name,
      dateOfBirth: ADA.dateOfBirth,
      nhsNumber: ADA.nhsNumber,
      postcode: ADA.postcode,
    };

    const created = await register(first.manager.token, first.serviceId, ada);
    expectNoErrors(created);
    const id = created.data?.registerServiceUser?.id ?? '';
    const retried = await register(first.manager.token, first.serviceId, ada);
    expectNoErrors(retried);
    expect(retried.data?.registerServiceUser?.id).toBe(id);

    const other = await register(first.manager.token, first.serviceId, GRACE);
    expect(codes(other)).toEqual(['CONFLICT']);
    expect(other.errors?.[0]?.extensions?.field).toEqual(['input', 'idempotencyKey']);
    expect(other.text).not.toContain(id);
    expect(other.text).not.toContain(ADA.name);

    const elsewhere = await register(second.manager.token, second.serviceId, ada);
    expect(codes(elsewhere)).toEqual(['CONFLICT']);
    expect(elsewhere.text).not.toContain(id);
    expect(elsewhere.text).not.toContain(ADA.name);

    // Grace was not silently dropped for a record of Ada: with her own key she is registered.
    const grace = await api.graphql<{ registerServiceUser: { id: string } }>(REGISTER, {
      token: first.manager.token,
      variables: { input: { serviceId: first.serviceId, ...GRACE, idempotencyKey: 'intake-8' } },
    });
    expectNoErrors(grace);
    expect(grace.data?.registerServiceUser.id).not.toBe(id);
  });

  it('recordNote: a retry returns the same note; other text under the same key gets CONFLICT and nothing of the first', async () => {
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    const record = (body: string, kind = 'DAILY_SUPPORT') =>
      api.graphql<{ recordNote: { id: string; body?: string } | null }>(RECORD, {
        token: worker.token,
        variables: { input: { serviceUserId: client, kind, body, idempotencyKey: 'visit-9' } },
      });

    const first = await record('Went swimming at the leisure centre.');
    expectNoErrors(first);
    const retried = await record('Went swimming at the leisure centre.');
    expectNoErrors(retried);
    expect(retried.data?.recordNote?.id).toBe(first.data?.recordNote?.id);

    const other = await record('Felt low and did not want to go out.');
    expect(codes(other)).toEqual(['CONFLICT']);
    expect(other.errors?.[0]?.extensions?.field).toEqual(['input', 'idempotencyKey']);
    expect(other.text).not.toContain('swimming');
    expect(other.text).not.toContain(first.data?.recordNote?.id ?? '-');
  });
});
