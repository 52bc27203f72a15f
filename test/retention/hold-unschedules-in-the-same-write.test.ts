import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { testApi } from '../support/test-api';
import {
  breakGlass,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  retentionApi,
  retentionWorld,
} from './retention-support';

/**
 * The retention handler believes an expiry only when the person's retention state says SCHEDULED (decision 0074). A
 * legal hold, or an emergency review, on a closed and dated case must therefore take the state off the schedule in
 * the same write that puts the hold on the profile: written after it, a fault between the two left the hold in force
 * on the profile and the state SCHEDULED, and at the old date the handler took every expiry as routine, then the key's
 * own expiry shredded the held record.
 */

const PLACE =
  'mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Claim 24-0117") { placedAt } }';

describe('retention: a hold takes the case off the schedule in its own write', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  /** An API whose DynamoDB client fails every retention state written outside a transaction. */
  function failingState() {
    const failing = failingDynamoClient(
      api,
      (call) =>
        call.commandName === 'PutItemCommand' && JSON.stringify(call.input).includes('RETENTION_STATE'),
    );
    return { failing, faulty: testApi({ clock, tables: api.stack.tables, dynamo: failing.client }) };
  }

  /** A closed, dated case: its retention state says SCHEDULED. */
  async function closedCase() {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world, { dateOfBirth: '1975-04-01' });
    expectNoErrors(await closeCase(api, world.manager, id));
    const scope = tenantScope(world.org.orgId);
    expect((await api.services.retention.states.read(scope, clientId)).state).toBe('SCHEDULED');
    return { world, id, clientId, scope };
  }

  it('a legal hold, even when a later step fails', async () => {
    const { world, id, clientId, scope } = await closedCase();
    const { failing, faulty } = failingState();

    const placed = await faulty.graphql(PLACE, { token: world.manager.token, variables: { id } });

    // A later write of the state failed (the request answers INTERNAL); the hold's own transaction had taken the case
    // off the schedule already.
    expect(failing.failures()).toBeGreaterThan(0);
    expect(placed.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL']);
    expect((await api.services.retention.states.read(scope, clientId)).state).toBe('UNSCHEDULED');
  });

  it('an emergency review, even when a later step fails', async () => {
    const { world, id, clientId, scope } = await closedCase();
    const stranger = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const { failing, faulty } = failingState();

    const opened = await breakGlass(faulty, stranger, id);

    expect(failing.failures()).toBeGreaterThan(0);
    expect(opened.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL']);
    expect((await api.services.retention.states.read(scope, clientId)).state).toBe('UNSCHEDULED');
  });
});
