import { PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, registerServiceUser } from '../support/care-fixtures';
import { addStaff, expectTamperedState } from '../support/fixtures';
import { localIdOf, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * A break-glass access lasts at most an hour and is reviewed by someone else (decisions 0040, 0074). A review whose
 * opening a fault cut off before its grant is adopted by the next opening of the same person by the same staff
 * member, so that a retry does not raise a second review. The review item said who broke the glass, until when and
 * whether it was pending in plain attributes: someone who can write the table planted a pending review of their own
 * that lasted a year, and opening emergency access adopted it and granted that year. A review now carries a MAC
 * (decision 0098); a planted or rewritten one is refused as tampered.
 */

const OPEN = `mutation ($id: ID!) { openEmergencyAccess(serviceUserId: $id, reason: MEDICAL_EMERGENCY,
  detail: "Collapsed at the day centre") { id } }`;

describe('an emergency review written in the table', () => {
  const api = testApi();

  it('is not adopted by an opening of emergency access: no year-long grant', async () => {
    // Prepare: a support worker with no relationship to the person.
    const world = await serviceWorld(api);
    const client = await registerServiceUser(api, world.manager, world.serviceId);
    const worker = await addStaff(api, world.org, ['SUPPORT_WORKER']);
    const scope = tenantScope(world.org.orgId);
    const clientId = localIdOf(client);

    // Act: a pending review of the worker's, a year long, and its id in the profile's marker; then the worker opens.
    const reviewId = 'emg_plantedreview0000000000000000';
    const openedAt = new Date().toISOString();
    await api.services.dynamo.send(
      new PutItemCommand({
        TableName: api.stack.tables.data,
        Item: {
          pk: { S: scope.key('EMERGENCY_REVIEWS') },
          sk: { S: `${openedAt}#${reviewId}` },
          gsi1pk: { S: scope.key('EMERGENCY_REVIEW', reviewId) },
          gsi1sk: { S: 'REVIEW' },
          reviewId: { S: reviewId },
          staffId: { S: worker.staffId },
          clientId: { S: clientId },
          serviceId: { S: localIdOf(world.serviceId) },
          reason: { S: 'MEDICAL_EMERGENCY' },
          openedAt: { S: openedAt },
          until: { S: new Date(Date.now() + 365 * 86_400_000).toISOString() },
          status: { S: 'PENDING' },
        },
      }),
    );
    await api.services.dynamo.send(
      new UpdateItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: scope.key('CLIENT', clientId) }, sk: { S: 'PROFILE' } },
        UpdateExpression: 'ADD reviewHolds :review',
        ExpressionAttributeValues: { ':review': { SS: [reviewId] } },
      }),
    );
    const opened = await api.graphql(OPEN, { token: worker.token, variables: { id: client } });

    // Assess: nothing granted from the planted review.
    expect(codes(opened)).toEqual(['INTERNAL']);
    const staff = await api.services.directory.staff(scope, worker.staffId);
    expect(staff?.emergencyGrants.get(clientId)).toBeUndefined();
    await expectTamperedState(api, scope.orgId, 'EMERGENCY_REVIEW');
  });
});
