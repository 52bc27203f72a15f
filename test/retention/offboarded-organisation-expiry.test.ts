import { asOrgId } from '@confide/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { offboardWithTwoOperators } from '../support/platform-fixtures';
import {
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  localRetention,
  outlive,
  partitionItems,
  retentionApi,
  retentionWorld,
} from './retention-support';

/**
 * An offboarded organisation's records are left to its key's deletion, but each still carries its TTL. Once the key
 * is pending deletion or gone, nothing of the organisation can be verified or tombstoned: the retention function lets
 * those expiries pass instead of failing each stream record until it lands in the failure queue, which would alarm
 * the operators for every item the charity ever wrote.
 */
describe('retention: an offboarded organisation’s expiries', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('pass without failing once its key is pending deletion', async () => {
    // Prepare: a client with records in a closed case, then the organisation offboarded.
    const world = await retentionWorld(api);
    const orgId = asOrgId(world.org.orgId);
    const { id, clientId } = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await offboardWithTwoOperators(api, orgId, 7));
    expect(await api.services.organisationKeys.lifecycle(orgId)).toBe('PENDING_DELETION');
    outlive(clock);

    // Act
    const run = await localRetention(api, orgId).runOnce();

    // Assess: every item swept, every stream record handled, none failed.
    expect(run.swept).toBeGreaterThan(0);
    expect(run.handled).toBeGreaterThan(0);
    expect(run.failed).toBe(0);
    expect(await partitionItems(api, orgId, clientId)).toEqual([]);
  });
});
