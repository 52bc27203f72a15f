import { describe, expect, it } from 'vitest';
import { allocate, allocatedPerson, expectNoErrors, recordNote } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Lists filter (ACCESS-MODEL.md): the disclosure register names the notes a request or disclosure covered, and a
 * reader of the register who may not read a note at all (a volunteer and a medical note) is not told of it there
 * either, not its kind, date or id, as `notes` does not list it for them.
 */
describe('the notes a disclosure register entry names', () => {
  const api = testApi();

  it('are those the reader may see: a note they may not read is left out, its id too, unless they decide disclosures', async () => {
    // Prepare: a worker discloses a medical note and a daily note without consent; a volunteer is allocated too.
    const { org, manager, worker, client } = await allocatedPerson(api);
    const [volunteer, guardian] = await Promise.all([
      addStaff(api, org, ['VOLUNTEER']),
      addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    ]);
    await allocate(api, manager, client, volunteer);
    const medical = await recordNote(api, worker, client, 'MEDICAL', 'Medication changed after the seizure.');
    const daily = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
    expectNoErrors(
      await api.graphql(
        'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
        {
          token: worker.token,
          variables: {
            input: {
              serviceUserId: client,
              recipient: 'Duty social worker',
              legalBasis: 'SAFEGUARDING',
              reasoning: 'Risk of serious harm reported today.',
              itemIds: [medical, daily],
              clientInformed: true,
            },
          },
        },
      ),
    );
    const READ = `query ($id: ID!) { serviceUser(id: $id) {
      notes(first: 10) { edges { node { id } } }
      disclosureRegister { items { id } } } }`;
    type Read = {
      serviceUser: {
        notes: { edges: { node: { id: string } }[] };
        disclosureRegister: { items: { id: string }[] | null }[];
      };
    };

    // Act
    const byVolunteer = await api.graphql<Read>(READ, { token: volunteer.token, variables: { id: client } });
    const byWorker = await api.graphql<Read>(READ, { token: worker.token, variables: { id: client } });
    const byGuardian = await api.graphql<{
      serviceUser: { disclosureRegister: { items: { id: string }[] | null }[] };
    }>('query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { items { id } } } }', {
      token: guardian.token,
      variables: { id: client },
    });
    const rawIds = await api.graphql<{ serviceUser: { disclosureRegister: { itemIds: string[] | null }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { itemIds } } }',
      { token: volunteer.token, variables: { id: client } },
    );

    // Assess: the volunteer is told of the daily note only, as their notes list; the worker of both.
    expectNoErrors(byVolunteer);
    expectNoErrors(byWorker);
    const listed = (read: typeof byVolunteer) =>
      read.data?.serviceUser.notes.edges.map((edge) => edge.node.id);
    const named = (read: typeof byVolunteer) =>
      read.data?.serviceUser.disclosureRegister.flatMap((entry) => entry.items?.map((item) => item.id) ?? []);
    expect(listed(byVolunteer)).toEqual([daily]);
    expect(named(byVolunteer)).toEqual([daily]);
    expect(named(byWorker)?.sort()).toEqual([daily, medical].sort());
    // The Guardian, who decides disclosures and reads no notes, is told of every note named, to decide.
    expectNoErrors(byGuardian);
    expect(
      byGuardian.data?.serviceUser.disclosureRegister
        .flatMap((entry) => entry.items?.map((item) => item.id) ?? [])
        .sort(),
    ).toEqual([daily, medical].sort());
    expectNoErrors(rawIds);
    expect(rawIds.data?.serviceUser.disclosureRegister.flatMap((entry) => entry.itemIds ?? [])).toHaveLength(
      1,
    );
  });
});
