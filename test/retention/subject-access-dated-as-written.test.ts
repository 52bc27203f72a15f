import { describe, expect, it } from 'vitest';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { testApi } from '../support/test-api';
import { closeCase, outlive } from './retention-support';

/**
 * `requestSubjectAccess` wrote the request with the person's expiry as it read the profile. The request item lives
 * outside the person's partition (decision 0044), so only the closure's own scheduling can date it. A closure that ran
 * to its end between the request's read and its write dated everything it found, not the request written after it:
 * the person's records expired, and their request stayed in the register, OPEN and overdue, for ever. The request is
 * now written only while the profile has the date read, and otherwise with the date it has then (decision 0085).
 */

const REQUEST =
  'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { id } }';
const REGISTER = '{ subjectAccessRequests { id status overdue } }';
const PERSON = 'query ($id: ID!) { serviceUser(id: $id) { caseStatus } }';

describe('a subject access request and the closure of the case at the same time', () => {
  it('a request recorded while the case closes follows the person’s retention schedule', async () => {
    // Prepare: a person with an open case; the IG lead's request is held just before it is written while the
    // service's manager closes the case (which schedules every item of the person it finds).
    const clock = new MovableClock();
    const api = testApi({ clock });
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const ig = await addStaff(api, org, ['IG_LEAD']);
    const client = await registerServiceUser(api, manager, serviceId);
    const slow = interleavingDynamoClient(
      api,
      (call) =>
        (call.commandName === 'PutItemCommand' || call.commandName === 'TransactWriteItemsCommand') &&
        JSON.stringify(call.input).includes('SUBJECT_ACCESS') &&
        JSON.stringify(call.input).includes('"OPEN"'),
      async () => {
        expectNoErrors(await closeCase(api, manager, client));
      },
    );

    // Act
    const requested = await testApi({ clock, dynamo: slow.client }).graphql(REQUEST, {
      token: ig.token,
      variables: { c: client, r: clock.now().toISOString().slice(0, 10) },
    });

    // Assess: both made. Eight years and a day later the person's records have expired...
    expect(slow.interleaved()).toBe(true);
    expectNoErrors(requested);
    outlive(clock);
    const person = await api.graphql(PERSON, { token: manager.token, variables: { id: client } });
    expect(person.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
    // ...and so has their request: no open, overdue request about someone no longer held.
    const register = await api.graphql<{ subjectAccessRequests: unknown[] }>(REGISTER, { token: ig.token });
    expectNoErrors(register);
    expect(register.data?.subjectAccessRequests).toEqual([]);
  });
});
