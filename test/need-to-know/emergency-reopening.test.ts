import { describe, expect, it } from 'vitest';
import {
  allocate,
  allocatedPerson,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
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
const HEALTH =
  'query ($id: ID!) @purpose(reason: "Ambulance asked") { caseNote(id: $id) { ... on HealthNote { body } } }';

/** An organisation sharing records among all its staff, with a person allocated to a worker. */
async function groupWidePerson(api: TestApi) {
  const org = await onboardTestOrganisation(api, { preset: 'GROUP_WIDE' });
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  return { org, worker, client };
}

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

describe('who may break glass', () => {
  const api = testApi();

  it('anyone without a relationship: the Caldicott Guardian, who sees the person only by reference, and any staff under GROUP_WIDE', async () => {
    // Prepare: a sealed note in a STRICT organisation, and a medical note in a GROUP_WIDE one
    const strict = await allocatedPerson(api);
    const sealed = await recordNote(
      api,
      strict.worker,
      strict.client,
      'DAILY_SUPPORT',
      'Sealed-canary: refuge.',
      {
        sealedFor: [strict.worker.globalId],
      },
    );
    const guardian = await addStaff(api, strict.org, ['CALDICOTT_GUARDIAN']);
    const shared = await groupWidePerson(api);
    const medical = await recordNote(
      api,
      shared.worker,
      shared.client,
      'MEDICAL',
      'Medical-canary: insulin.',
    );
    const unallocated = await addStaff(api, shared.org, ['SUPPORT_WORKER']);
    const before = await api.graphql(HEALTH, { token: unallocated.token, variables: { id: medical } });

    // Act
    const byGuardian = await open(api, guardian.token, strict.client, 'IMMINENT_DANGER');
    const sealedRead = await api.graphql(SEALED, { token: guardian.token, variables: { id: sealed } });
    const byColleague = await open(api, unallocated.token, shared.client, 'MEDICAL_EMERGENCY');
    const after = await api.graphql(HEALTH, { token: unallocated.token, variables: { id: medical } });

    // Assess
    expect(byGuardian.reason).toBe('IMMINENT_DANGER');
    expect(sealedRead.text).toContain('Sealed-canary');
    expect(before.text).not.toContain('Medical-canary');
    expect(byColleague.reason).toBe('MEDICAL_EMERGENCY');
    expect(after.text).toContain('Medical-canary');
  });
});
