import { describe, expect, it } from 'vitest';
import {
  approveSubjectAccessExport,
  EXPORT,
  recordSubjectAccessRequest,
} from '../disclosure/subject-access-fixtures';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  registerServiceUser,
} from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';
import { closeCase, outlive } from './retention-support';

/**
 * The notice that staff read a person's subject access export lives outside the person's partition, and copied the
 * date their profile had when the export read it. A closure that ran between that read and the notice's write left the
 * notice undated: listed for the Caldicott Guardian after the person's records had expired, for ever. The notice now
 * takes the profile's date as it is when written (decision 0085).
 */

const NOTICES = '{ subjectAccessExportNotices { requestId } }';

describe('a subject access export read while the case closes', () => {
  it('leaves a notice that goes with the person’s records', async () => {
    // Prepare: an open request, approved by the Guardian; the IG lead's export is held just before its notice is
    // written while the manager closes the case.
    const clock = new MovableClock();
    const api = testApi({ clock });
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const [worker, guardian, ig] = await Promise.all([
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['CALDICOTT_GUARDIAN']),
      addStaff(api, org, ['IG_LEAD']),
    ]);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    const requestId = await recordSubjectAccessRequest(api, ig, client);
    await approveSubjectAccessExport(api, guardian, requestId);
    const held = interleavingDynamoClient(
      api,
      (call) =>
        (call.commandName === 'PutItemCommand' || call.commandName === 'TransactWriteItemsCommand') &&
        JSON.stringify(call.input).includes('SUBJECT_ACCESS_EXPORTS'),
      async () => {
        expectNoErrors(await closeCase(api, manager, client));
      },
    );

    // Act
    const exported = await testApi({ clock, dynamo: held.client }).graphql(EXPORT, {
      token: ig.token,
      variables: { c: client },
    });

    // Assess: the export was read and its notice listed; once the person's records expire, the notice goes too.
    expect(held.interleaved()).toBe(true);
    expectNoErrors(exported);
    const listed = await api.graphql<{ subjectAccessExportNotices: { requestId: string }[] }>(NOTICES, {
      token: guardian.token,
    });
    expect(listed.data?.subjectAccessExportNotices.map((notice) => notice.requestId)).toEqual([requestId]);
    outlive(clock);
    const later = await api.graphql<{ subjectAccessExportNotices: unknown[] }>(NOTICES, {
      token: guardian.token,
    });
    expectNoErrors(later);
    expect(later.data?.subjectAccessExportNotices).toEqual([]);
  });
});
