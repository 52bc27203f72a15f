import { addYears, DEFAULT_RETENTION_RULES, toEpochSeconds } from '@confide/domain';
import { ItemLoader, tenantScope } from '@confide/store';
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
  type RetentionWorld,
  readClient,
  retentionApi,
  retentionWorld,
} from './retention-support';

/**
 * Decision 0076: the write that closes a case, or ends the last hold on a closed one (a legal hold lifted, the last
 * pending emergency review completed), puts the case's schedule on its profile in its own transaction. Before, the
 * schedule was written after that write had committed: a fault between the two left the case closed, unheld and
 * undated, kept past its retention with nothing to retry it (a second closure or lift is refused).
 */

const PLACE =
  'mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Claim 24-0117") { placedAt } }';
const LIFT =
  'mutation ($id: ID!) { liftLegalHold(serviceUserId: $id, reason: "Proceedings concluded") { liftedAt } }';
const PENDING = '{ emergencyAccessReviews(status: "PENDING") { id } }';
const COMPLETE = `mutation ($r: ID!) {
  completeEmergencyAccessReview(reviewId: $r, outcome: JUSTIFIED) { id status } }`;

/** An API whose DynamoDB client fails every item's date written outside a transaction. */
function failingToDate(api: TestApi, clock: ReturnType<typeof retentionApi>['clock']) {
  const failing = failingDynamoClient(
    api,
    (call) =>
      call.commandName === 'UpdateItemCommand' &&
      ((call.input as { UpdateExpression?: string }).UpdateExpression ?? '').startsWith('SET expiresAt'),
  );
  return { failing, faulty: testApi({ clock, tables: api.stack.tables, dynamo: failing.client }) };
}

describe('retention: a closure, or a release of the last hold, schedules the case in its own write', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  /**
   * The case is on its schedule for `expiresAt`, as the manager sees it, and the retention handler's record agrees (it
   * believes an expiry only when that record says so).
   */
  async function expectOnSchedule(w: RetentionWorld, id: string, clientId: string, expiresAt: Date) {
    const view = await readClient(api, w.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.retention).toEqual({
      expiresAt: expiresAt.toISOString(),
      basis: 'AFTER_CLOSURE',
      legalHold: false,
    });
    await expect(api.services.retention.states.read(tenantScope(w.org.orgId), clientId)).resolves.toEqual({
      state: 'SCHEDULED',
      expiresAt: toEpochSeconds(expiresAt),
    });
  }

  it('a fault after a case is closed leaves it on its schedule, as its state record says', async () => {
    // Prepare: an open case.
    const w = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, w, { dateOfBirth: '1975-04-01' });
    const { failing, faulty } = failingToDate(api, clock);
    const closedAt = clock.now();

    // Act: the case is closed through an API that fails to date any item.
    const closed = await closeCase(faulty, w.manager, id);

    // Assess: the fault is reported; the case is closed and nonetheless on its schedule.
    expect(failing.failures()).toBeGreaterThan(0);
    expect(closed.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    await expectOnSchedule(w, id, clientId, addYears(closedAt, 8));
  });

  it('a fault after a legal hold is lifted leaves the case on its schedule, as its state record says', async () => {
    // Prepare: a closed case under a legal hold.
    const w = await retentionWorld(api);
    const { id, clientId } = await clientWithRecords(api, w, { dateOfBirth: '1975-04-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, w.manager, id));
    expectNoErrors(await api.graphql(PLACE, { token: w.manager.token, variables: { id } }));
    const { failing, faulty } = failingToDate(api, clock);

    // Act: the hold is lifted through an API that fails to date any item.
    const lifted = await faulty.graphql(LIFT, { token: w.ig.token, variables: { id } });

    // Assess: the fault is reported; the case is nonetheless on its schedule.
    expect(failing.failures()).toBeGreaterThan(0);
    expect(lifted.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    await expectOnSchedule(w, id, clientId, addYears(closedAt, 8));
  });

  it('a fault after the last emergency review is completed leaves the case on its schedule', async () => {
    // Prepare: a closed case, the glass broken on it, and a Caldicott Guardian to review the access.
    const w = await retentionWorld(api);
    const [stranger, guardian]: Person[] = await Promise.all([
      addStaff(api, w.org, ['SUPPORT_WORKER']),
      addStaff(api, w.org, ['CALDICOTT_GUARDIAN']),
    ]);
    const { id, clientId } = await clientWithRecords(api, w, { dateOfBirth: '1975-04-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, w.manager, id));
    expectNoErrors(await breakGlass(api, stranger as Person, id));
    const pending = await api.graphql<{ emergencyAccessReviews: { id: string }[] }>(PENDING, {
      token: guardian?.token,
    });
    expectNoErrors(pending);
    const reviewId = pending.data?.emergencyAccessReviews[0]?.id;
    const { failing, faulty } = failingToDate(api, clock);

    // Act: the review is completed through an API that fails to date any item.
    const completed = await faulty.graphql(COMPLETE, { token: guardian?.token, variables: { r: reviewId } });

    // Assess: the finding stands, the fault is reported, and the case is on its schedule.
    expect(failing.failures()).toBeGreaterThan(0);
    expect(completed.errors?.[0]?.extensions?.code).toBe('INTERNAL');
    const review = await api.services.emergencyReviews.get(tenantScope(w.org.orgId), reviewId ?? '');
    expect(review?.status).toBe('COMPLETED');
    await expectOnSchedule(w, id, clientId, addYears(closedAt, 8));
  });

  it('a lift from a record read before the glass was broken lifts the hold alone: the review still holds the case', async () => {
    // Prepare: a closed case under a legal hold, read as the lift reads it; then someone breaks the glass.
    const w = await retentionWorld(api);
    const stranger = await addStaff(api, w.org, ['SUPPORT_WORKER']);
    const { id, clientId } = await clientWithRecords(api, w, { dateOfBirth: '1975-04-01' });
    expectNoErrors(await closeCase(api, w.manager, id));
    expectNoErrors(await api.graphql(PLACE, { token: w.manager.token, variables: { id } }));
    const scope = tenantScope(w.org.orgId);
    const loader = new ItemLoader(api.services.dynamo, api.services.keys);
    const stale = await api.services.serviceUsers.get(scope, clientId, loader);
    if (!stale) throw new Error('no client');
    expectNoErrors(await breakGlass(api, stranger, id));
    const key = await api.services.keys.subjectKey(w.org.orgId, clientId);
    if (!key) throw new Error('no key');

    // Act
    const { hold, schedule } = await api.services.retention.liftHold(scope, stale, key, {
      liftedBy: w.ig.staffId,
      reason: 'Proceedings concluded',
      rules: DEFAULT_RETENTION_RULES,
      timeZone: 'Europe/London',
    });

    // Assess: the hold is lifted, and the pending review keeps the case off its schedule.
    expect(hold.liftedAt).toBeDefined();
    expect(schedule.status).toBe('HELD');
    const view = await readClient(api, w.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.retention).toEqual({ expiresAt: null, basis: null, legalHold: false });
    await expect(api.services.retention.states.read(scope, clientId)).resolves.toEqual({
      state: 'UNSCHEDULED',
    });
  });
});
