import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import { type TestApi, testApi } from '../support/test-api';
import { clientWithRecords, closeCase, readClient, retentionApi, retentionWorld } from './retention-support';

/**
 * Reopening takes the schedule off the person's items first and opens the case last (decision 0076): a fault on the
 * opening itself left the case closed with no date, dropped from the retention schedule, its records kept for ever.
 * A reopening that fails now puts the closed case's schedule back.
 */
describe('reopenCase after a fault', () => {
  const { api, clock } = retentionApi();

  it('a fault while opening the case leaves it closed and still scheduled, and the same request then succeeds', async () => {
    // Prepare: a closed case, and an API whose DynamoDB client fails the write that opens it.
    const world = await retentionWorld(api);
    const { id } = await clientWithRecords(api, world);
    const closed = await closeCase(api, world.manager, id);
    expectNoErrors(closed);
    const scheduled = closed.data?.closeCase.retention?.expiresAt;
    expect(scheduled).toBeTruthy();
    const failing = failingDynamoClient(api, (call) => JSON.stringify(call.input).includes('{"S":"OPEN"}'));
    const REOPEN = 'mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { caseStatus } }';
    const reopen = async (through: TestApi) => {
      const version = (await readClient(api, world.manager.token, id)).data?.serviceUser.version;
      return through.graphql<{ reopenCase: { caseStatus: string } }>(REOPEN, {
        token: world.manager.token,
        variables: { input: { serviceUserId: id, expectedVersion: version } },
      });
    };

    // Act
    const failed = await reopen(testApi({ clock, tables: api.stack.tables, dynamo: failing.client }));
    const after = await readClient(api, world.manager.token, id);

    // Assess: the fault is answered, and the case is as it was: closed, with its date.
    expect(failing.failures()).toBeGreaterThan(0);
    expect(codes(failed)).toEqual(['INTERNAL']);
    expect(after.data?.serviceUser).toMatchObject({
      caseStatus: 'CLOSED',
      retention: { expiresAt: scheduled },
    });
    const retried = await reopen(api);
    expectNoErrors(retried);
    expect(retried.data?.reopenCase.caseStatus).toBe('OPEN');
  });
});
