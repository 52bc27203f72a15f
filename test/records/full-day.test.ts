import { describe, expect, it } from 'vitest';
import {
  ADA,
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

describe('a full day of records', () => {
  const api = testApi();

  it('registers, allocates, records and reads back by the right roles only', async () => {
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const stranger = await addStaff(api, org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    await allocate(api, manager, client, volunteer);

    const daily = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the shops together.');
    const medical = await recordNote(api, worker, client, 'MEDICAL', 'Started new medication.');

    const read = (token: string) =>
      api.graphql<{
        serviceUser: {
          name: string | null;
          notes: { edges: { node: { kind: string; body: string | null } }[] };
        };
      }>(
        `query ($id: ID!) { serviceUser(id: $id) { name phone notes { edges { node { kind ... on CareNote { body } ... on HealthNote { body } } } } } }`,
        { token, variables: { id: client } },
      );

    const asWorker = await read(worker.token);
    expectNoErrors(asWorker);
    expect(asWorker.data?.serviceUser.name).toBe(ADA.name);
    expect(asWorker.data?.serviceUser.notes.edges.map((e) => e.node.body).sort()).toEqual([
      'Started new medication.',
      'Went to the shops together.',
    ]);

    const asVolunteer = await read(volunteer.token);
    expect(asVolunteer.data?.serviceUser.notes.edges.map((e) => e.node.kind)).toEqual(['DAILY_SUPPORT']);
    expect(asVolunteer.data?.serviceUser.name).toBe(ADA.name);

    const asStranger = await read(stranger.token);
    expect(codes(asStranger)).toEqual(['NOT_FOUND']);
    expect(asStranger.text).not.toContain('Ada');

    const direct = await api.graphql<{ caseNote: { body: string | null } }>(
      'query ($id: ID!) { caseNote(id: $id) { ... on HealthNote { body } } }',
      { token: volunteer.token, variables: { id: medical } },
    );
    expect(direct.data?.caseNote.body).toBeNull();
    expect(codes(direct)).toEqual(['FORBIDDEN']);
    expect(daily).toBeTruthy();
  });
});
