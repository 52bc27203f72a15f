import { describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { type Connection, cursorsNaming, walk } from '../support/cursor-walk';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * The governance work lists that a service manager sees only for their own services (and the Guardian for all):
 * `disclosureWorkQueueConnection`, `emergencyAccessReviewsConnection`, `disclosureReviewsConnection`. Each filters
 * a store page with `storeConnection`'s `visible`. A manager of one service is shown nothing of another service's
 * people (ACCESS-MODEL.md: NONE means NOT_FOUND, in lists). Their cursors named the last item examined, hidden or
 * not: another service's request id, when it arrived and that it was urgent; a break-glass's time. Cursors are now
 * sealed (decision 0086). A caller who sees none of a long list may still page through empty pages: it learns only
 * that the list holds more than a page's worth of reads (decision 0079's coarse bound).
 */

const api = testApi();

/** Two services of one organisation, each with its manager; a person of the second with a worker and a note. */
async function twoServices() {
  const org = await onboardTestOrganisation(api);
  const mine = await createServiceWithManager(api, org);
  const theirs = await createServiceWithManager(api, org);
  const [worker, guardian] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  const client = await registerServiceUser(api, theirs.manager, theirs.serviceId);
  await allocate(api, theirs.manager, client, worker);
  const note = await recordNote(
    api,
    worker,
    client,
    'SAFEGUARDING_CONCERN',
    'Said he would hurt the neighbour.',
  );
  return { org, manager: mine.manager, otherManager: theirs.manager, worker, guardian, client, note };
}

const act = async (mutation: string, who: Person, variables: Record<string, unknown>) => {
  const result = await api.graphql(mutation, { token: who.token, variables });
  expectNoErrors(result);
  return result.data as Record<string, unknown>;
};

const RECEIVE =
  'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }';
const QUEUE = `query ($first: Int, $after: String) { disclosureWorkQueueConnection(first: $first, after: $after) {
  edges { cursor node { requestId urgent since } } pageInfo { hasNextPage endCursor } } }`;

const OPEN = `mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Found unresponsive") { id } }`;
const EMERGENCY_REVIEWS = `query ($first: Int, $after: String) { emergencyAccessReviewsConnection(first: $first, after: $after) {
  edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;

const EXCEPTIONAL = `mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }`;
const DISCLOSURE_REVIEWS = `query ($first: Int, $after: String) { disclosureReviewsConnection(first: $first, after: $after) {
  edges { cursor node { id requestId } } pageInfo { hasNextPage endCursor } } }`;

/** Every page the caller walked shows nothing. */
const nothingShown = (walked: { pages: Connection<unknown>[] }) =>
  expect(walked.pages.flatMap((page) => page.edges)).toEqual([]);

describe('a service manager’s governance work lists name nothing of another service', () => {
  it('disclosureWorkQueueConnection: names no request of another service in a cursor', async () => {
    // Prepare: six urgent requests about a person of the other service, awaiting its manager's decision
    const w = await twoServices();
    const hidden: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const data = await act(RECEIVE, w.otherManager, {
        input: {
          serviceUserId: w.client,
          requesterOrganisation: 'Housing association',
          requesterContact: 'Duty officer',
          purpose: 'An enquiry',
          purposeCategory: 'OTHER',
          legalBasis: 'CONSENT',
          itemIds: [w.note],
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'DOCUMENT_CHECKED',
          urgent: true,
        },
      });
      const [received] = data.receiveDisclosureRequest as { requestId: string }[];
      hidden.push(received?.requestId ?? '');
    }
    const pick = (data: unknown) =>
      (data as { disclosureWorkQueueConnection: Connection<unknown> }).disclosureWorkQueueConnection;

    // Act: the first service's manager, who has no work, pages their queue one at a time
    const walked = await walk(api, QUEUE, pick, w.manager.token);

    // Assess: nothing, and no cursor carrying the other service's request (its id, when received, that it is urgent)
    expect(cursorsNaming(walked, hidden)).toEqual([]);
    nothingShown(walked);
  });

  it('emergencyAccessReviewsConnection: names no review of another service in a cursor', async () => {
    // Prepare: six staff members break the glass to a person of the other service
    const w = await twoServices();
    const hidden: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const breaker = await addStaff(api, w.org, ['SUPPORT_WORKER']);
      const data = await act(OPEN, breaker, { c: w.client });
      hidden.push((data.openEmergencyAccess as { id: string }).id);
    }
    const pick = (data: unknown) =>
      (data as { emergencyAccessReviewsConnection: Connection<unknown> }).emergencyAccessReviewsConnection;

    // Act
    const walked = await walk(api, EMERGENCY_REVIEWS, pick, w.manager.token);

    // Assess: nothing, and no cursor carrying the other service's review (its id and when the glass was broken)
    expect(cursorsNaming(walked, hidden)).toEqual([]);
    nothingShown(walked);
  });

  it('disclosureReviewsConnection: names no review of another service in a cursor', async () => {
    // Prepare: six exceptional disclosures about a person of the other service
    const w = await twoServices();
    for (let index = 0; index < 6; index += 1) {
      await act(EXCEPTIONAL, w.worker, {
        input: {
          serviceUserId: w.client,
          recipient: 'PC Smith, neighbourhood team',
          legalBasis: 'SAFEGUARDING',
          reasoning: 'Threats to a neighbour overheard during the visit',
          itemIds: [w.note],
          clientInformed: true,
        },
      });
    }
    const pick = (data: unknown) =>
      (data as { disclosureReviewsConnection: Connection<{ id: string }> }).disclosureReviewsConnection;
    const all = await walk(api, DISCLOSURE_REVIEWS, pick, w.guardian.token, {}, 10);
    const hidden = all.pages.flatMap((page) => page.edges.map((edge) => edge.node.id));
    expect(hidden).toHaveLength(6);

    // Act
    const walked = await walk(api, DISCLOSURE_REVIEWS, pick, w.manager.token);

    // Assess
    expect(cursorsNaming(walked, hidden)).toEqual([]);
    nothingShown(walked);
  });
});
