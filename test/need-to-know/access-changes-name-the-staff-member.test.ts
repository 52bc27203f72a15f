import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * ACCESS-MODEL.md: declaring and clearing a conflict is audited; DATA-PROTECTION.md: a change is "audited before it
 * happens, naming who changed what for whom". A change that gives or takes a staff member's access to a person —
 * an allocation given or ended, a conflict declared or cleared, an investigation opened — names, on the person's
 * event, the staff member whose access it changes (by id, as team changes name theirs), not only the person.
 */

const ALLOCATE =
  'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { allocations { allocationId staffId } } }';
const END = 'mutation ($input: EndAllocationInput!) { endAllocation(input: $input) { id } }';
const DECLARE =
  'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: NEIGHBOUR) }';
const CLEAR = 'mutation ($c: ID!, $s: ID!) { clearConflict(serviceUserId: $c, staffId: $s) }';
const INVESTIGATE =
  'mutation ($c: [ID!]!, $i: ID!) { openSafeguardingInvestigation(serviceUserIds: $c, investigatorId: $i) }';

describe('a change of who may see a person', () => {
  const api = testApi();

  it('names the staff member it concerns on the person’s event', async () => {
    // Prepare
    const { org, manager, worker: first, client } = await allocatedPerson(api);
    const [worker, neighbour, lead, senior] = await Promise.all([
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['SAFEGUARDING_LEAD']),
      addStaff(api, org, ['SENIOR_MANAGER']),
    ]);

    // Act
    const allocated = await api.graphql<{
      allocateWorker: { allocations: { allocationId: string; staffId: string }[] };
    }>(ALLOCATE, {
      token: manager.token,
      variables: { input: { serviceUserId: client, staffId: worker.globalId, kind: 'PRIMARY' } },
    });
    expectNoErrors(allocated);
    const allocationId = allocated.data?.allocateWorker.allocations.find(
      (allocation) => allocation.staffId === worker.globalId,
    )?.allocationId;
    const steps = [
      await api.graphql(END, {
        token: manager.token,
        variables: { input: { serviceUserId: client, allocationId } },
      }),
      await api.graphql(DECLARE, { token: manager.token, variables: { c: client, s: neighbour.globalId } }),
      await api.graphql(CLEAR, { token: manager.token, variables: { c: client, s: neighbour.globalId } }),
      await api.graphql(INVESTIGATE, { token: senior.token, variables: { c: [client], i: lead.globalId } }),
    ];
    for (const step of steps) expectNoErrors(step);

    // Assess
    const events = await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), {
      limit: 100,
    });
    const named = (operation: string) =>
      events
        .filter(
          (event) => event.operation === operation && event.outcome === 'ALLOWED' && event.action !== 'READ',
        )
        .flatMap((event) => event.fields.filter((field) => field.startsWith('StaffMember:')));
    expect(named('allocateWorker').sort()).toEqual(
      [`StaffMember:${first.staffId}`, `StaffMember:${worker.staffId}`].sort(),
    );
    expect(named('endAllocation')).toEqual([`StaffMember:${worker.staffId}`]);
    expect(named('declareConflict')).toEqual([`StaffMember:${neighbour.staffId}`]);
    expect(named('clearConflict')).toEqual([`StaffMember:${neighbour.staffId}`]);
    expect(named('openSafeguardingInvestigation')).toEqual([`StaffMember:${lead.staffId}`]);
  });
});
