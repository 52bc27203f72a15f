import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { addStaff, approvalIdOf, onboardTestOrganisation, secondAdmin } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { type GraphqlResult, type TestApi, testApi } from '../support/test-api';

/**
 * An approved change runs after the approval is claimed. A run that never finishes (the function timed out, the
 * process died) must not spend the approval: once the claim's lease has passed, a second person approves it again and
 * it runs. Before, the approval was marked APPROVED and its arguments removed before the change ran, so a lost run
 * left the change never made and the approval gone (NOT_FOUND); only a new proposal and a new approval made it.
 */

const ASSIGN = `mutation ($id: ID!, $roles: [Role!]!) {
  assignRoles(input: { staffId: $id, roles: $roles }) { roles }
}`;
const APPROVE = 'mutation ($id: ID!) { approveChange(approvalId: $id) { status } }';
const REJECT = 'mutation ($id: ID!) { rejectChange(approvalId: $id) { status } }';
const codes = (result: GraphqlResult) => result.errors?.map((error) => error.extensions?.code);

/**
 * An API over a DynamoDB client whose writes that `hangs` picks never answer, as a run cut off by the function's
 * timeout. `hung` resolves when the first one hangs.
 */
function apiWhoseWritesHang(
  api: TestApi,
  clock: MovableClock,
  hangs: (input: { UpdateExpression?: string }) => boolean,
): { api: TestApi; hung: Promise<void> } {
  const { config } = api.services;
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.endpoints.dynamodb ? { endpoint: config.endpoints.dynamodb } : {}),
    maxAttempts: 1,
  });
  let hang: () => void = () => {};
  const hung = new Promise<void>((resolve) => {
    hang = resolve;
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const write = /Write|Put|Update|Delete/.test(context.commandName ?? '');
      if (write && hangs(args.input as { UpdateExpression?: string })) {
        hang();
        return new Promise<never>(() => {});
      }
      return next(args);
    },
    { step: 'initialize', name: 'hangingWrites' },
  );
  return { api: testApi({ clock, dynamo: client }), hung };
}

/** The approval is claimed, then the change hangs: every write outside the approvals partition. */
const apiWhoseChangeHangs = (api: TestApi, clock: MovableClock) =>
  apiWhoseWritesHang(api, clock, (input) => !JSON.stringify(input).includes('#APPROVAL"'));

/** The change is made, then the approval's decision hangs. */
const apiWhoseDecisionHangs = (api: TestApi, clock: MovableClock) =>
  apiWhoseWritesHang(api, clock, (input) =>
    (input.UpdateExpression ?? '').startsWith('SET #status = :status, decidedBy'),
  );

describe('an approval whose run was lost', () => {
  const clock = new MovableClock();
  const api = testApi({ clock });

  /**
   * A grant of a content role proposed by one admin, which a second admin approves through `lost`, an API whose run
   * never finishes; resolves once that run hangs.
   */
  async function approvedThroughALostRun(lost: ReturnType<typeof apiWhoseChangeHangs>) {
    const org = await onboardTestOrganisation(api);
    const volunteer = await addStaff(api, org, ['VOLUNTEER']);
    const second = await secondAdmin(api, org);
    const proposed = await api.graphql(ASSIGN, {
      token: org.adminToken,
      variables: { id: volunteer.globalId, roles: ['SUPPORT_WORKER'] },
    });
    const approvalId = approvalIdOf(proposed);
    void lost.api.graphql(APPROVE, { token: second.token, variables: { id: approvalId } });
    await lost.hung;
    return { org, volunteer, second, approvalId };
  }

  it('is approved again once its claim has lapsed, and the change is made', async () => {
    // Prepare: a grant of a content role proposed by one admin; a second admin approves it through an API whose run
    // of the change never finishes.
    const { org, volunteer, second, approvalId } = await approvedThroughALostRun(
      apiWhoseChangeHangs(api, clock),
    );

    // Act: approving again while the claim holds, rejecting it then, and approving once it has lapsed.
    const whileClaimed = await api.graphql(APPROVE, { token: second.token, variables: { id: approvalId } });
    const rejectedWhileClaimed = await api.graphql(REJECT, {
      token: org.adminToken,
      variables: { id: approvalId },
    });
    clock.advanceMs(10 * 60 * 1000);
    const afterLapse = await api.graphql<{ approveChange: { status: string } }>(APPROVE, {
      token: second.token,
      variables: { id: approvalId },
    });

    // Assess: refused while another run may still be going; then approved, and the role granted.
    expect(codes(whileClaimed)).toEqual(['CONFLICT']);
    expect(codes(rejectedWhileClaimed)).toEqual(['CONFLICT']);
    expect(codes(afterLapse)).toBeUndefined();
    expect(afterLapse.data?.approveChange.status).toBe('APPROVED');
    const me = await api.graphql<{ me: { roles: string[] } }>('{ me { roles } }', { token: volunteer.token });
    expect(me.data?.me.roles).toEqual(['SUPPORT_WORKER', 'VOLUNTEER']);
  });
  it('whose change was made before the run was cut off is not rejected afterwards: approved again, it is finished', async () => {
    // Prepare: a grant of a content role, approved through an API whose run makes the change and is then cut off
    // before the approval is marked approved.
    const { org, volunteer, second, approvalId } = await approvedThroughALostRun(
      apiWhoseDecisionHangs(api, clock),
    );
    clock.advanceMs(10 * 60 * 1000);

    // Act: the proposer withdraws it once the claim has lapsed; then the second admin approves it again.
    const rejected = await api.graphql(REJECT, { token: org.adminToken, variables: { id: approvalId } });
    const approved = await api.graphql<{ approveChange: { status: string } }>(APPROVE, {
      token: second.token,
      variables: { id: approvalId },
    });

    // Assess: the register never says REJECTED of a role the person holds; it says APPROVED.
    expect(codes(rejected)).toEqual(['CONFLICT']);
    expect(codes(approved)).toBeUndefined();
    expect(approved.data?.approveChange.status).toBe('APPROVED');
    const me = await api.graphql<{ me: { roles: string[] } }>('{ me { roles } }', { token: volunteer.token });
    expect(me.data?.me.roles).toEqual(['SUPPORT_WORKER', 'VOLUNTEER']);
  });
});
