import { createHash } from 'node:crypto';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  eraseWithApproval,
  localRetention,
  partitionItems,
  retentionApi,
  retentionWorld,
} from '../retention/retention-support';
import { ADA, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';

/**
 * An erasure leaves nothing about the person but non-identifying tombstones (DATA-PROTECTION.md), kept for ever. For
 * the items outside the person's partition, the deleted item's key is itself personal: a blind-index entry's key holds
 * the 16-bit bucket of a name word, the postcode or the NHS number; the reference item's key holds the person's
 * reference (SU-…); the identity item's key their sign-in subject. Tombstones were keyed on a plain digest of it, so
 * anyone with the table recovered a bucket by trying the 65,536 values, and confirmed a guessed reference by hashing
 * it (decision 0083). The test tries that: the digest anyone can compute, of every bucket and of the reference.
 */

/** The tombstone key anyone can compute from a deleted item's key: its plain digest (as tombstones were keyed). */
const plainDigest = (pk: string, sk: string) =>
  `ITEM#${createHash('sha256').update(`${pk}\n${sk}`).digest('hex').slice(0, 40)}`;

describe('what an erasure’s tombstones tell of the person', () => {
  const { api } = retentionApi();
  afterAll(closeLocalRetentions);

  it('no tombstone of an erased person can be traced back to their blind-index buckets, reference or sign-in', async () => {
    const world = await retentionWorld(api);
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const { orgId } = world.org;
    const scope = tenantScope(orgId);
    const { id, clientId } = await clientWithRecords(api, world);
    const profile = (await partitionItems(api, orgId, clientId)).find((item) => item.sk?.S === 'PROFILE');
    const reference = profile?.reference?.S ?? '';
    const externalSubject = profile?.externalSubject?.S ?? '';
    expect(reference).toMatch(/^SU-/);

    expectNoErrors(await closeCase(api, world.manager, id));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, id));
    // The stream handler writes the tombstones of everything the erasure deleted.
    const retention = localRetention(api, orgId);
    let tombstoneKeys: string[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      await retention.drainStream();
      const { Items = [] } = await api.services.dynamo.send(
        new QueryCommand({
          TableName: api.stack.tables.data,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: scope.key('TOMBSTONE', clientId) } },
          ConsistentRead: true,
        }),
      );
      tombstoneKeys = Items.filter((item) => item.kind?.S === 'BEACON' || item.kind?.S === 'REFERENCE').map(
        (item) => item.sk?.S ?? '',
      );
      if (Items.some((item) => item.kind?.S === 'BEACON')) break;
    }
    // The tombstones are there (the erasure deleted the index and reference items); only their keys must say nothing.
    expect(tombstoneKeys.length).toBeGreaterThanOrEqual(2);
    const held = new Set(tombstoneKeys);

    // 1. The blind-index buckets, recovered from the tombstones alone (no key): 3 × 65,536 digests.
    const buckets: string[] = [];
    for (const kind of ['name', 'postcode', 'nhs']) {
      for (let value = 0; value < 0x10000; value++) {
        const pk = scope.key('BEACON', kind, value.toString(16).padStart(4, '0'));
        if (held.has(plainDigest(pk, `CLIENT#${clientId}`))) buckets.push(pk);
      }
    }

    // 2. The reference (and the sign-in subject) of the erased person, confirmed by hashing the guess.
    const referenceConfirmed = held.has(plainDigest(scope.key('REFERENCE', reference), 'REFERENCE'));

    // The person comes back to the charity and is registered again: a new, live record with a readable name.
    const again = localIdOf(await registerServiceUser(api, world.manager, world.serviceId, ADA));
    const linked: string[] = [];
    for (const pk of buckets) {
      const { Item } = await api.services.dynamo.send(
        new GetItemCommand({
          TableName: api.stack.tables.data,
          Key: { pk: { S: pk }, sk: { S: `CLIENT#${again}` } },
          ConsistentRead: true,
        }),
      );
      if (Item) linked.push(pk);
    }

    // What the erasure should have left: nothing that ties the erased id to any of the person's identifiers.
    expect(
      { bucketsRecovered: buckets.length, linkedToTheNewRecord: linked.length, referenceConfirmed },
      `erased ${clientId} (reference ${reference}, subject ${externalSubject}); re-registered as ${again}`,
    ).toEqual({ bucketsRecovered: 0, linkedToTheNewRecord: 0, referenceConfirmed: false });
  });
});
