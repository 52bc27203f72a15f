import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DEFAULT_RETENTION_RULES, type OrgId } from '@confide/domain';
import { ItemLoader, type ServiceUserRecord, tenantScope } from '@confide/store';
import { afterAll, describe, expect, it } from 'vitest';
import { expectNoErrors, type Person } from '../support/care-fixtures';
import { failingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';
import {
  breakGlass,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  partitionItems,
  readClient,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
} from './retention-support';

/**
 * Decision 0074: a pending emergency review holds the person's records by a marker on their profile, written in the
 * review's own transaction, so that the writes that would date or erase the records refuse it in their own conditions.
 * A writer that read the record before the glass was broken (the rules' rescheduling, an erasure already approved)
 * is refused by the table, not by a check made before it; and a fault while the hold is put on grants no access.
 */

const NAME = 'query ($id: ID!) { serviceUser(id: $id) { name } }';

/** The person's name, read with a purpose as emergency access requires. */
function readName(api: TestApi, who: Person, id: string) {
  return api.graphql<{ serviceUser: { name: string | null } | null }>(NAME, {
    token: who.token,
    variables: { id },
    headers: { 'x-access-purpose': 'Paramedics asked for the care plan' },
  });
}

/** The person's record as a writer holds it: read once, then used after the world has moved on. */
async function recordAsRead(api: TestApi, orgId: OrgId, clientId: string): Promise<ServiceUserRecord> {
  const loader = new ItemLoader(api.services.dynamo, api.services.keys);
  const client = await api.services.serviceUsers.get(tenantScope(orgId), clientId, loader);
  if (!client) throw new Error('no client');
  return client;
}

async function datedItems(api: TestApi, orgId: OrgId, clientId: string): Promise<number> {
  const items = await partitionItems(api, orgId, clientId);
  const key = await subjectKeyItem(api, orgId, clientId);
  return [...items, ...(key ? [key] : [])].filter((item) => item.expiresAt !== undefined).length;
}

describe('retention: a pending emergency review is a hold on the profile', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  /** An API whose DynamoDB client fails the first item it takes a date off (a hold's clearing). */
  function failingToClear() {
    const failing = failingDynamoClient(
      api,
      (call) =>
        call.commandName === 'UpdateItemCommand' &&
        (call.input as { UpdateExpression?: string }).UpdateExpression === 'REMOVE expiresAt',
    );
    return { failing, faulty: testApi({ clock, tables: api.stack.tables, dynamo: failing.client }) };
  }

  /** An organisation with a stranger to the person, and the person's case closed and scheduled. */
  async function world() {
    const base = await retentionWorld(api);
    const stranger = await addStaff(api, base.org, ['SUPPORT_WORKER']);
    const { id, clientId } = await clientWithRecords(api, base, { dateOfBirth: '1975-04-01' });
    expectNoErrors(await closeCase(api, base.manager, id));
    return { ...base, stranger, id, clientId };
  }

  it('a schedule written from a record read before the glass was broken is refused', async () => {
    // Prepare: a closed, scheduled case, read as the rules' rescheduling reads it; then someone breaks the glass.
    const w = await world();
    const { id, clientId } = w;
    const stale = await recordAsRead(api, w.org.orgId, clientId);
    expectNoErrors(await breakGlass(api, w.stranger, id));
    expect(await datedItems(api, w.org.orgId, clientId)).toBe(0);

    // Act: the schedule is written with the record as it was read, under rules that date it differently.
    const key = await api.services.keys.subjectKey(w.org.orgId, clientId);
    if (!key) throw new Error('no key');
    const outcome = await api.services.retention.schedule(
      tenantScope(w.org.orgId),
      stale,
      key,
      {
        ...DEFAULT_RETENTION_RULES,
        clientYearsAfterClosure: DEFAULT_RETENTION_RULES.clientYearsAfterClosure + 1,
      },
      'Europe/London',
    );

    // Assess: refused by the profile's marker (the profile changed since it was read); nothing carries a date.
    expect(outcome.status).toBe('UNCHANGED');
    expect(await datedItems(api, w.org.orgId, clientId)).toBe(0);
    const view = await readClient(api, w.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.retention).toEqual({ expiresAt: null, basis: null, legalHold: false });
  });

  it('an erasure that was checked before the glass was broken is refused by its own transaction', async () => {
    // Prepare: a closed case, read as an approved erasure reads it; then someone breaks the glass.
    const w = await world();
    const { id, clientId } = w;
    const stale = await recordAsRead(api, w.org.orgId, clientId);
    expectNoErrors(await breakGlass(api, w.stranger, id));

    // Act
    const key = await api.services.keys.subjectKey(w.org.orgId, clientId);
    const erasure = api.services.retention.erase(tenantScope(w.org.orgId), stale, key, {
      erasedBy: w.ig.staffId,
      approvedBy: w.manager.staffId,
    });

    // Assess: CONFLICT, and the record and its key are all still there.
    await expect(erasure).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await subjectKeyItem(api, w.org.orgId, clientId)).toBeDefined();
    const view = await readClient(api, w.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.name).not.toBeNull();
  });

  it('a fault while the hold is put on grants no access, and a retry holds everything', async () => {
    // Prepare: a closed, scheduled case; an API whose DynamoDB client fails the first item it takes a date off.
    const w = await world();
    const { id, clientId } = w;
    const { failing, faulty } = failingToClear();

    // Act
    const broken = await breakGlass(faulty, w.stranger, id);

    // Assess: the opening failed, and the person's record stays closed to the stranger.
    expect(failing.failures()).toBeGreaterThan(0);
    expect(broken.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    const read = await readName(api, w.stranger, id);
    expect(read.data?.serviceUser ?? null).toBeNull();
    expect(read.errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);

    // Act: the stranger tries again, with nothing failing.
    expectNoErrors(await breakGlass(api, w.stranger, id));

    // Assess: the stranger reads the record, and nothing of it carries a date.
    const again = await readName(api, w.stranger, id);
    expectNoErrors(again);
    expect(again.data?.serviceUser?.name).not.toBeNull();
    expect(await datedItems(api, w.org.orgId, clientId)).toBe(0);
  });

  it('a retry after a fault part-way carries on with the review it interrupted: one review, one notice', async () => {
    // Prepare: a closed, scheduled case; an API whose DynamoDB client fails the first item it takes a date off (after
    // the review and its notice are written, before the grant).
    const w = await world();
    const { id, clientId } = w;
    const { faulty } = failingToClear();
    expect((await breakGlass(faulty, w.stranger, id)).errors?.[0]?.extensions?.code).toBe('INTERNAL');

    // Act: the stranger tries again, with nothing failing.
    const retried = await breakGlass(api, w.stranger, id);

    // Assess: access through the one review the first attempt opened, of which the governance contacts heard once.
    expectNoErrors(retried);
    expectNoErrors(await readName(api, w.stranger, id));
    const scope = tenantScope(w.org.orgId);
    const pending = (await api.services.emergencyReviews.list(scope, 'PENDING')).filter(
      (review) => review.clientId === clientId,
    );
    expect(pending.map((review) => review.reviewId)).toEqual([retried.data?.openEmergencyAccess.id]);
    const notices = await api.services.notifications.list(scope);
    expect(notices.map((notice) => notice.reference)).toEqual([retried.data?.openEmergencyAccess.id]);
  });

  it('a break-glass that meets another write to the record answers CONFLICT and changes nothing', async () => {
    // Prepare: a closed, scheduled case; an API whose DynamoDB answers the review's transaction as it does when
    // another write to the profile is under way at the same moment.
    const w = await world();
    const { id, clientId } = w;
    const dated = await datedItems(api, w.org.orgId, clientId);
    const conflicting = failingDynamoClient(
      api,
      (call) =>
        call.commandName === 'TransactWriteItemsCommand' &&
        JSON.stringify(call.input).includes('EMERGENCY_REVIEWS'),
      () =>
        new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          $metadata: {},
          CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }, { Code: 'None' }],
        }),
    );
    const busy = testApi({ clock, tables: api.stack.tables, dynamo: conflicting.client });

    // Act
    const broken = await breakGlass(busy, w.stranger, id);

    // Assess: CONFLICT; no access, no hold, and the schedule as it was.
    expect(conflicting.failures()).toBe(1);
    expect(broken.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const read = await readName(api, w.stranger, id);
    expect(read.data?.serviceUser ?? null).toBeNull();
    const profile = (await partitionItems(api, w.org.orgId, clientId)).find(
      (item) => item.sk?.S === 'PROFILE',
    );
    expect(profile?.reviewHolds).toBeUndefined();
    expect(await datedItems(api, w.org.orgId, clientId)).toBe(dated);
  });
});
