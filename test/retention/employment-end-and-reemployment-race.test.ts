import { describe, expect, it } from 'vitest';
import { expectNoErrors } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';

/**
 * `recordEmploymentEnded` writes the employment record (conditioned on the account being deactivated at the version
 * read) and only afterwards puts `expiresAt` on every other item of the staff member. A re-employment that landed
 * between the two took the (not yet set) schedule off and reactivated the account; the end-of-employment request then
 * carried on and scheduled the account, personnel record, identity link and key of someone employed again: six years
 * on they could not sign in and their records were gone. Each side now reads the employment record again after
 * dating or undating the items, and the re-employment takes the dates off once more after its transaction.
 */

const ENDED = `mutation ($input: RecordEmploymentEndedInput!) {
  recordEmploymentEnded(input: $input) { staffMemberId }
}`;
const REEMPLOYED = `mutation ($input: RecordReemploymentInput!) {
  recordReemployment(input: $input) { id status }
}`;
const STAFF = 'query ($id: ID!) { staffMember(id: $id) { status employment { endedOn } } }';

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** An organisation on a movable clock with a staff member and a second admin (the admin who acts alongside). */
async function world() {
  const clock = new MovableClock();
  const api = testApi({ clock });
  const org = await onboardTestOrganisation(api);
  const [leaver, otherAdmin] = await Promise.all([
    addStaff(api, org, ['VOLUNTEER']),
    addStaff(api, org, ['ORG_ADMIN']),
  ]);
  return { clock, api, org, leaver, otherAdmin };
}

describe('an end of employment and a re-employment at the same time', () => {
  it('a re-employment made while the end of employment is being scheduled leaves the employee unscheduled', async () => {
    // Prepare: a staff member; a second admin re-employs them as soon as the first admin's end-of-employment record
    // has been written and before its schedule reaches their other items.
    const { clock, api, org, leaver, otherAdmin } = await world();
    let reemployed: unknown;
    const slow = interleavingDynamoClient(
      api,
      // The first write after the employment record's transaction: the retention state marked SCHEDULED.
      (call) =>
        call.commandName === 'PutItemCommand' &&
        JSON.stringify(call.input).includes('RETENTION_STATE') &&
        JSON.stringify(call.input).includes('"SCHEDULED"'),
      async () => {
        const result = await api.graphql(REEMPLOYED, {
          token: otherAdmin.token,
          variables: { input: { staffId: leaver.globalId } },
        });
        expectNoErrors(result);
        reemployed = result.data;
      },
    );

    // Act
    const ended = await testApi({ clock, dynamo: slow.client }).graphql(ENDED, {
      token: org.adminToken,
      variables: { input: { staffId: leaver.globalId, endedOn: daysAgo(365) } },
    });

    // Assess: the re-employment came last. The register says employed and active...
    expect(slow.interleaved()).toBe(true);
    expect(reemployed).toBeDefined();
    expectNoErrors(ended);
    const state = await api.graphql<{ staffMember: unknown }>(STAFF, {
      token: org.adminToken,
      variables: { id: leaver.globalId },
    });
    expect(state.data?.staffMember).toEqual({ status: 'ACTIVE', employment: null });
    // ...so nothing of theirs may expire while they work here: six years on they still sign in and are still listed.
    clock.advanceYears(6);
    const signIn = await api.graphql('{ me { kind } }', { token: leaver.token });
    expect(signIn.errors, 'the re-employed staff member can no longer sign in').toBeUndefined();
    const later = await api.graphql<{ staffMember: unknown }>(STAFF, {
      token: org.adminToken,
      variables: { id: leaver.globalId },
    });
    expect(later.data?.staffMember).toEqual({ status: 'ACTIVE', employment: null });
  });

  it('an end of employment recorded while a re-employment is being written leaves the employee unscheduled', async () => {
    // Prepare: employment already ended; the re-employment's transaction is held while another admin records the
    // end again (a corrected date), which dates every item and reads the employment record before the transaction.
    const { clock, api, org, leaver, otherAdmin } = await world();
    expectNoErrors(
      await api.graphql(ENDED, {
        token: org.adminToken,
        variables: { input: { staffId: leaver.globalId, endedOn: daysAgo(400) } },
      }),
    );
    let corrected: unknown;
    const slow = interleavingDynamoClient(
      api,
      (call) =>
        call.commandName === 'TransactWriteItemsCommand' &&
        JSON.stringify(call.input).includes('reemployedAt'),
      async () => {
        const result = await api.graphql(ENDED, {
          token: org.adminToken,
          variables: { input: { staffId: leaver.globalId, endedOn: daysAgo(365) } },
        });
        expectNoErrors(result);
        corrected = result.data;
      },
    );

    // Act
    const reemployed = await testApi({ clock, dynamo: slow.client }).graphql(REEMPLOYED, {
      token: otherAdmin.token,
      variables: { input: { staffId: leaver.globalId } },
    });

    // Assess: the re-employment came last, so nothing of theirs expires while they work here.
    expect(slow.interleaved()).toBe(true);
    expect(corrected).toBeDefined();
    expectNoErrors(reemployed);
    clock.advanceYears(6);
    const signIn = await api.graphql('{ me { kind } }', { token: leaver.token });
    expect(signIn.errors, 'the re-employed staff member can no longer sign in').toBeUndefined();
  });
});
