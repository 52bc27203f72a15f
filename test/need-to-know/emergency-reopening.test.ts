import { describe, expect, it } from 'vitest';
import { allocatedPerson, expectNoErrors, recordNote } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * openEmergencyAccess carries on with an opening a fault cut off before its grant (decision 0074). Only that: a
 * pending review whose grant was replaced by a later opening is not an interrupted one, so opening again after a
 * reviewer ended the later access raises a new review for the new reason — "a further need opens a new one, with
 * its own review" — and never grants the older review's reason.
 */

const OPEN = `mutation ($c: ID!, $r: EmergencyReason!, $d: String!) {
  openEmergencyAccess(serviceUserId: $c, reason: $r, detail: $d) { id reason }
}`;
const COMPLETE = `mutation ($id: ID!, $o: ReviewOutcome!) {
  completeEmergencyAccessReview(reviewId: $id, outcome: $o) { id status }
}`;
const SEALED =
  'query ($id: ID!) @purpose(reason: "Ambulance asked") { caseNote(id: $id) { ... on CareNote { body } } }';

async function open(api: TestApi, token: string, client: string, reason: string) {
  const result = await api.graphql<{ openEmergencyAccess: { id: string; reason: string } }>(OPEN, {
    token,
    variables: { c: client, r: reason, d: 'Found on the floor.' },
  });
  expectNoErrors(result);
  return result.data?.openEmergencyAccess ?? { id: '', reason: '' };
}

describe('opening emergency access again', () => {
  const api = testApi();

  it('after a reviewer ended a later opening raises a new review for the new reason, not an older pending one', async () => {
    // Prepare: a sealed note; a stranger breaks glass for imminent danger, then again for another reason, and the
    // Caldicott Guardian reviews (and so ends) the second.
    const { org, worker, client } = await allocatedPerson(api);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Sealed-canary: her new address.', {
      sealedFor: [worker.globalId],
    });
    const [stranger, guardian] = await Promise.all([
      addStaff(api, org, ['SUPPORT_WORKER']),
      addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    ]);
    const first = await open(api, stranger.token, client, 'IMMINENT_DANGER');
    const second = await open(api, stranger.token, client, 'OTHER');
    expectNoErrors(
      await api.graphql(COMPLETE, { token: guardian.token, variables: { id: second.id, o: 'JUSTIFIED' } }),
    );

    // Act
    const third = await open(api, stranger.token, client, 'MEDICAL_EMERGENCY');
    const read = await api.graphql(SEALED, { token: stranger.token, variables: { id: note } });

    // Assess
    expect(third.id).not.toBe(first.id);
    expect(third.id).not.toBe(second.id);
    expect(third.reason).toBe('MEDICAL_EMERGENCY');
    expect(read.text).not.toContain('Sealed-canary');
  });
});
