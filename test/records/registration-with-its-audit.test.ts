import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServiceWithManager, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff, localIdOf, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

const REGISTER = 'mutation ($input: RegisterServiceUserInput!) { registerServiceUser(input: $input) { id } }';
const ALLOCATE = 'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }';

/**
 * Issue 18 and 20: registering a person and allocating a worker write the change and the events that record it in
 * one transaction, as a note does (note-with-its-audit.test.ts): one write call instead of an event first and the
 * change after it. These pin what that must keep: one write call, a retry answered with the person held still
 * recorded as a write, and chains that verify.
 */
describe('a registration and an allocation written with their audit', () => {
  const api = testApi();
  let org: TestOrganisation;
  let manager: Person;
  let worker: Person;
  let serviceId: string;

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
    ({ serviceId, manager } = await createServiceWithManager(api, org));
    worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  });

  const register = (input: Record<string, unknown> = {}) =>
    api.graphql<{ registerServiceUser: { id: string } }>(REGISTER, {
      token: manager.token,
      variables: { input: { serviceId, name: 'Grace Hopper', dateOfBirth: '1976-12-09', ...input } },
    });

  const writesOf = async (operation: string, subject?: string) =>
    (await api.services.auditLog.byActor(tenantScope(org.orgId), manager.staffId)).filter(
      (event) =>
        event.operation === operation &&
        event.action === 'WRITE' &&
        event.outcome === 'ALLOWED' &&
        (subject === undefined || event.subjectId === subject),
    );
  /** The registration's events: one naming the service (the policy's subject), one the person registered. */
  const registrationsOf = (subject: string) => writesOf('registerServiceUser', subject);

  const transactions = (test: TestApi) =>
    test.services.counters
      .spans()
      .filter((span) => span.service === 'DynamoDB' && span.operation === 'TransactWriteItems');

  it('registers a person and records it, against the service and the person, in one TransactWriteItems call', async () => {
    // Prepare
    const before = (await registrationsOf(localIdOf(serviceId))).length;
    api.services.counters.reset();

    // Act
    const result = await register();

    // Assess: the person's own audit says who wrote their details (decision 0006)
    expectNoErrors(result);
    expect(transactions(api)).toHaveLength(1);
    expect((await registrationsOf(localIdOf(serviceId))).length).toBe(before + 1);
    const person = localIdOf(result.data?.registerServiceUser.id ?? '');
    const own = await api.services.auditLog.bySubject(tenantScope(org.orgId), person);
    expect(
      own
        .filter((event) => event.operation === 'registerServiceUser')
        .map((event) => [event.action, event.actor.id, event.classifications]),
    ).toEqual([['WRITE', manager.staffId, ['IDENTIFYING']]]);
  });

  it('records a retry answered with the person held as a write, creating no one', async () => {
    // Prepare
    const first = await register({ idempotencyKey: 'grace-1' });
    expectNoErrors(first);
    const person = localIdOf(first.data?.registerServiceUser.id ?? '');
    const before = (await registrationsOf(localIdOf(serviceId))).length;

    // Act
    const retry = await register({ idempotencyKey: 'grace-1' });

    // Assess
    expectNoErrors(retry);
    expect(retry.data?.registerServiceUser.id).toBe(first.data?.registerServiceUser.id);
    expect((await registrationsOf(localIdOf(serviceId))).length).toBe(before + 1);
    expect(await registrationsOf(person)).toHaveLength(2);
  });

  it('allocates a worker and records it in one TransactWriteItems call', async () => {
    // Prepare
    const client = await register();
    expectNoErrors(client);
    const before = (await writesOf('allocateWorker')).length;
    api.services.counters.reset();

    // Act
    const result = await api.graphql(ALLOCATE, {
      token: manager.token,
      variables: {
        input: {
          serviceUserId: client.data?.registerServiceUser.id,
          staffId: worker.globalId,
          kind: 'PRIMARY',
        },
      },
    });

    // Assess
    expectNoErrors(result);
    expect(transactions(api)).toHaveLength(1);
    expect((await writesOf('allocateWorker')).length).toBe(before + 1);
  });

  it('leaves the organisation’s audit chains whole after concurrent registrations, retries and allocations', async () => {
    // Prepare
    const [a, b] = await Promise.all([register(), register({ idempotencyKey: 'ada-2' })]);
    await Promise.all([
      register({ idempotencyKey: 'ada-2' }),
      ...[a, b].map((client) =>
        api.graphql(ALLOCATE, {
          token: manager.token,
          variables: {
            input: {
              serviceUserId: client.data?.registerServiceUser.id,
              staffId: worker.globalId,
              kind: 'COVER',
            },
          },
        }),
      ),
    ]);

    // Act
    const verification = await api.services.auditLog.verify(tenantScope(org.orgId));

    // Assess
    expect(verification.ok).toBe(true);
  });
});
