import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { countedRequests, DYNAMO_READS, sumOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * A staff token may name its staff id (`staff_id`): authentication then reads the organisation, the identity link
 * and that staff item in one batch (decision 0020). The claim is a hint, never an authority: the identity link
 * decides who the subject is, and a token whose hint disagrees with it is refused.
 */

const ME = '{ me { kind roles staffMember { id handle } } }';

describe('the staff id a token names', () => {
  const api = testApi();

  it('lets authentication read the caller in one round trip, and a token without it still works in two', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const staff = await api.services.directory.staff(tenantScope(org.orgId), worker.staffId);
    const plain = await api.token({ sub: staff?.externalSubject ?? '', org_id: org.orgId });
    expectNoErrors(await api.graphql(ME, { token: worker.token })); // warm caches (JWKS)

    // Act
    const hinted = await countedRequests(api, () => api.graphql(ME, { token: worker.token }));
    const unhinted = await countedRequests(api, () => api.graphql(ME, { token: plain }));

    // Assess
    expectNoErrors(hinted.result);
    expectNoErrors(unhinted.result);
    expect(hinted.result.data).toEqual(unhinted.result.data);
    expect(sumOf(hinted.counts, DYNAMO_READS)).toBe(1);
    expect(sumOf(unhinted.counts, DYNAMO_READS)).toBe(2);
  });

  it('is refused when it names someone else, or anyone for a subject that is not staff', async () => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const [worker, manager] = await Promise.all([
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['SERVICE_MANAGER']),
    ]);
    const workerAccount = await api.services.directory.staff(tenantScope(org.orgId), worker.staffId);
    const claimingManager = await api.token({
      sub: workerAccount?.externalSubject ?? '',
      org_id: org.orgId,
      staff_id: manager.staffId,
    });
    const claimingUnknown = await api.token({
      sub: workerAccount?.externalSubject ?? '',
      org_id: org.orgId,
      staff_id: 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    });

    // Act
    const asManager = await api.graphql(ME, { token: claimingManager });
    const asUnknown = await api.graphql(ME, { token: claimingUnknown });

    // Assess
    expect(codes(asManager)).toEqual(['UNAUTHENTICATED']);
    expect(codes(asUnknown)).toEqual(['UNAUTHENTICATED']);
    expect(asManager.data ?? null).toBeNull();
  });
});
