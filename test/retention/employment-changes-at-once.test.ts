import { describe, expect, it } from 'vitest';
import { codes, expectNoErrors } from '../support/care-fixtures';
import { interleavingDynamoClient, updatesWith } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { type TestApi, testApi } from '../support/test-api';
import { listingAfterTheRules, untilRescheduled } from './retention-support';

/**
 * Two admins change the same person's employment at once. Each change is written only over the state it read: a
 * correction of the leaving date read while the person was still a leaver must not schedule the records of someone
 * re-employed meanwhile (before, it did: an active employee's account, personnel record and key were set to expire).
 */

const ENDED = `mutation ($input: RecordEmploymentEndedInput!) {
  recordEmploymentEnded(input: $input) { staffMemberId }
}`;
const REEMPLOYED = `mutation ($input: RecordReemploymentInput!) {
  recordReemployment(input: $input) { id status }
}`;
const SET_RULES = `mutation ($input: RetentionRulesInput!) { setRetentionRules(input: $input) {
  organisation { version } rescheduledCases rescheduledStaff complete continueAfter
} }`;
const STAFF = 'query ($id: ID!) { staffMember(id: $id) { status employment { endedOn } } }';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describe('employment changes at once', () => {
  it('a leaving date corrected from a read made before a re-employment is refused, and the person stays employed', async () => {
    // Prepare: a leaver, and a second admin whose correction of the date is held just before it is written while the
    // first admin re-employs the person.
    const api = testApi();
    const org = await onboardTestOrganisation(api);
    const [leaver, otherAdmin] = await Promise.all([
      addStaff(api, org, ['VOLUNTEER']),
      addStaff(api, org, ['ORG_ADMIN']),
    ]);
    expectNoErrors(
      await api.graphql(ENDED, {
        token: org.adminToken,
        variables: { input: { staffId: leaver.globalId, endedOn: daysAgo(365) } },
      }),
    );
    const slow = interleavingDynamoClient(
      api,
      (call) => JSON.stringify(call.input).includes('endedOn = :ended'),
      async () => {
        expectNoErrors(
          await api.graphql(REEMPLOYED, {
            token: org.adminToken,
            variables: { input: { staffId: leaver.globalId } },
          }),
        );
      },
    );

    // Act
    const corrected = await testApi({ dynamo: slow.client }).graphql(ENDED, {
      token: otherAdmin.token,
      variables: { input: { staffId: leaver.globalId, endedOn: daysAgo(300) } },
    });

    // Assess: the re-employment came between the correction's read and its write; the correction is refused, and the
    // person is employed, active and on no schedule.
    expect(slow.interleaved()).toBe(true);
    expect(codes(corrected)).toEqual(['CONFLICT']);
    const state = await api.graphql<{ staffMember: unknown }>(STAFF, {
      token: org.adminToken,
      variables: { id: leaver.globalId },
    });
    expect(state.data?.staffMember).toEqual({ status: 'ACTIVE', employment: null });
    expectNoErrors(await api.graphql('{ me { kind } }', { token: leaver.token }));
  });
  /**
   * A leaver, and a change of staffYearsAfterEmployment to 10 held at `hold` while a second admin's change to 12 years
   * runs to its end; the leaver must be left on 12.
   */
  async function twoRuleChanges(hold: 'before-its-write' | 'after-its-listing') {
    // The records' clock on a fixed day, so that the date the leaver's records are due is known.
    const clock = new MovableClock();
    clock.set(new Date('2026-07-31T12:00:00Z'));
    const api = testApi({ clock });
    const org = await onboardTestOrganisation(api);
    const leaver = await addStaff(api, org, ['SUPPORT_WORKER']);
    const endedOn = '2025-07-31';
    expectNoErrors(
      await api.graphql(ENDED, {
        token: org.adminToken,
        variables: { input: { staffId: leaver.globalId, endedOn } },
      }),
    );
    const setYears = async (years: number, through: TestApi) => {
      const version = await api.graphql<{ organisation: { version: number } }>(
        '{ organisation { version } }',
        {
          token: org.adminToken,
        },
      );
      const changed = await through.graphql<{
        setRetentionRules: { complete: boolean; continueAfter: string | null };
      }>(SET_RULES, {
        token: org.adminToken,
        variables: {
          input: { staffYearsAfterEmployment: years, expectedVersion: version.data?.organisation.version },
        },
      });
      expectNoErrors(changed);
      if (changed.data) await untilRescheduled(api, org.adminToken, changed.data.setRetentionRules);
    };
    const slow =
      hold === 'before-its-write'
        ? interleavingDynamoClient(
            api,
            (call) => updatesWith(call, 'SET expiresAt = :expiresAt, gsi2pk = :due, gsi2sk = :order'),
            () => setYears(12, api),
          )
        : interleavingDynamoClient(api, listingAfterTheRules(), () => setYears(12, api), {
            afterRead: true,
          });

    // Act
    await setYears(10, testApi({ dynamo: slow.client, clock }));

    // Assess: the rules say 12 years, and so does the leaver's schedule.
    expect(slow.interleaved()).toBe(true);
    const state = await api.graphql<{ staffMember: { employment: { expiresAt: string } } }>(
      'query ($id: ID!) { staffMember(id: $id) { employment { expiresAt } } }',
      { token: org.adminToken, variables: { id: leaver.globalId } },
    );
    // 12 years from midnight in London (the organisation's time zone) after the last day: 1 August 2037, in BST.
    expect(state.data?.staffMember.employment.expiresAt).toBe('2037-07-31T23:00:00.000Z');
  }

  it('two rule changes at once leave a leaver on the later rules: a date computed before the other was written loses', async () => {
    await twoRuleChanges('before-its-write');
  });

  it('two rule changes at once leave a leaver on the later rules: a leaver read after the other was written too', async () => {
    await twoRuleChanges('after-its-listing');
  });
});
