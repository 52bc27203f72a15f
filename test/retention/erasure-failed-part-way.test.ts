import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { organisationItems } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import {
  approvalIdOf,
  approve,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  eraseWithApproval,
  partitionItems,
  proposeErasure,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
} from './retention-support';

/**
 * An erasure shreds the person's key, then deletes their items, the profile last so that a retried erasure finds what
 * is left. The blind-index entries of their name, postcode and NHS number are found only by recomputing them from the
 * sealed details with that key: deleted after it, an erasure that failed part-way left them for ever, since the retry
 * had no key to find them with. They go before the key now.
 */
describe('retention: an erasure that failed part-way', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('leaves no blind-index entry of the person behind once it is run again', async () => {
    // Prepare: a closed case with blind-index entries; an API whose deletion of the person's notes fails.
    const world = await retentionWorld(api);
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const { id, clientId } = await clientWithRecords(api, world, { nhsNumber: '9434765919' });
    expectNoErrors(await closeCase(api, world.manager, id));
    const scope = tenantScope(world.org.orgId);
    const beacons = async () =>
      (await organisationItems(api, scope.orgId)).filter(
        ({ item }) =>
          item.pk?.S?.startsWith(`ORG#${scope.orgId}#BEACON#`) && item.sk?.S === `CLIENT#${clientId}`,
      );
    expect((await beacons()).length).toBeGreaterThanOrEqual(3);
    const partition = scope.key('CLIENT', clientId);
    const failing = failingDynamoClient(api, (call) => {
      const input = JSON.stringify(call.input);
      return (
        call.commandName === 'BatchWriteItemCommand' && input.includes(partition) && input.includes('NOTE#')
      );
    });
    const faulty = testApi({ clock, tables: api.stack.tables, dynamo: failing.client });

    // Act: the approved erasure fails after the key is shredded; it is proposed and approved again.
    const proposed = await proposeErasure(api, world.ig.token, id);
    expect(codes(await approve(faulty, guardian.token, approvalIdOf(proposed)))).toEqual(['INTERNAL']);
    expect(failing.failures()).toBeGreaterThan(0);
    expect(await subjectKeyItem(api, scope.orgId, clientId)).toBeUndefined();
    expect((await partitionItems(api, scope.orgId, clientId)).length).toBeGreaterThan(0);
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));

    // Assess: nothing of the person is left, the blind-index entries included.
    expect(await partitionItems(api, scope.orgId, clientId)).toEqual([]);
    expect(await beacons()).toEqual([]);
  });
});
