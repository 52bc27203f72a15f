import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { newId, type OrgId } from '@confide/domain';
import type { SubjectKey } from '@confide/keys';
import { LOCAL_CREDENTIALS } from '@confide/local';
import {
  type Item,
  processRetentionRecords,
  type RetentionHandlerDependencies,
  type RetentionStreamRecord,
  type StreamImage,
  type StreamValue,
  tenantScope,
} from '@confide/store';
import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { organisationItems } from '../support/records-fixtures';
import type { TestApi } from '../support/test-api';
import { escalatedRequest, partnerOf, recordReferral } from './person-work-fixtures';
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

/** An item as Lambda's stream record carries it: binary values base64-encoded, the rest as stored. */
function imageOf(item: Item): StreamImage {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, streamValueOf(value)]));
}

function streamValueOf(value: AttributeValue): StreamValue {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((bytes) => Buffer.from(bytes).toString('base64')) };
  if (value.M !== undefined) return { M: imageOf(value.M) };
  if (value.L !== undefined) return { L: value.L.map(streamValueOf) };
  return value as StreamValue;
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
  return {
    dynamo: api.services.dynamo,
    dataTable: api.stack.tables.data,
    keys: api.services.keys,
    organisationKeys: api.services.organisationKeys,
    clock,
  };
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
  // The blind-index entries of the person's name, postcode and NHS number: outside the partition, named by no key.
  const beacons = (await organisationItems(api, world.org.orgId)).filter(
    ({ item }) => item.pk?.S?.includes('#BEACON#') && item.sk?.S === `CLIENT#${clientId}`,
  ).length;
  // Read while it opens anything: past its own expiry (the records' plus a margin) the key opens nothing.
  const key = await api.services.keys.subjectKey(world.org.orgId as OrgId, clientId);
  if (!key) throw new Error('no key');
  clock.advanceYears(9);
  return { orgId: world.org.orgId as OrgId, clientId, items, beacons, key };
}

/** A note recorded after the case closed (with the key read then): it carries no expiresAt of its own. */
async function recordLateNote(api: TestApi, orgId: OrgId, clientId: string, key: SubjectKey): Promise<void> {
  await api.services.caseNotes.record(tenantScope(orgId), clientId, key, {
    kind: 'DAILY_SUPPORT',
    body: 'Late note.',
    authorId: 'stf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  });
}

describe('retention stream handler', () => {
  const { api, clock } = retentionApi();

  it('reports exactly the poisoned record, processes the rest once, and quarantines the key with the last item', async () => {
    const { orgId, clientId, items, beacons } = await expiredClient(api, clock);
    expect(beacons).toBeGreaterThan(0);
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
    // The partition's items, and the reference, identity link and blind-index entries the profile takes with it
    // (decisions 0115, 0116).
    const taken = items.length + 2 + beacons;
    expect(first.tombstonesWritten).toBe(taken);
    // An expiry keeps the key, in quarantine for the grace period, rather than deleting it with the last item.
    expect(first.keysQuarantined).toBeGreaterThanOrEqual(1);
    expect(first.keysDeleted).toBe(0);
    expect(await subjectKeyItem(api, orgId, clientId)).toBeDefined();
    expect(await keyQuarantine(api, orgId, clientId)).toMatchObject({ subjectId: clientId });
    const written = await tombstones(api, orgId, clientId);
    expect(written.length).toBe(taken);
    expect(written.filter((tombstone) => ['REFERENCE', 'IDENTITY'].includes(tombstone.kind)).length).toBe(2);
    expect(written.filter((tombstone) => tombstone.kind === 'BEACON').length).toBe(beacons);
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

  it('reports a record whose tombstone write fails, and only it; redelivered, each tombstone is written once', async () => {
    // Prepare: an expired client's items removed by TTL, and a client of the same table whose writes of a consent's
    // tombstone fail (as a throttled or refused write would).
    const { orgId, clientId, items } = await expiredClient(api, clock);
    await deleteRaw(api, items);
    const dynamo = new DynamoDBClient({
      region: api.stack.region,
      endpoint: api.stack.dynamodbEndpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        const item = (args.input as { Item?: Item }).Item;
        if (
          context.commandName === 'PutItemCommand' &&
          item?.pk?.S?.includes('#TOMBSTONE#') &&
          item.kind?.S === 'CONSENT'
        ) {
          throw Object.assign(new Error('Injected: write refused.'), {
            name: 'ValidationException',
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failConsentTombstones' },
    );
    const records = items.map((item) => removal(item, TTL));
    const consentRecord = records.find((record) => record.dynamodb?.OldImage?.sk?.S?.startsWith('CONSENT#'));
    expect(consentRecord).toBeDefined();
    const faulty = { ...deps(api, clock), dynamo };

    // Act
    const first = await processRetentionRecords(records, faulty);
    const written = await tombstones(api, orgId, clientId);
    const again = await processRetentionRecords(records, faulty);

    // Assess: the consent's record alone is reported; the others' tombstones stand, none for the consent, none twice.
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: consentRecord?.dynamodb?.SequenceNumber }]);
    expect(written.some((tombstone) => tombstone.kind === 'CONSENT')).toBe(false);
    expect(written.length).toBe(first.tombstonesWritten);
    expect(written.length).toBeGreaterThan(0);
    expect(again.batchItemFailures).toEqual(first.batchItemFailures);
    expect(again.tombstonesWritten).toBe(0);
    expect((await tombstones(api, orgId, clientId)).length).toBe(written.length);
  });

  it('leaves a recovered key alone when the expiry it was quarantined for is delivered again', async () => {
    // Prepare: an expired client's records removed by TTL, its key quarantined, then recovered by an operator
    const { orgId, clientId, items } = await expiredClient(api, clock);
    await deleteRaw(api, items);
    const expiredAt = Math.floor(clock.now().getTime() / 1000);
    const records = items.map((item) => ({
      ...removal(item, TTL),
      dynamodb: { ...removal(item, TTL).dynamodb, ApproximateCreationDateTime: expiredAt },
    }));
    await processRetentionRecords(records, deps(api, clock));
    expect(await keyQuarantine(api, orgId, clientId)).toMatchObject({ subjectId: clientId });
    clock.advanceMs(60 * 60 * 1000);
    expect(await api.services.retention.recoverQuarantinedKey(tenantScope(orgId), clientId)).toBe(true);

    // Act: a retry (or a replay from the failure queue) of the same expiry, an hour after the recovery
    clock.advanceMs(60 * 60 * 1000);
    await processRetentionRecords(records, deps(api, clock));

    // Assess: no new quarantine, and the key keeps no expiry
    expect(await keyQuarantine(api, orgId, clientId)).toBeUndefined();
    expect((await subjectKeyItem(api, orgId, clientId))?.expiresAt).toBeUndefined();
  });

  it('takes what a removed register entry or referral names outside the partition, each with its tombstone', async () => {
    // Prepare: an expired client with a disclosure request escalated to the Guardian (its work queue item) and a
    // partner's referral (the claim of its reference), both left undated, as a closure that failed part-way leaves them.
    const world = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, world);
    const requestId = await escalatedRequest(api, world, id);
    expectNoErrors(await recordReferral(api, world, await partnerOf(api, world), id, 'CMHT/2026/0117'));
    expectNoErrors(await closeCase(api, world.manager, id));
    const orgId = world.org.orgId as OrgId;
    const scope = tenantScope(orgId);
    const items = await partitionItems(api, orgId, clientId);
    const entries = items.filter((item) => /^(DISCLOSURE|REFERRAL)#/.test(item.sk?.S ?? ''));
    const referral = items.find((item) => item.sk?.S?.startsWith('REFERRAL#')) as Item;
    const outside = [
      { pk: { S: scope.key('DISCLOSURE_QUEUE') }, sk: { S: `REQUEST#${requestId}` } },
      {
        pk: { S: scope.key('REFERRER_REFERENCE', referral.partnerId?.S ?? '', 'CMHT/2026/0117') },
        sk: { S: 'REFERRER_REFERENCE' },
      },
    ];
    for (const Key of outside) {
      await api.services.dynamo.send(
        new UpdateItemCommand({
          TableName: api.stack.tables.data,
          Key,
          UpdateExpression: 'REMOVE expiresAt',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    }
    clock.advanceYears(9);

    // Act: TTL removes the register entries and the referral.
    await deleteRaw(api, entries);
    const result = await processRetentionRecords(
      entries.map((entry) => removal(entry, TTL)),
      deps(api, clock),
    );

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    for (const Key of outside) {
      const left = await api.services.dynamo.send(
        new GetItemCommand({ TableName: api.stack.tables.data, Key, ConsistentRead: true }),
      );
      expect(left.Item).toBeUndefined();
    }
    const kinds = (await tombstones(api, orgId, clientId)).map((tombstone) => tombstone.kind);
    expect(kinds.filter((kind) => ['DISCLOSURE_QUEUE', 'REFERENCE_CLAIM'].includes(kind)).sort()).toEqual([
      'DISCLOSURE_QUEUE',
      'REFERENCE_CLAIM',
    ]);
    expect(result.tombstonesWritten).toBe(entries.length + 2);
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

  it('ignores its own deletion of a due record’s undated item, and a sign-in re-pointed (decision 0117)', async () => {
    // Prepare: a note recorded after the case closed (no expiresAt of its own) in a record now due, deleted as the
    // profile's removal deletes what is left of the partition; and the identity link a re-pointed sign-in deletes.
    const { orgId, clientId, key } = await expiredClient(api, clock);
    await recordLateNote(api, orgId, clientId, key);
    const late = (await partitionItems(api, orgId, clientId)).find(
      (item) => item.sk?.S?.startsWith('NOTE#') && item.expiresAt === undefined,
    ) as Item;
    await deleteRaw(api, [late]);
    const oldLink: Item = {
      pk: { S: tenantScope(orgId).key('IDENTITY', 'a1b2c3') },
      sk: { S: 'IDENTITY' },
      principalKind: { S: 'STAFF' },
      principalId: { S: newId('staff') },
    };

    // Act
    const result = await processRetentionRecords([removal(late), removal(oldLink)], deps(api, clock));

    // Assess: neither is an incident, nor tombstoned here (the profile's removal tombstones what it deletes).
    expect(result).toMatchObject({ batchItemFailures: [], tombstonesWritten: 0, incidents: 0, ignored: 2 });
    expect(await api.services.integrityIncidents.list(tenantScope(orgId))).toEqual([]);
  });

  it('takes the rest of the partition with an expired profile (items recorded after closure included)', async () => {
    const { orgId, clientId, items, beacons, key } = await expiredClient(api, clock);
    const profile = items.find((item) => item.sk?.S === 'PROFILE') as Item;
    await recordLateNote(api, orgId, clientId, key);
    await deleteRaw(api, [profile]);
    const result = await processRetentionRecords([removal(profile, TTL)], deps(api, clock));
    expect(result.batchItemFailures).toEqual([]);
    // The partition's items, the late note, and the reference, identity link and blind-index entries.
    expect(result.tombstonesWritten).toBe(items.length + 1 + 2 + beacons);
    expect(result.keysQuarantined).toBe(1);
    expect(await partitionItems(api, orgId, clientId)).toEqual([]);
    expect(await keyQuarantine(api, orgId, clientId)).toBeDefined();
  });
});
