import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { localStack, testApi } from '../support/test-api';
import {
  clientWithRecords,
  closeCase,
  partitionItems,
  readClient,
  retentionWorld,
  subjectKeyItem,
} from './retention-support';

/**
 * A closeCase schedules the profile first, then every other item and the key. The soak once caught a reopenCase
 * landing in between: the items were scheduled after the reopening had cleared them, so an open case's notes (and
 * its data key) would have been deleted by TTL. Here the reopening is made to land at exactly that moment, by a
 * middleware that reopens the case just before the first note is scheduled.
 */

function localDynamo(): DynamoDBClient {
  const stack = localStack();
  return new DynamoDBClient({
    region: stack.region,
    endpoint: stack.dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
}

/**
 * A DynamoDB client that holds the `nth` unscheduling write of a profile (`REMOVE expiresAt`) until `release` is
 * called; `reached` resolves when it is held.
 */
function holdingProfileUnschedule(nth: number) {
  let reach: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let seen = 0;
  const client = localDynamo();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as UpdateItemCommandInput;
      if (
        context.commandName === 'UpdateItemCommand' &&
        input.Key?.sk?.S === 'PROFILE' &&
        input.UpdateExpression?.startsWith('REMOVE expiresAt') &&
        ++seen === nth
      ) {
        reach();
        await released;
      }
      return next(args);
    },
    { step: 'initialize', name: 'holdProfileUnschedule' },
  );
  return { client, reached, release };
}

describe('closing and reopening at once', () => {
  it('leaves no item or key of the reopened case scheduled to expire', async () => {
    // Prepare: a client with notes, and a DynamoDB client that reopens the case mid-schedule
    const direct = localDynamo();
    let reopenBeforeFirstNote: (() => Promise<void>) | undefined;
    const racing = localDynamo();
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as UpdateItemCommandInput;
        const schedulesANote =
          context.commandName === 'UpdateItemCommand' &&
          input.Key?.sk?.S?.startsWith('NOTE#') &&
          input.UpdateExpression?.startsWith('SET expiresAt');
        if (schedulesANote && reopenBeforeFirstNote) {
          const reopen = reopenBeforeFirstNote;
          reopenBeforeFirstNote = undefined;
          await reopen();
        }
        return next(args);
      },
      { step: 'initialize', name: 'reopenMidSchedule' },
    );
    const api = testApi({ dynamo: racing });
    const world = await retentionWorld(api);
    const client = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const profileKey = { pk: { S: scope.key('CLIENT', client.clientId) }, sk: { S: 'PROFILE' } };
    // What a reopenCase does meanwhile: the status change (through the store, which MACs it) and its own
    // unscheduling (nothing is scheduled yet)
    reopenBeforeFirstNote = async () => {
      await api.services.serviceUsers.setCaseStatus(scope, client.clientId, { status: 'OPEN' });
      await direct.send(
        new UpdateItemCommand({
          TableName: api.services.config.tables.data,
          Key: profileKey,
          UpdateExpression: 'REMOVE expiresAt',
        }),
      );
    };

    // Act: close (the schedule runs into the reopening)
    const closed = await closeCase(api, world.manager, client.id, new Date(Date.now() - 86_400_000));

    // Assess: the reopening happened mid-schedule, and nothing of the open case is left to expire
    expect(reopenBeforeFirstNote).toBeUndefined();
    expectNoErrors(closed);
    const items = await direct.send(
      new QueryCommand({
        TableName: api.services.config.tables.data,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': profileKey.pk },
        ConsistentRead: true,
      }),
    );
    const notes = (items.Items ?? []).filter((item) => item.sk?.S?.startsWith('NOTE#'));
    expect(notes.length).toBeGreaterThan(0);
    expect((items.Items ?? []).filter((item) => item.expiresAt).map((item) => item.sk?.S)).toEqual([]);
    const { table, key } = api.services.keys.subjectKeyLocation(world.org.orgId, client.clientId);
    const subjectKey = await direct.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    expect(subjectKey.Item).toBeDefined();
    expect(subjectKey.Item?.expiresAt).toBeUndefined();
    const read = await readClient(api, world.manager.token, client.id);
    expectNoErrors(read);
    expect(read.data?.serviceUser.caseStatus).toBe('OPEN');
    expect(read.data?.serviceUser.retention?.expiresAt).toBeNull();
  });

  it('a closure that lands after a reopening, while the reopening still takes its schedule off, stays scheduled in full', async () => {
    // Prepare: a closed, scheduled case, and an api whose DynamoDB holds its reopening's second pass (after the status
    // is OPEN) at the profile's unscheduling write, until the test lets it go.
    const api = testApi();
    const world = await retentionWorld(api);
    const client = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, client.id, new Date(Date.now() - 86_400_000)));
    const { client: held, reached: atSecondPass, release } = holdingProfileUnschedule(2);
    const slow = testApi({ dynamo: held });
    const current = await readClient(api, world.manager.token, client.id);
    const reopened = slow.graphql(
      `mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { caseStatus } }`,
      {
        token: world.manager.token,
        variables: {
          input: { serviceUserId: client.id, expectedVersion: current.data?.serviceUser.version },
        },
      },
    );

    // Act: the case is open; another manager closes it, schedule and all, before the reopening's second pass ends.
    await atSecondPass;
    expectNoErrors(await closeCase(api, world.manager, client.id));
    release();
    expectNoErrors(await reopened);

    // Assess: closed, with every item, the profile included, and its key scheduled for the same date; the retention
    // handler's record agrees.
    const items = await partitionItems(api, world.org.orgId, client.clientId);
    const dates = new Set(items.map((item) => item.expiresAt?.N));
    expect(dates.size, JSON.stringify(items.map((item) => [item.sk?.S, item.expiresAt?.N]))).toBe(1);
    expect([...dates][0]).toBeDefined();
    expect((await subjectKeyItem(api, world.org.orgId, client.clientId))?.expiresAt).toBeDefined();
    const read = await readClient(api, world.manager.token, client.id);
    expect(read.data?.serviceUser.caseStatus).toBe('CLOSED');
    expect(read.data?.serviceUser.retention?.expiresAt).not.toBeNull();
    const state = await api.services.retention.states.read(tenantScope(world.org.orgId), client.clientId);
    expect(state.state).toBe('SCHEDULED');
  });

  it('a reopening overtaken by another reopening and a closure leaves that closure scheduled in full', async () => {
    // Prepare: a closed, scheduled case, and an api whose DynamoDB holds its reopening's last unscheduling write
    // (the profile's) until the test lets it go.
    const api = testApi();
    const world = await retentionWorld(api);
    const client = await clientWithRecords(api, world);
    expectNoErrors(await closeCase(api, world.manager, client.id, new Date(Date.now() - 86_400_000)));
    const { client: held, reached: atProfile, release } = holdingProfileUnschedule(1);
    const slow = testApi({ dynamo: held });
    const REOPEN = `mutation ($input: ReopenCaseInput!) { reopenCase(input: $input) { caseStatus } }`;
    const reopen = async (via: typeof api) => {
      const current = await readClient(api, world.manager.token, client.id);
      return via.graphql(REOPEN, {
        token: world.manager.token,
        variables: {
          input: { serviceUserId: client.id, expectedVersion: current.data?.serviceUser.version },
        },
      });
    };

    // Act: the slow reopening clears the items and stops before the profile; meanwhile another reopening and a
    // closure run to the end; then the slow one's profile write goes through, and its status change finds the
    // version moved on.
    const overtaken = reopen(slow);
    await atProfile;
    expectNoErrors(await reopen(api));
    expectNoErrors(await closeCase(api, world.manager, client.id));
    release();
    const outcome = await overtaken;

    // Assess: the slow reopening is refused, and the case is closed with every item, the profile included, and its
    // key scheduled for the same date.
    expect(outcome.errors?.map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    const items = await partitionItems(api, world.org.orgId, client.clientId);
    const dates = new Set(items.map((item) => item.expiresAt?.N));
    expect(dates.size, JSON.stringify(items.map((item) => [item.sk?.S, item.expiresAt?.N]))).toBe(1);
    expect([...dates][0]).toBeDefined();
    expect((await subjectKeyItem(api, world.org.orgId, client.clientId))?.expiresAt).toBeDefined();
    const read = await readClient(api, world.manager.token, client.id);
    expectNoErrors(read);
    expect(read.data?.serviceUser.caseStatus).toBe('CLOSED');
    expect(read.data?.serviceUser.retention?.expiresAt).not.toBeNull();
  });
});
