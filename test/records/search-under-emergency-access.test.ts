import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { ADA, allocatedPerson, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Break-glass: "every read under it is audited as emergency" (schema, `openEmergencyAccess`). A search matches the
 * person's identifying details, which the caller may read only under the emergency grant: the search's read of that
 * person is an emergency access, recorded as one, and counted by the emergency access report.
 */

const SEARCH = `query ($nhs: String) @purpose(reason: "Paramedics need her GP") {
  searchServiceUsers(nhsNumber: $nhs) { id }
}`;

describe('a search under emergency access', () => {
  const api = testApi();

  it('records its read of the person found as an emergency access, which the report counts', async () => {
    // Prepare: the Chief Executive, who reads a client only through emergency access, breaks glass on the person.
    const { org, client } = await allocatedPerson(api);
    const [chief, ig] = await Promise.all([
      addStaff(api, org, ['CHIEF_EXECUTIVE']),
      addStaff(api, org, ['IG_LEAD']),
    ]);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Collapsed") { id } }',
        { token: chief.token, variables: { c: client } },
      ),
    );
    const report = async () => {
      const result = await api.graphql<{
        emergencyAccessReport: { edges: { node: { accessCount: number } }[] };
      }>('{ emergencyAccessReport(first: 5) { edges { node { accessCount } } } }', { token: ig.token });
      expectNoErrors(result);
      return result.data?.emergencyAccessReport.edges[0]?.node.accessCount ?? 0;
    };
    const before = await report();

    // Act
    const found = await api.graphql<{ searchServiceUsers: { id: string }[] }>(SEARCH, {
      token: chief.token,
      variables: { nhs: ADA.nhsNumber },
    });

    // Assess
    expectNoErrors(found);
    expect(found.data?.searchServiceUsers).toEqual([{ id: client }]);
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), {
      limit: 50,
    });
    expect(
      events
        .filter((event) => event.operation === 'searchServiceUsers')
        .map((event) => [event.action, event.relationship, event.emergency]),
    ).toEqual([['EMERGENCY_ACCESS', 'EMERGENCY', true]]);
    expect(await report()).toBe(before + 1);
  });
});
