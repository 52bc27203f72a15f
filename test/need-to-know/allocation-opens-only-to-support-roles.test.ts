import { describe, expect, it } from 'vitest';
import { allocate, allocatedPerson, expectNoErrors, recordNote } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { errorsOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * ACCESS-MODEL.md, Roles: an ADMINISTRATOR handles "contact and appointment data only", an ORG_ADMIN sees "no client
 * content", the CHIEF_EXECUTIVE reads "only through EMERGENCY". An allocation is how a worker comes to support a
 * person, so only support staff and volunteers are allocated: allocating anyone else is refused and changes nothing,
 * and cannot be used to give a role the care record it is denied.
 */

const ALLOCATE = 'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }';
const CARE = 'query ($id: ID!) { caseNote(id: $id) { ... on CareNote { body } } }';

describe('allocating a worker', () => {
  const api = testApi();

  it.each([['ADMINISTRATOR'], ['ORG_ADMIN'], ['HR_OFFICER'], ['CHIEF_EXECUTIVE']] as const)(
    'refuses a staff member whose only role is %s: BAD_USER_INPUT, and no care record opens to them',
    async (role) => {
      // Prepare
      const { org, manager, worker, client } = await allocatedPerson(api);
      const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went swimming.');
      const member = await addStaff(api, org, [role]);

      // Act
      const allocated = await api.graphql(ALLOCATE, {
        token: manager.token,
        variables: { input: { serviceUserId: client, staffId: member.globalId, kind: 'PRIMARY' } },
      });
      const read = await api.graphql(CARE, { token: member.token, variables: { id: note } });

      // Assess
      expect(errorsOf(allocated)).toEqual([
        { code: 'BAD_USER_INPUT', path: ['allocateWorker'], field: ['input', 'staffId'] },
      ]);
      expect(read.text).not.toContain('Went swimming');
    },
  );

  it('allocates a volunteer, who reads the care record as the matrix allows', async () => {
    // Prepare
    const { org, manager, worker, client } = await allocatedPerson(api);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went swimming.');
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);

    // Act
    await allocate(api, manager, client, volunteer);
    const read = await api.graphql<{ caseNote: { body: string } }>(CARE, {
      token: volunteer.token,
      variables: { id: note },
    });

    // Assess
    expectNoErrors(read);
    expect(read.data?.caseNote.body).toBe('Went swimming.');
  });
});
