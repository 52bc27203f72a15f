import { addYears, toEpochSeconds } from '@confide/domain';
import { afterAll, describe, expect, it } from 'vitest';
import { ADA, expectNoErrors, type Person } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import type { TestApi } from '../support/test-api';
import {
  breakGlass,
  clientWithRecords,
  closeCase,
  closeLocalRetentions,
  localRetention,
  partitionItems,
  type RetentionWorld,
  readClient,
  retentionApi,
  retentionWorld,
  subjectKeyItem,
} from './retention-support';

/**
 * Decision 0073: an emergency access awaiting its review holds the person's records off their retention schedule, as
 * a legal hold does. The reviewers need the record and the detail sealed under the person's key; retention must not
 * end that oversight any more than an erasure may (decision 0070).
 */

const PENDING = '{ emergencyAccessReviews(status: "PENDING") { id detail } }';
const COMPLETE = `mutation ($r: ID!) {
  completeEmergencyAccessReview(reviewId: $r, outcome: JUSTIFIED) { id status } }`;

/** Completes the one pending review, as the Caldicott Guardian; returns its detail as the guardian read it. */
async function completeTheReview(api: TestApi, guardian: Person): Promise<string | null | undefined> {
  type Pending = { emergencyAccessReviews: { id: string; detail: string | null }[] };
  const pending = await api.graphql<Pending>(PENDING, { token: guardian.token });
  expectNoErrors(pending);
  const reviews = pending.data?.emergencyAccessReviews ?? [];
  expect(reviews).toHaveLength(1);
  const [review] = reviews;
  expectNoErrors(await api.graphql(COMPLETE, { token: guardian.token, variables: { r: review?.id } }));
  return review?.detail;
}

async function expectUnscheduled(api: TestApi, world: RetentionWorld, id: string, clientId: string) {
  for (const item of await partitionItems(api, world.org.orgId, clientId))
    expect(item.expiresAt).toBeUndefined();
  expect((await subjectKeyItem(api, world.org.orgId, clientId))?.expiresAt).toBeUndefined();
  const view = await readClient(api, world.manager.token, id);
  expectNoErrors(view);
  expect(view.data?.serviceUser.retention).toEqual({ expiresAt: null, basis: null, legalHold: false });
}

async function expectScheduled(api: TestApi, world: RetentionWorld, id: string, clientId: string, at: Date) {
  for (const item of await partitionItems(api, world.org.orgId, clientId))
    expect(item.expiresAt?.N).toBe(String(toEpochSeconds(at)));
  expect((await subjectKeyItem(api, world.org.orgId, clientId))?.expiresAt).toBeDefined();
  const view = await readClient(api, world.manager.token, id);
  expectNoErrors(view);
  expect(view.data?.serviceUser.retention?.expiresAt).toBe(at.toISOString());
}

describe('retention: an emergency access awaiting its review holds the schedule', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  async function world() {
    const base = await retentionWorld(api);
    const [stranger, guardian] = await Promise.all([
      addStaff(api, base.org, ['SUPPORT_WORKER']),
      addStaff(api, base.org, ['CALDICOTT_GUARDIAN']),
    ]);
    return { ...base, stranger, guardian };
  }

  it('a case closed while a review is pending is scheduled only once the review is completed', async () => {
    // Prepare: someone with no relationship breaks the glass on an open case.
    const w = await world();
    const { id, clientId } = await clientWithRecords(api, w, { dateOfBirth: '1975-04-01' });
    expectNoErrors(await breakGlass(api, w.stranger, id));

    // Act: the case is closed while the review is pending.
    const closedAt = clock.now();
    const closed = await closeCase(api, w.manager, id);

    // Assess: closed, but nothing of the record carries a date; completing the review puts the schedule on.
    expectNoErrors(closed);
    expect(closed.data?.closeCase.caseStatus).toBe('CLOSED');
    expect(closed.data?.closeCase.retention).toEqual({ expiresAt: null, basis: null, legalHold: false });
    await expectUnscheduled(api, w, id, clientId);
    expect(await completeTheReview(api, w.guardian)).toBe('Collapsed at the day centre');
    await expectScheduled(api, w, id, clientId, addYears(closedAt, 8));
  });

  it('a break-glass on a closed case takes it off its schedule; past the date the reviewers still have it', async () => {
    // Prepare: a closed, scheduled case.
    const w = await world();
    const { id, clientId } = await clientWithRecords(api, w, { dateOfBirth: '1975-04-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, w.manager, id));
    const expiresAt = addYears(closedAt, 8);
    await expectScheduled(api, w, id, clientId, expiresAt);

    // Act: someone breaks the glass, and the review is still pending a year after the records' date.
    expectNoErrors(await breakGlass(api, w.stranger, id));
    await expectUnscheduled(api, w, id, clientId);
    clock.set(addYears(expiresAt, 1));
    await localRetention(api, w.org.orgId).runOnce();

    // Assess: the record and the review's detail are still there, and the review can be completed. The records'
    // date has passed, so they are not put back on the schedule (that would erase them at once): they leave by an
    // erasure, which takes two people.
    const view = await readClient(api, w.manager.token, id);
    expectNoErrors(view);
    expect(view.data?.serviceUser.name).toBe(ADA.name);
    expect(await completeTheReview(api, w.guardian)).toBe('Collapsed at the day centre');
    await expectUnscheduled(api, w, id, clientId);
  });

  it('lifting a legal hold leaves the case unscheduled while a review is pending', async () => {
    // Prepare: a closed case under a legal hold, and a break-glass.
    const w = await world();
    const { id, clientId } = await clientWithRecords(api, w, { dateOfBirth: '1975-04-01' });
    const closedAt = clock.now();
    expectNoErrors(await closeCase(api, w.manager, id));
    expectNoErrors(
      await api.graphql(
        'mutation ($id: ID!) { placeLegalHold(serviceUserId: $id, reason: "Court claim") { placedAt } }',
        {
          token: w.manager.token,
          variables: { id },
        },
      ),
    );
    expectNoErrors(await breakGlass(api, w.stranger, id));

    // Act: the hold is lifted while the review is pending.
    const lifted = await api.graphql(
      'mutation ($id: ID!) { liftLegalHold(serviceUserId: $id, reason: "Proceedings concluded") { liftedAt } }',
      { token: w.ig.token, variables: { id } },
    );

    // Assess: still unscheduled; the review's completion schedules it.
    expectNoErrors(lifted);
    await expectUnscheduled(api, w, id, clientId);
    await completeTheReview(api, w.guardian);
    await expectScheduled(api, w, id, clientId, addYears(closedAt, 8));
  });
});
