import type { Role } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { createServiceWithManager, registerServiceUser } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { errorsOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * A recorded "manages this service" link counts only with a management role (ACCESS-MODEL.md; rows.ts
 * SERVICE_MANAGEMENT_ROLES): removing a manager's role leaves their link on the service, and that link alone must
 * not open the manager's operations any more than it opens the manager's reads.
 */
describe('a manager link on an account without a management role', () => {
  const api = testApi();

  /** A service, a person it supports, and its manager moved to `roles` (the service keeps them as its manager). */
  async function demotedManager(roles: Role[]) {
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const client = await registerServiceUser(api, manager, serviceId);
    await api.services.directory.updateStaff(tenantScope(org.orgId), manager.staffId, { roles });
    return { org, manager, client };
  }

  it('does not let them allocate themselves, or anyone, to the service’s clients', async () => {
    // An ADMINISTRATOR still sees the service's clients (their service), but no care content and no manager's work.
    const { manager, client } = await demotedManager(['ADMINISTRATOR']);

    const allocated = await api.graphql(
      'mutation ($input: AllocateWorkerInput!) { allocateWorker(input: $input) { id } }',
      {
        token: manager.token,
        variables: { input: { serviceUserId: client, staffId: manager.globalId, kind: 'PRIMARY' } },
      },
    );

    expect(errorsOf(allocated).map((error) => error.code)).toEqual(['FORBIDDEN']);
  });

  it('does not let them read the client’s access log', async () => {
    const { manager, client } = await demotedManager(['ADMINISTRATOR']);

    const log = await api.graphql(
      'query ($id: ID!) { accessLog(serviceUserId: $id, first: 5) { edges { node { at } } } }',
      { token: manager.token, variables: { id: client } },
    );

    expect(errorsOf(log).map((error) => error.code)).toEqual(['FORBIDDEN']);
  });

  it('does not make them a reviewer of the service’s emergency accesses', async () => {
    const { org, manager, client } = await demotedManager(['ADMINISTRATOR']);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
      'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Found unwell") { id } }',
      { token: worker.token, variables: { c: client } },
    );
    expect(opened.errors).toBeUndefined();

    const listed = await api.graphql<{ emergencyAccessReviews: { id: string }[] }>(
      '{ emergencyAccessReviews { id } }',
      { token: manager.token },
    );

    expect(listed.errors).toBeUndefined();
    expect(listed.data?.emergencyAccessReviews).toEqual([]);
  });
});
