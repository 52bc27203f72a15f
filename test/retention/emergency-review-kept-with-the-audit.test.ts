import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { addYears, DEFAULT_RETENTION_RULES, toEpochSeconds } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import {
  breakGlass,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  DAY_MS,
  eraseWithApproval,
  localRetention,
  retentionApi,
  retentionWorld,
} from './retention-support';

/**
 * An emergency-access (break-glass) review is an accountability record "kept with the audit trail" (decision 0011),
 * and the audit is kept `auditYears` (6–20) from when it was written. The review item (who broke the glass, whose
 * record, which service, why, when, the finding) was written with no `expiresAt`, outside the person's items, and
 * nothing dated it: it outlived the person's erasure and every retention period, listed to the reviewers for ever. It
 * now expires `auditYears` after its finding (decision 0084).
 */
describe('an emergency access review is kept with the audit', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('is gone once the longest audit period has passed after the person was erased', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const [stranger, guardian] = await Promise.all([
      addStaff(api, world.org, ['SUPPORT_WORKER']),
      addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    ]);
    const { orgId } = world.org;
    const { id, clientId } = await clientWithRecords(api, world);

    expectNoErrors(await breakGlass(api, stranger, id));
    type Reviews = { emergencyAccessReviews: { id: string; serviceUserId: string; status: string }[] };
    const REVIEWS = '{ emergencyAccessReviews { id serviceUserId status reason openedAt } }';
    const pending = await api.graphql<Reviews>(REVIEWS, { token: guardian.token });
    expectNoErrors(pending);
    const review = pending.data?.emergencyAccessReviews.find((r) => r.serviceUserId === id);
    expect(review).toBeDefined();
    expectNoErrors(
      await api.graphql(
        'mutation ($r: ID!) { completeEmergencyAccessReview(reviewId: $r, outcome: JUSTIFIED) { id } }',
        { token: guardian.token, variables: { r: review?.id } },
      ),
    );
    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));
    /** The person's review items as the table holds them, expired or not. */
    const reviewItems = async () =>
      (
        await api.services.dynamo.send(
          new QueryCommand({
            TableName: api.stack.tables.data,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: 'clientId = :client',
            ExpressionAttributeValues: {
              ':pk': { S: tenantScope(orgId).key('EMERGENCY_REVIEWS') },
              ':client': { S: clientId },
            },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    const stored = await reviewItems();
    // Dated with the audit from its finding (while pending it held the records, and carried no date).
    const reviewedAt = new Date(stored[0]?.reviewedAt?.S ?? '');
    expect(stored[0]?.expiresAt?.N).toBe(
      String(toEpochSeconds(addYears(reviewedAt, DEFAULT_RETENTION_RULES.auditYears))),
    );

    // 21 years on: past the longest audit period the rules allow (20 years), long past the erasure.
    clock.advanceYears(21);
    clock.advanceMs(DAY_MS);
    await localRetention(api, orgId).runOnce();

    const Items = await reviewItems();
    const listed = await api.graphql<Reviews>(REVIEWS, { token: guardian.token });
    expectNoErrors(listed);
    expect({
      heldInTheTable: Items.map((item) => ({
        clientId: item.clientId?.S,
        staffId: item.staffId?.S,
        reason: item.reason?.S,
        expiresAt: item.expiresAt?.N ?? null,
      })),
      listedToTheGuardian: listed.data?.emergencyAccessReviews.filter((r) => r.serviceUserId === id),
    }).toEqual({ heldInTheTable: [], listedToTheGuardian: [] });
  });
});
