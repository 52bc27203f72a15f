import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { staffAccountKey, tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Re-employment writes the employment's record and the account's activation together: a fault between them used to
 * leave the employment reopened and the account deactivated, and every retry answered CONFLICT ("employment has not
 * ended"), so the person could not be let back in without ending their employment again.
 */

const ENDED = `mutation ($input: RecordEmploymentEndedInput!) {
  recordEmploymentEnded(input: $input) { staffMemberId }
}`;
const REEMPLOYED = `mutation ($input: RecordReemploymentInput!) {
  recordReemployment(input: $input) { id status employment { endedOn } }
}`;
const STAFF = 'query ($id: ID!) { staffMember(id: $id) { status employment { endedOn } } }';

describe('recordReemployment after a fault', () => {
  it('a fault while activating the account reopens nothing, and the same request then succeeds', async () => {
    // Prepare: a leaver whose employment ended a year ago, and an API whose DynamoDB client fails the write that
    // makes their account active again.
    const api = testApi();
    const org = await onboardTestOrganisation(api);
    const leaver = await addStaff(api, org, ['VOLUNTEER']);
    const endedOn = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    expectNoErrors(
      await api.graphql(ENDED, {
        token: org.adminToken,
        variables: { input: { staffId: leaver.globalId, endedOn } },
      }),
    );
    const scope = tenantScope(org.orgId);
    const accountExpiry = async () => {
      const key = staffAccountKey(scope, leaver.staffId);
      const { Item } = await api.services.dynamo.send(
        new GetItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          ConsistentRead: true,
        }),
      );
      return Item?.expiresAt?.N;
    };
    const datedAt = await accountExpiry();
    expect(datedAt).toBeDefined();
    const failing = failingDynamoClient(api, (call) => JSON.stringify(call.input).includes('{"S":"ACTIVE"}'));
    const faulty = testApi({ dynamo: failing.client });
    const reemploy = (through: TestApi) =>
      through.graphql<{ recordReemployment: unknown }>(REEMPLOYED, {
        token: org.adminToken,
        variables: { input: { staffId: leaver.globalId } },
      });
    const state = async () =>
      (
        await api.graphql<{ staffMember: unknown }>(STAFF, {
          token: org.adminToken,
          variables: { id: leaver.globalId },
        })
      ).data?.staffMember;

    // Act
    const failed = await reemploy(faulty);

    // Assess: a fault, and the leaver is still a leaver (not half re-employed), their records dated as before: left
    // undated, they would be kept for ever if nobody asked again.
    expect(failing.failures()).toBe(1);
    expect(codes(failed)).toEqual(['INTERNAL']);
    expect(await state()).toEqual({ status: 'DEACTIVATED', employment: { endedOn } });
    expect(await accountExpiry()).toBe(datedAt);

    // Act: the admin asks again, with nothing failing.
    const retried = await reemploy(api);

    // Assess: re-employed and active, in one step.
    expectNoErrors(retried);
    expect(retried.data?.recordReemployment).toEqual({
      id: leaver.globalId,
      status: 'ACTIVE',
      employment: null,
    });
    expect(await state()).toEqual({ status: 'ACTIVE', employment: null });
    expectNoErrors(await api.graphql('{ me { kind } }', { token: leaver.token }));
  });
});
