import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '@confide/local';
import { tenantScope } from '@confide/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSubjectAccessRequest } from '../disclosure/subject-access-fixtures';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { attributeStrings, organisationItems } from '../support/records-fixtures';
import { createOwnTables, localStack, ownTables, type TestApi, testApi } from '../support/test-api';
import {
  acknowledgedDecision,
  escalatedRequest,
  exceptionalDisclosure,
  partnerOf,
  recordReferral,
} from './person-work-fixtures';
import {
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  localRetention,
  MovableClock,
  outlive,
  retentionWorld,
  sweepUntilGone,
  tombstones,
} from './retention-support';

/**
 * A closure dates the profile in its own write and then every other item of the person (decision 0076). Should that
 * second step fail part-way, the items outside the partition are left without a date: the reference and the identity
 * link the profile names, the blind-index entries of the person's name, postcode and NHS number, the disclosure work
 * queue's items and their acknowledgements, the subject access requests, the reviews of exceptional disclosures and
 * the claims of referrals' references. Once the record expired, nothing else would ever take them: the profile's
 * removal takes them with the rest of the partition, each tombstoned first (decisions 0115, 0116).
 */
/** The partitions of the items kept outside a person's partition, and the kind their tombstones carry. */
const TOMBSTONE_KINDS: Readonly<Record<string, string>> = {
  BEACON: 'BEACON',
  DISCLOSURE_QUEUE: 'DISCLOSURE_QUEUE',
  DISCLOSURE_QUEUE_ACKS: 'DISCLOSURE_ACKNOWLEDGEMENT',
  DISCLOSURE_REVIEWS: 'DISCLOSURE_REVIEW',
  IDENTITY: 'IDENTITY',
  REFERENCE: 'REFERENCE',
  REFERRER_REFERENCE: 'REFERENCE_CLAIM',
  SUBJECT_ACCESS: 'SUBJECT_ACCESS',
};

describe('retention: a schedule that failed part-way leaves nothing of the person behind', () => {
  /** While set: every update of a data-table item it picks fails. */
  let failUpdateOf: ((key: { pk: string; sk: string }) => boolean) | undefined;
  const tables = ownTables();
  const dynamo = new DynamoDBClient({
    region: localStack().region,
    endpoint: localStack().dynamodbEndpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; Key?: { pk?: { S?: string }; sk?: { S?: string } } };
      const key = { pk: input.Key?.pk?.S ?? '', sk: input.Key?.sk?.S ?? '' };
      if (
        failUpdateOf?.(key) &&
        context.commandName === 'UpdateItemCommand' &&
        input.TableName === tables.data
      ) {
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
  const api = testApi({ clock, tables, dynamo });
  let removeTables: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    removeTables = await createOwnTables(api);
  });
  afterAll(async () => {
    closeLocalRetentions();
    await removeTables?.();
  });

  /**
   * The data table's items outside the person's partition that name them, or one of their disclosure requests,
   * anywhere (key or attribute), by the partition's kind (`ORG#<org>#<KIND>#…`); their tombstones and the
   * organisation's audit, and the notifications that name a request, are not counted.
   */
  async function outsideItems(testApi: TestApi, orgId: string, clientId: string, requestIds: string[]) {
    const scope = tenantScope(orgId as Parameters<typeof tenantScope>[0]);
    const items = await organisationItems(testApi, scope.orgId);
    return items
      .map(({ item }) => item)
      .filter((item) => {
        const pk = item.pk?.S ?? '';
        if (pk.startsWith(scope.key('CLIENT', clientId)) || pk === scope.key('TOMBSTONE', clientId))
          return false;
        // A governance notification names a request as its only reference and is dated when written.
        if (pk.startsWith(scope.key('NOTIFY'))) return false;
        return Object.values(item).some((value) =>
          attributeStrings(value).some((text) => [clientId, ...requestIds].some((id) => text.includes(id))),
        );
      })
      .map((item) => ({
        kind: (item.pk?.S ?? '').slice(`ORG#${orgId}#`.length).split('#')[0] ?? '',
        expiresAt: item.expiresAt?.N,
      }));
  }

  it('takes every undated item of the person outside the partition with the expired profile, each with its tombstone', async () => {
    // Prepare: a person with notes, a consent, a reference and an identity link, blind-index entries, a disclosure
    // request escalated to the Guardian, another decided without consent and acknowledged, a disclosure made without
    // consent (its review), a subject access request and a partner's referral.
    const world = await retentionWorld(api);
    const guardian = await addStaff(api, world.org, ['CALDICOTT_GUARDIAN']);
    const { id, clientId } = await clientWithRecords(api, world, { nhsNumber: '9434765919' });
    const requestIds = [
      await escalatedRequest(api, world, id),
      await acknowledgedDecision(api, world, guardian, id),
    ];
    await exceptionalDisclosure(api, world, id);
    await recordSubjectAccessRequest(api, world.ig, id);
    expectNoErrors(await recordReferral(api, world, await partnerOf(api, world), id, 'CMHT/2026/0042'));
    const before = await outsideItems(api, world.org.orgId, clientId, requestIds);
    const kinds = [...new Set(before.map((item) => item.kind))].sort();
    expect(kinds).toEqual(Object.keys(TOMBSTONE_KINDS).sort());

    // Act: the closure's dating of everything outside the partition fails; the records then outlive their schedule.
    const partition = tenantScope(world.org.orgId).key('CLIENT', clientId);
    failUpdateOf = (key) => !key.pk.startsWith(partition);
    const closed = await closeCase(api, world.manager, id);
    failUpdateOf = undefined;
    expect(closed.errors?.map((error) => error.extensions?.code)).toEqual(['INTERNAL']);
    // The closure stands and the profile is dated; nothing outside the partition is.
    const undated = await outsideItems(api, world.org.orgId, clientId, requestIds);
    expect(undated.filter((item) => item.expiresAt !== undefined)).toEqual([]);
    outlive(clock);
    const tombstones = await sweepUntilGone(api, world.org.orgId, clientId);

    // Assess: nothing outside the partition names the person any longer, and each item left a tombstone.
    expect(await outsideItems(api, world.org.orgId, clientId, requestIds)).toEqual([]);
    expect(tombstones.every((tombstone) => tombstone.reason === 'EXPIRED')).toBe(true);
    const outsideKinds = new Set(Object.values(TOMBSTONE_KINDS));
    expect(
      tombstones
        .map((tombstone) => tombstone.kind)
        .filter((kind) => outsideKinds.has(kind))
        .sort(),
    ).toEqual(before.map((item) => TOMBSTONE_KINDS[item.kind]).sort());
  });

  it('takes a leaver’s undated account, records, handle entry and identity link with their expired employment record', async () => {
    // Prepare: a staff member with a handle, a personnel record and a reference permission.
    clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const world = await retentionWorld(api);
    const hr = await addStaff(api, world.org, ['HR_OFFICER']);
    const handle = `leaver-${randomBytes(3).toString('hex')}`;
    const leaver = await addStaff(api, world.org, ['SUPPORT_WORKER'], handle);
    expectNoErrors(
      await api.graphql(
        'mutation ($input: UpdatePersonnelRecordInput!) { updatePersonnelRecord(input: $input) { version } }',
        {
          token: hr.token,
          variables: { input: { staffId: leaver.globalId, homeAddress: '4 Willow Close' } },
        },
      ),
    );
    const scope = tenantScope(world.org.orgId);
    const staffPartition = scope.key('STAFF', leaver.staffId);
    const handleEntry = await api.services.directory.staffHandleItem(scope, handle);
    const named = async () => {
      const items = await organisationItems(api, scope.orgId);
      return items
        .map(({ item }) => item)
        .filter(
          (item) =>
            item.pk?.S === staffPartition ||
            item.pk?.S === handleEntry.pk ||
            item.principalId?.S === leaver.staffId,
        )
        .map((item) => ({ pk: item.pk?.S, sk: item.sk?.S, expiresAt: item.expiresAt?.N }));
    };
    expect(new Set((await named()).map((item) => item.sk))).toEqual(
      new Set(['PROFILE', 'PERSONNEL', 'HANDLE', 'IDENTITY']),
    );

    // Act: recording the end of employment dates the employment record, and dating every other item fails; the
    // records then outlive their schedule.
    failUpdateOf = (key) => key.sk !== 'EMPLOYMENT';
    const ended = await api.graphql(
      'mutation ($input: RecordEmploymentEndedInput!) { recordEmploymentEnded(input: $input) { expiresAt } }',
      {
        token: world.org.adminToken,
        variables: { input: { staffId: leaver.globalId, endedOn: clock.now().toISOString().slice(0, 10) } },
      },
    );
    failUpdateOf = undefined;
    expect(codes(ended)).toEqual(['INTERNAL']);
    // Only the employment record carries the date.
    expect((await named()).filter((item) => item.expiresAt !== undefined).map((item) => item.sk)).toEqual([
      'EMPLOYMENT',
    ]);
    clock.advanceYears(7);
    const retention = localRetention(api, scope.orgId);
    for (let attempt = 0; attempt < 20 && (await named()).length > 0; attempt++) await retention.runOnce();

    // Assess: nothing of the leaver is left, and each item left a tombstone.
    expect(await named()).toEqual([]);
    const left = await tombstones(api, scope.orgId, leaver.staffId);
    expect(new Set(left.map((tombstone) => tombstone.kind))).toEqual(
      new Set(['STAFF_ACCOUNT', 'PERSONNEL', 'EMPLOYMENT', 'HANDLE', 'IDENTITY']),
    );
    expect(left.every((tombstone) => tombstone.reason === 'EXPIRED')).toBe(true);
  });
});
