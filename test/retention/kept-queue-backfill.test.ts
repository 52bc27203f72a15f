import { DeleteItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { allocate, expectNoErrors, recordNote, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import {
  closeCase,
  closeLocalRetentions,
  expectCode,
  outlive,
  readClient,
  retentionApi,
  retentionWorld,
  sweepUntilGone,
} from './retention-support';

/**
 * DATA-PROTECTION.md, Retention: closing a case dates every item of the person. The kept queue item of a request
 * lives outside their partition (decision 0044), and `DisclosureQueue.keepExisting` — the backfill every deployed
 * organisation runs and the local stack runs on every start — writes it for work recorded before the queue was kept.
 * About a closed case it must take the person's date, or it outlives them, and a decider's queue lists work about
 * someone no longer held.
 */

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`;
const ESCALATE =
  'mutation ($c: ID!, $r: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Scope is broad") { kind } }';
const QUEUE =
  '{ disclosureWorkQueueConnection(first: 50) { edges { node { kind requestId serviceUserId } } } }';

describe('the kept queue backfill and the person’s schedule', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('a backfilled queue item of a scheduled case carries the person’s expiry and leaves with their records', async () => {
    // Prepare: an escalated request about a person whose case is then closed
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const id = await registerServiceUser(api, world.manager, world.serviceId);
    await allocate(api, world.manager, id, world.worker);
    const note = await recordNote(api, world.worker, id, 'DAILY_SUPPORT', 'Went to the day centre.');
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
      token: world.manager.token,
      variables: {
        input: {
          serviceUserId: id,
          requesterOrganisation: 'Housing association',
          requesterContact: 'Duty officer, 01234 567890',
          purpose: 'An enquiry',
          purposeCategory: 'OTHER',
          legalBasis: 'SAFEGUARDING',
          itemIds: [note],
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'DOCUMENT_CHECKED',
        },
      },
    });
    expectNoErrors(received);
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
    expectNoErrors(
      await api.graphql(ESCALATE, { token: world.manager.token, variables: { c: id, r: requestId } }),
    );
    expectNoErrors(await closeCase(api, world.manager, id));

    // Act: the queue item as work recorded before the queue was kept (decision 0044), then the backfill
    const scope = tenantScope(world.org.orgId);
    const TableName = api.services.config.tables.data;
    const Key = { pk: { S: scope.key('DISCLOSURE_QUEUE') }, sk: { S: `REQUEST#${requestId}` } };
    const dated = await api.services.dynamo.send(
      new GetItemCommand({ TableName, Key, ConsistentRead: true }),
    );
    expect(dated.Item?.expiresAt?.N).toBeDefined(); // the closure dated it
    await api.services.dynamo.send(new DeleteItemCommand({ TableName, Key }));
    expect(await api.services.disclosureQueue.keepExisting(scope)).toBe(1);
    const rebuilt = await api.services.dynamo.send(
      new GetItemCommand({ TableName, Key, ConsistentRead: true }),
    );

    // … and eight years and a day later, the records expired and swept
    outlive(clock);
    await sweepUntilGone(api, world.org.orgId, localIdOf(id));
    expectCode(await readClient(api, world.manager.token, id), 'NOT_FOUND');
    const queue = await api.graphql<{
      disclosureWorkQueueConnection: { edges: { node: { requestId: string; serviceUserId: string } }[] };
    }>(QUEUE, { token: guardian.token });
    expectNoErrors(queue);
    const left = await api.services.dynamo.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }));

    // Assess: the rebuilt item had the person's date, and left with them, from the table and from the queue
    expect(rebuilt.Item?.expiresAt?.N).toBe(dated.Item?.expiresAt?.N);
    expect(left.Item).toBeUndefined();
    expect(
      queue.data?.disclosureWorkQueueConnection.edges.filter((edge) => edge.node.serviceUserId === id),
    ).toEqual([]);
  });
});
