import { newId } from '@confide/domain';
import { tenantScope } from '@confide/store';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation, type TestOrganisation } from '../support/fixtures';
import { createService, errorsOf } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * `emergencyAccessReview(reviewId:)`: one break-glass review, for the screen that shows one. Reading a page of the
 * list to find it read the detail of every person listed (their CONSENT data, decision 0152), each read recorded
 * against them. The review is given to whoever the list gives it to, and NOT_FOUND to anyone else, as to an id that
 * names no review.
 */

const REVIEW = `query ($r: ID!) { emergencyAccessReview(reviewId: $r) {
  id serviceUserId reason status detail
} }`;
const OPEN =
  'mutation ($c: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: $d) { id } }';
const DECLARE =
  'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: RELATIVE) }';
const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node {
  operation fields relationship outcome actor { staffId }
} } } }`;

interface LoggedEvent {
  operation: string;
  fields: string[];
  relationship: string | null;
  outcome: string;
  actor: { staffId: string | null };
}

const api: TestApi = testApi();
let org: TestOrganisation;
let manager: Person;
let senior: Person;
let ig: Person;
let guardian: Person;
let serviceId = '';

beforeAll(async () => {
  org = await onboardTestOrganisation(api, { name: 'One review charity' });
  ({ manager, senior, serviceId } = await createServiceWithManager(api, org));
  [ig, guardian] = await Promise.all([
    addStaff(api, org, ['IG_LEAD']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
});

/** Someone newly registered in the service, on whom a support worker with no relationship broke the glass. */
async function brokenGlass(detail: string): Promise<{ person: string; reviewId: string }> {
  const person = await registerServiceUser(api, manager, serviceId, { name: 'Person Behind The Glass' });
  const opener = await addStaff(api, org, ['SUPPORT_WORKER']);
  const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(OPEN, {
    token: opener.token,
    variables: { c: person, d: detail },
  });
  expectNoErrors(opened);
  return { person, reviewId: opened.data?.openEmergencyAccess.id ?? '' };
}

/** The person's access log, read by the IG lead. */
async function accessLogOf(person: string): Promise<LoggedEvent[]> {
  const log = await api.graphql<{ accessLog: { edges: { node: LoggedEvent }[] } }>(ACCESS_LOG, {
    token: ig.token,
    variables: { id: person },
  });
  expectNoErrors(log);
  return (log.data?.accessLog.edges ?? []).map(({ node }) => node);
}

const detailReads = (events: LoggedEvent[]) =>
  events.filter((event) => event.fields.includes('EmergencyAccessReview.detail'));

async function eventsOf(caller: Person, operation: string) {
  const events = await api.services.auditLog.byActor(tenantScope(org.orgId), caller.staffId, { limit: 200 });
  return events
    .filter((event) => event.operation === operation)
    .map(({ action, outcome, rule }) => ({ action, outcome, rule }));
}

describe('one emergency access review', () => {
  it.each([
    ['the Caldicott Guardian', () => guardian, 'NONE'],
    ['the service’s manager', () => manager, 'MANAGES_SERVICE'],
  ])(
    'is read by %s with its detail: one read, recorded against its person only',
    async (_who, reader, relationship) => {
      // Prepare: two people with a review each
      const shown = await brokenGlass('Collapsed in the kitchen, ref K-2201');
      const other = await brokenGlass('Fell on the stairs, ref S-3302');

      // Act
      const read = await api.graphql<{ emergencyAccessReview: Record<string, unknown> }>(REVIEW, {
        token: reader().token,
        variables: { r: shown.reviewId },
      });

      // Assess: the review asked for, and one read of its detail in its person's log; nothing in the other's
      expectNoErrors(read);
      expect(read.data?.emergencyAccessReview).toEqual({
        id: shown.reviewId,
        serviceUserId: shown.person,
        reason: 'MEDICAL_EMERGENCY',
        status: 'PENDING',
        detail: 'Collapsed in the kitchen, ref K-2201',
      });
      expect(read.text).not.toContain('S-3302');
      expect(detailReads(await accessLogOf(shown.person))).toEqual([
        {
          operation: 'emergencyAccessReview',
          fields: ['EmergencyAccessReview.detail'],
          relationship,
          outcome: 'ALLOWED',
          actor: { staffId: reader().globalId },
        },
      ]);
      const othersLog = await accessLogOf(other.person);
      expect(othersLog.filter((event) => event.operation === 'emergencyAccessReview')).toEqual([]);
      expect(detailReads(othersLog)).toEqual([]);
    },
  );

  it.each([
    {
      who: 'the manager of another service',
      rule: 'existence.no-relationship',
      reader: async () => {
        const otherManager = await addStaff(api, org, ['SERVICE_MANAGER']);
        await createService(api, { org, serviceId, manager, senior }, otherManager);
        return otherManager;
      },
      id: (reviewId: string) => reviewId,
    },
    {
      who: 'an IG lead with a conflict of interest in the person',
      rule: 'existence.no-relationship',
      reader: async (person: string) => {
        const conflicted = await addStaff(api, org, ['IG_LEAD']);
        expectNoErrors(
          await api.graphql(DECLARE, {
            token: manager.token,
            variables: { c: person, s: conflicted.globalId },
          }),
        );
        return conflicted;
      },
      id: (reviewId: string) => reviewId,
    },
    {
      who: 'a support worker allocated to the person',
      rule: 'review.reviewers',
      reader: async (person: string) => {
        const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
        await allocate(api, manager, person, worker);
        return worker;
      },
      id: (reviewId: string) => reviewId,
    },
    {
      who: 'the Caldicott Guardian, for an id that names no review',
      rule: 'emergency.review.read.subject',
      reader: () => addStaff(api, org, ['CALDICOTT_GUARDIAN']),
      id: () => newId('emergency'),
    },
    {
      who: 'the Caldicott Guardian, for an id that is not a review’s',
      rule: 'emergency.review.read.subject',
      reader: () => addStaff(api, org, ['CALDICOTT_GUARDIAN']),
      id: (_reviewId: string, person: string) => person,
    },
  ])('is NOT_FOUND to $who, refused once in the audit and no detail read', async ({ reader, id, rule }) => {
    // Prepare
    const { person, reviewId } = await brokenGlass('Unresponsive at the bus stop, ref B-4403');
    const caller = await reader(person);

    // Act
    const refused = await api.graphql(REVIEW, {
      token: caller.token,
      variables: { r: id(reviewId, person) },
    });

    // Assess
    expect(errorsOf(refused)).toEqual([{ code: 'NOT_FOUND', path: ['emergencyAccessReview'] }]);
    expect(refused.data).toBeNull();
    expect(refused.text).not.toContain('B-4403');
    expect(await eventsOf(caller, 'emergencyAccessReview')).toEqual([
      { action: 'DENIED', outcome: 'NOT_FOUND', rule },
    ]);
    expect(detailReads(await accessLogOf(person))).toEqual([]);
  });
});
