import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

const RECORD = 'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }';

/**
 * Issue 18: a note and the events that record it are one transaction. These pin what that must keep: one write
 * call for both, a retry answered with the held note still recorded as a write, and a chain that verifies.
 */
describe('a note written with its audit', () => {
  const api = testApi();
  let org: TestOrganisation;
  let worker: Person;
  let client: string;

  beforeAll(async () => {
    org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
  });

  const record = (input: Record<string, unknown>) =>
    api.graphql<{ recordNote: { id: string } }>(RECORD, {
      token: worker.token,
      variables: { input: { serviceUserId: client, kind: 'DAILY_SUPPORT', ...input } },
    });

  const noteWrites = async () =>
    (await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client))).filter(
      (event) => event.operation === 'recordNote' && event.action === 'WRITE',
    );

  it('writes the note, the latest-note pointer and the WRITE event in one TransactWriteItems call', async () => {
    // Prepare
    const before = (await noteWrites()).length;
    api.services.counters.reset();

    // Act
    const result = await record({ body: 'Walked to the shops.' });

    // Assess
    expectNoErrors(result);
    const writes = api.services.counters
      .spans()
      .filter((span) => span.service === 'DynamoDB' && span.operation === 'TransactWriteItems');
    expect(writes).toHaveLength(1);
    expect((await noteWrites()).length).toBe(before + 1);
  });

  it('records a retry answered with the held note as a write, after the refused transaction', async () => {
    // Prepare
    const first = await record({ body: 'Cooked dinner together.', idempotencyKey: 'dinner-1' });
    expectNoErrors(first);
    const before = (await noteWrites()).length;

    // Act
    const retry = await record({ body: 'Cooked dinner together.', idempotencyKey: 'dinner-1' });

    // Assess
    expectNoErrors(retry);
    expect(retry.data?.recordNote.id).toBe(first.data?.recordNote.id);
    const events = await noteWrites();
    expect(events.length).toBe(before + 1);
    expect(events[0]?.outcome).toBe('ALLOWED');
  });

  it('leaves the organisation’s audit chains whole after refused and written changes', async () => {
    // Prepare
    await Promise.all([
      record({ body: 'Bus trip.', idempotencyKey: 'bus-1' }),
      record({ body: 'Bus trip.', idempotencyKey: 'bus-1' }),
      record({ body: 'Library visit.' }),
    ]);

    // Act
    const verification = await api.services.auditLog.verify(tenantScope(org.orgId));

    // Assess
    expect(verification.ok).toBe(true);
  });
});
