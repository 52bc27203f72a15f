import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import type { OrgId } from '@confide/domain';
import {
  type Item,
  processRetentionRecords,
  type RetentionHandlerDependencies,
  type RetentionStreamRecord,
  type StreamImage,
  tenantScope,
} from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import type { TestApi } from '../support/test-api';
import {
  clientWithRecords,
  closeCase,
  keyQuarantine,
  type MovableClock,
  partitionItems,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
  tombstones,
} from './retention-support';

const TTL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

function imageOf(item: Item): StreamImage {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, { S: value.S, N: value.N }]));
}

let sequence = 1_000_000;
/** A REMOVE record as Lambda delivers it for a deleted item. */
function removal(item: Item, identity?: typeof TTL): RetentionStreamRecord {
  sequence += 1;
  return {
    eventID: `event-${sequence}`,
    eventName: 'REMOVE',
    ...(identity ? { userIdentity: identity } : {}),
    dynamodb: {
      Keys: { pk: { S: item.pk?.S }, sk: { S: item.sk?.S } },
      OldImage: imageOf(item),
      SequenceNumber: String(sequence),
      ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
    },
  };
}

function deps(api: TestApi, clock: MovableClock): RetentionHandlerDependencies {
  return { dynamo: api.services.dynamo, dataTable: api.stack.tables.data, keys: api.services.keys, clock };
}

async function deleteRaw(api: TestApi, items: readonly Item[]) {
  for (const item of items) {
    await api.services.dynamo.send(
      new DeleteItemCommand({
        TableName: api.stack.tables.data,
        Key: { pk: item.pk ?? { S: '' }, sk: item.sk ?? { S: '' } },
      }),
    );
  }
}

/** A closed client, with the clock moved past its expiry: its items, as TTL would see them. */
async function expiredClient(api: TestApi, clock: MovableClock) {
  const world = await retentionWorld(api);
  const { id, clientId } = await clientWithRecords(api, world);
  expectNoErrors(await closeCase(api, world.manager, id));
  const items = await partitionItems(api, world.org.orgId, clientId);
  clock.advanceYears(9);
  return { orgId: world.org.orgId as OrgId, clientId, items };
}

describe('retention stream handler', () => {
  const { api, clock } = retentionApi();

  it('reports exactly the poisoned record, processes the rest once, and quarantines the key with the last item', async () => {
    const { orgId, clientId, items } = await expiredClient(api, clock);
    await deleteRaw(api, items);
    const poisoned: RetentionStreamRecord = {
      eventID: 'poison',
      eventName: 'REMOVE',
      userIdentity: TTL,
      dynamodb: {
        Keys: { pk: { S: 'ORG#not-an-organisation#CLIENT#su_x' }, sk: { S: 'PROFILE' } },
        OldImage: { pk: { S: 'ORG#not-an-organisation#CLIENT#su_x' }, sk: { S: 'PROFILE' } },
        SequenceNumber: '4242',
      },
    };
    const insert: RetentionStreamRecord = { eventName: 'INSERT', dynamodb: { SequenceNumber: '4444' } };
    const records = items.map((item) => removal(item, TTL));
    const batch = [...records.slice(0, 2), poisoned, insert, ...records.slice(2)];

    const first = await processRetentionRecords(batch, deps(api, clock));
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: '4242' }]);
    // The partition's items, and the reference and identity link the profile takes with it (decision 0115).
    const taken = items.length + 2;
    expect(first.tombstonesWritten).toBe(taken);
    // An expiry keeps the key, in quarantine for the grace period, rather than deleting it with the last item.
    expect(first.keysQuarantined).toBeGreaterThanOrEqual(1);
    expect(first.keysDeleted).toBe(0);
    expect(await subjectKeyItem(api, orgId, clientId)).toBeDefined();
    expect(await keyQuarantine(api, orgId, clientId)).toMatchObject({ subjectId: clientId });
    const written = await tombstones(api, orgId, clientId);
    expect(written.length).toBe(taken);
    expect(written.filter((tombstone) => ['REFERENCE', 'IDENTITY'].includes(tombstone.kind)).length).toBe(2);
    expect(written.every((tombstone) => tombstone.reason === 'EXPIRED')).toBe(true);

    // Lambda retries from the first failure: the same batch again duplicates nothing.
    const second = await processRetentionRecords(batch, deps(api, clock));
    expect(second.batchItemFailures).toEqual(first.batchItemFailures);
    expect(second.tombstonesWritten).toBe(0);
    expect((await tombstones(api, orgId, clientId)).length).toBe(taken);

    // A REMOVE without its old image cannot be tombstoned: reported, never dropped silently.
    const noImage: RetentionStreamRecord = { eventName: 'REMOVE', dynamodb: { SequenceNumber: '4343' } };
    const third = await processRetentionRecords([noImage], deps(api, clock));
    expect(third.batchItemFailures).toEqual([{ itemIdentifier: '4343' }]);
  });

  it('keeps the key while items remain, and counts the sweeper’s deletes of expired items as expiries', async () => {
    const { orgId, clientId, items } = await expiredClient(api, clock);
    const consent = items.find((item) => item.sk?.S?.startsWith('CONSENT#')) as Item;
    await deleteRaw(api, [consent]);
    // An ordinary user delete (no TTL identity) of an item whose expiresAt has passed.
    const result = await processRetentionRecords([removal(consent)], deps(api, clock));
    expect(result).toMatchObject({ batchItemFailures: [], tombstonesWritten: 1, keysDeleted: 0 });
    expect(await subjectKeyItem(api, orgId, clientId)).toBeDefined();
    expect((await tombstones(api, orgId, clientId)).map((t) => [t.kind, t.reason])).toEqual([
      ['CONSENT', 'EXPIRED'],
    ]);
  });

  it('ignores deletions that are neither expiries nor erasures', async () => {
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const { clientId } = await clientWithRecords(api, world);
    const items = await partitionItems(api, world.org.orgId, clientId);
    const alloc = items.find((item) => item.sk?.S?.startsWith('ALLOC#')) as Item;
    const result = await processRetentionRecords([removal(alloc)], deps(api, clock));
    expect(result).toMatchObject({ batchItemFailures: [], tombstonesWritten: 0, ignored: 1 });
    expect(await tombstones(api, world.org.orgId, clientId)).toEqual([]);
  });

  it('takes the rest of the partition with an expired profile (items recorded after closure included)', async () => {
    const { orgId, clientId, items } = await expiredClient(api, clock);
    const profile = items.find((item) => item.sk?.S === 'PROFILE') as Item;
    // A note recorded after the case closed carries no expiresAt of its own.
    const key = await api.services.keys.subjectKey(orgId, clientId);
    if (!key) throw new Error('no key');
    await api.services.caseNotes.record(tenantScope(orgId), clientId, key, {
      kind: 'DAILY_SUPPORT',
      body: 'Late note.',
      authorId: 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    });
    await deleteRaw(api, [profile]);
    const result = await processRetentionRecords([removal(profile, TTL)], deps(api, clock));
    expect(result.batchItemFailures).toEqual([]);
    // The partition's items, the late note, and the reference and identity link (decision 0115).
    expect(result.tombstonesWritten).toBe(items.length + 1 + 2);
    expect(result.keysQuarantined).toBe(1);
    expect(await partitionItems(api, orgId, clientId)).toEqual([]);
    expect(await keyQuarantine(api, orgId, clientId)).toBeDefined();
  });
});
