import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { encodeSubject, tenantScope } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOwnTables, localStack, ownTables, testApi } from '../support/test-api';
import {
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  MovableClock,
  outlive,
  retentionWorld,
  sweepUntilGone,
} from './retention-support';

/**
 * A closure dates the profile in its own write and then every other item of the person (decision 0076). Should that
 * second step fail part-way, the items outside the partition that the profile names by key (the reference and the
 * identity link) are left without a date, and once the record expires nothing else would ever take them: the
 * profile's removal takes them with the rest of the partition, each tombstoned (decision 0115).
 */
describe('retention: a schedule that failed part-way leaves nothing of the person behind', () => {
  let failOutsideUpdates = false;
  const outside = (pk: string) => pk.includes('#REFERENCE#') || pk.includes('#IDENTITY#');
  const dynamo = new DynamoDBClient({
    region: localStack().region,
    endpoint: localStack().dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: { pk?: { S?: string } } }).Key;
      if (failOutsideUpdates && context.commandName === 'UpdateItemCommand' && outside(key?.pk?.S ?? '')) {
        // A client error the SDK does not retry: the update fails on its first attempt.
        throw Object.assign(new Error('Injected: update refused.'), {
          name: 'ValidationException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return next(args);
    },
    { step: 'deserialize', name: 'confideOutsideItemFault' },
  );
  const clock = new MovableClock();
  const api = testApi({ clock, tables: ownTables(), dynamo });
  let removeTables: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    removeTables = await createOwnTables(api);
  });
  afterAll(async () => {
    closeLocalRetentions();
    await removeTables?.();
  });

  it('takes the undated reference and identity link with the expired profile, each with its tombstone', async () => {
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const scope = tenantScope(world.org.orgId);
    const profile = await api.services.dynamo.send(
      new GetItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: { S: scope.key('CLIENT', clientId) }, sk: { S: 'PROFILE' } },
      }),
    );
    const reference = profile.Item?.reference?.S ?? '';
    const subject = profile.Item?.externalSubject?.S ?? '';
    const outsideKeys = [
      { pk: { S: scope.key('REFERENCE', reference) }, sk: { S: 'REFERENCE' } },
      { pk: { S: scope.key('IDENTITY', encodeSubject(subject)) }, sk: { S: 'IDENTITY' } },
    ];
    const stored = () =>
      Promise.all(
        outsideKeys.map(async (Key) => {
          const read = await api.services.dynamo.send(
            new GetItemCommand({ TableName: api.stack.tables.data, Key, ConsistentRead: true }),
          );
          return read.Item;
        }),
      );
    expect((await stored()).every((item) => item !== undefined)).toBe(true);

    failOutsideUpdates = true;
    const closed = await closeCase(api, world.manager, id);
    failOutsideUpdates = false;
    expect(closed.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL']);
    // The closure stands and the profile is dated; the reference and the identity link are not.
    for (const item of await stored()) expect(item?.expiresAt).toBeUndefined();

    outlive(clock);
    const tombstones = await sweepUntilGone(api, world.org.orgId, clientId);

    expect(await stored()).toEqual([undefined, undefined]);
    const kinds = tombstones.map((tombstone) => tombstone.kind);
    expect(kinds).toContain('REFERENCE');
    expect(kinds).toContain('IDENTITY');
    expect(tombstones.every((tombstone) => tombstone.reason === 'EXPIRED')).toBe(true);
  });
});
