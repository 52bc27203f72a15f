import { describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

describe('recordNote with an idempotency key', () => {
  const api = testApi();

  it('creates one note however often, and however concurrently, it is retried', async () => {
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    const record = (idempotencyKey: string) =>
      api.graphql<{ recordNote: { id: string } }>(
        'mutation ($input: RecordNoteInput!) { recordNote(input: $input) { id } }',
        {
          token: worker.token,
          variables: {
            input: { serviceUserId: client, kind: 'DAILY_SUPPORT', body: 'Went swimming.', idempotencyKey },
          },
        },
      );

    const results = await Promise.all([record('visit-42'), record('visit-42'), record('visit-42')]);
    const retried = await record('visit-42');
    const other = await record('visit-43');

    for (const result of [...results, retried, other]) expectNoErrors(result);
    const ids = new Set([...results, retried].map((result) => result.data?.recordNote.id));
    expect(ids.size).toBe(1);
    expect(other.data?.recordNote.id).not.toBe(retried.data?.recordNote.id);
    const notes = await api.graphql<{ serviceUser: { notes: { edges: unknown[] } } }>(
      'query ($id: ID!) { serviceUser(id: $id) { notes { edges { cursor } } } }',
      { token: worker.token, variables: { id: client } },
    );
    expect(notes.data?.serviceUser.notes.edges).toHaveLength(2);
  });
});
