import { describe, expect, it } from 'vitest';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * The person's own access log says who read their record "and why". Under GROUP_WIDE every member of staff reads
 * organisation-wide; the log must not tell the person a volunteer's read was a senior manager's.
 */

const OWN_LOG = '{ myAccessLog(first: 20) { edges { node { who why } } } }';

describe('myAccessLog in an organisation that shares records among all its staff', () => {
  const api = testApi();

  it('does not call a volunteer’s organisation-wide read a senior manager’s', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api, { preset: 'GROUP_WIDE' });
    const { serviceId, manager, senior } = await createServiceWithManager(api, org);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const client = await registerServiceUser(api, manager, serviceId);
    const read = 'query ($id: ID!) { serviceUser(id: $id) { name } }';

    // Act
    expectNoErrors(await api.graphql(read, { token: volunteer.token, variables: { id: client } }));
    expectNoErrors(await api.graphql(read, { token: senior.token, variables: { id: client } }));
    const log = await api.graphql<{ myAccessLog: { edges: { node: { who: string; why: string } }[] } }>(
      OWN_LOG,
      { token: await serviceUserToken(api, org.orgId, client) },
    );

    // Assess: newest first, the senior manager's read, then the volunteer's
    expectNoErrors(log);
    const [bySenior, byVolunteer] = log.data?.myAccessLog.edges.map((edge) => edge.node) ?? [];
    expect(bySenior?.who).toBe('A senior manager');
    expect(byVolunteer?.who).not.toBe('A senior manager');
    expect(byVolunteer?.who).toBe('A member of staff');
    expect(byVolunteer?.why).toBe('Your organisation lets all its staff see the records it keeps');
  });
});
