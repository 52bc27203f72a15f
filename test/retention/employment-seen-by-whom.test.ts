import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, createServiceWithManager, expectNoErrors } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * When a colleague's employment ended, and when their records expire, is HR information: the retention schedule gives
 * it to the IG lead only. `StaffMember.employment`, reached by every staff member through a service's members, gave
 * it to anyone. It is now read by those who keep staff records and end employment, and by the person themself.
 */
const ENDED = `mutation ($input: RecordEmploymentEndedInput!) {
  recordEmploymentEnded(input: $input) { staffMemberId }
}`;
const MEMBERS = `query { servicesConnection(first: 5) { edges { node { id
  membersConnection(first: 10) { edges { node { id employment { endedOn } } } } } } } }`;

describe('when a colleague left', () => {
  const api = testApi();

  it('is read by HR and the admins, and refused to a colleague who reaches them through a service', async () => {
    // Prepare: a volunteer and a leaver in one service; the leaver's employment ended.
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const [volunteer, leaver, hr] = await Promise.all([
      addStaff(api, org, ['VOLUNTEER']),
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['HR_OFFICER']),
    ]);
    for (const member of [volunteer, leaver]) {
      expectNoErrors(
        await api.graphql(
          'mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }',
          { token: manager.token, variables: { s: serviceId, m: member.globalId } },
        ),
      );
    }
    expectNoErrors(
      await api.graphql(ENDED, {
        token: org.adminToken,
        variables: { input: { staffId: leaver.globalId, endedOn: new Date().toISOString().slice(0, 10) } },
      }),
    );
    const STAFF = 'query ($id: ID!) { staffMember(id: $id) { employment { endedOn } } }';

    // Act
    const byColleague = await api.graphql(MEMBERS, { token: volunteer.token });
    const byHr = await api.graphql<{ staffMember: { employment: { endedOn: string } | null } }>(STAFF, {
      token: hr.token,
      variables: { id: leaver.globalId },
    });

    // Assess
    expect(codes(byColleague)).toContain('FORBIDDEN');
    // The refusal is recorded against the leaver, as every STAFF_PERSONAL refusal is.
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), leaver.staffId, {
      limit: 100,
    });
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'DENIED',
          fields: ['StaffMember.employment'],
          rule: 'staff-personal.none',
        }),
      ]),
    );
    expect(byColleague.text).not.toContain(new Date().toISOString().slice(0, 10));
    expectNoErrors(byHr);
    expect(byHr.data?.staffMember.employment?.endedOn).toBe(new Date().toISOString().slice(0, 10));
  });
});
