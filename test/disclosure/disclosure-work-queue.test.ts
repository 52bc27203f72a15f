import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { serviceUserToken } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 15, items 7 and 8. Lets connect 4.3: the Caldicott Guardian approves doubtful disclosures — an escalated
 * request, or a decision flagged for the Guardian, must reach a list the Guardian reads, with how long it has
 * waited. Azure 4.1: the service's management decides third-party requests — each decider sees what waits for
 * them. Azure 7.1: when information is disclosed under a court order "staff must inform the relevant Senior
 * Manager" — the Senior Manager sees the court-order disclosure in their queue.
 */

const DAY = 86_400_000;

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`;
const ESCALATE =
  'mutation ($c: ID!, $r: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Scope is broad") { kind } }';
const DECIDE =
  'mutation ($c: ID!, $r: String!, $a: Boolean!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: $a, reasoning: "Considered") { kind } }';
const QUEUE = '{ disclosureWorkQueue { kind requestId serviceUserId legalBasis since ageDays } }';

interface QueueItem {
  kind: string;
  requestId: string;
  serviceUserId: string;
  legalBasis: string | null;
  since: string;
  ageDays: number;
}

async function world() {
  const clock = new MovableClock();
  const api = testApi({ clock });
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager, senior } = await createServiceWithManager(api, org);
  const other = await createServiceWithManager(api, org);
  const [worker, guardian, seniorManager] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
    addStaff(api, org, ['SENIOR_MANAGER']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
  return {
    api,
    clock,
    org,
    manager,
    senior,
    otherManager: other.manager,
    worker,
    guardian,
    seniorManager,
    client,
    note,
  };
}

type World = Awaited<ReturnType<typeof world>>;

async function receive(w: World, legalBasis: string, requesterOrganisation: string): Promise<string> {
  const received = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: w.manager.token,
    variables: {
      input: {
        serviceUserId: w.client,
        requesterOrganisation,
        requesterContact: 'Duty officer, 01234 567890',
        purpose: 'An enquiry',
        purposeCategory: 'OTHER',
        legalBasis,
        itemIds: [w.note],
        receivedOn: w.clock.now().toISOString().slice(0, 10),
        identityCheck: 'DOCUMENT_CHECKED',
      },
    },
  });
  expectNoErrors(received);
  return received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

/** A disclosure the worker made under a court order without a request; its request id. */
async function courtOrderDisclosure(
  w: World,
  telling: { clientInformed: boolean; reasonNotInformed?: string },
): Promise<string> {
  const recorded = await w.api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(
    'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
    {
      token: w.worker.token,
      variables: {
        input: {
          serviceUserId: w.client,
          recipient: 'Crown court',
          legalBasis: 'COURT_ORDER',
          reasoning: 'Order served at the office',
          itemIds: [w.note],
          ...telling,
        },
      },
    },
  );
  expectNoErrors(recorded);
  return recorded.data?.recordExceptionalDisclosure.requestId ?? '';
}

async function queueOf(w: World, who: Person): Promise<QueueItem[]> {
  const result = await w.api.graphql<{ disclosureWorkQueue: QueueItem[] }>(QUEUE, { token: who.token });
  expectNoErrors(result);
  return result.data?.disclosureWorkQueue ?? [];
}

const kindsOf = (items: QueueItem[], requestId: string) =>
  items.filter((item) => item.requestId === requestId).map((item) => item.kind);

describe('the disclosure work queue', () => {
  it('lists an escalated request and a flagged decision for the Caldicott Guardian, with their ages, until decided (Lets connect 4.3)', async () => {
    // Prepare
    const w = await world();
    const escalated = await receive(w, 'CONSENT', 'Housing association');
    expectNoErrors(
      await w.api.graphql(ESCALATE, { token: w.manager.token, variables: { c: w.client, r: escalated } }),
    );
    const flagged = await receive(w, 'VITAL_INTERESTS', 'Ambulance service');
    expectNoErrors(
      await w.api.graphql(DECIDE, {
        token: w.manager.token,
        variables: { c: w.client, r: flagged, a: true },
      }),
    );
    w.clock.advanceMs(3 * DAY + 60_000);

    // Act
    const guardianQueue = await queueOf(w, w.guardian);

    // Assess
    expect(guardianQueue.find((item) => item.requestId === escalated)).toMatchObject({
      kind: 'ESCALATED_REQUEST',
      serviceUserId: w.client,
      legalBasis: 'CONSENT',
      ageDays: 3,
    });
    expect(guardianQueue.find((item) => item.requestId === flagged)).toMatchObject({
      kind: 'FLAGGED_DECISION',
      legalBasis: 'VITAL_INTERESTS',
      ageDays: 3,
    });
    expect(JSON.stringify(guardianQueue)).not.toContain('Housing');

    // The Guardian decides the escalated request: it leaves the queue.
    expectNoErrors(
      await w.api.graphql(DECIDE, {
        token: w.guardian.token,
        variables: { c: w.client, r: escalated, a: false },
      }),
    );
    expect(kindsOf(await queueOf(w, w.guardian), escalated)).toEqual([]);
  });

  it('shows each service manager the requests of their services awaiting their decision, and nobody else’s (Azure 4.1)', async () => {
    // Prepare
    const w = await world();
    const waiting = await receive(w, 'SAFEGUARDING', 'County council');

    // Act
    const managerQueue = await queueOf(w, w.manager);
    const otherManagerQueue = await queueOf(w, w.otherManager);

    // Assess
    expect(kindsOf(managerQueue, waiting)).toEqual(['AWAITING_DECISION']);
    expect(kindsOf(otherManagerQueue, waiting)).toEqual([]);

    // Escalated, it waits for the Guardian instead.
    expectNoErrors(
      await w.api.graphql(ESCALATE, { token: w.manager.token, variables: { c: w.client, r: waiting } }),
    );
    expect(kindsOf(await queueOf(w, w.manager), waiting)).toEqual([]);
    expect(kindsOf(await queueOf(w, w.guardian), waiting)).toEqual(['ESCALATED_REQUEST']);
  });

  it('tells the Senior Manager of a court-order disclosure through their queue (Azure 7.1)', async () => {
    // Prepare
    const w = await world();
    const courtOrder = await receive(w, 'COURT_ORDER', 'Family court');
    const routine = await receive(w, 'VITAL_INTERESTS', 'Ambulance service');
    for (const r of [courtOrder, routine]) {
      expectNoErrors(
        await w.api.graphql(DECIDE, { token: w.manager.token, variables: { c: w.client, r, a: true } }),
      );
    }
    w.clock.advanceMs(DAY + 60_000);

    // Act
    const seniorQueue = await queueOf(w, w.seniorManager);
    const guardianQueue = await queueOf(w, w.guardian);

    // Assess
    expect(seniorQueue.find((item) => item.requestId === courtOrder)).toMatchObject({
      kind: 'COURT_ORDER_DISCLOSURE',
      serviceUserId: w.client,
      legalBasis: 'COURT_ORDER',
      ageDays: 1,
    });
    expect(kindsOf(seniorQueue, routine)).toEqual([]);
    expect(kindsOf(guardianQueue, courtOrder)).toEqual(['COURT_ORDER_DISCLOSURE']);
  });

  it('tells the Senior Manager of a disclosure made under a court order without a request, too (Azure 7.1)', async () => {
    // Prepare
    const w = await world();
    const requestId = await courtOrderDisclosure(w, { clientInformed: true });

    // Act
    const seniorQueue = await queueOf(w, w.seniorManager);

    // Assess
    expect(kindsOf(seniorQueue, requestId)).toEqual(['COURT_ORDER_DISCLOSURE']);
    expect(JSON.stringify(seniorQueue)).not.toContain('Crown');
  });

  it('keeps a court-order disclosure in each queue until that reader acknowledges it, and refuses a worker (Azure 7.1)', async () => {
    // Prepare
    const w = await world();
    const courtOrder = await receive(w, 'COURT_ORDER', 'Family court');
    expectNoErrors(
      await w.api.graphql(DECIDE, {
        token: w.manager.token,
        variables: { c: w.client, r: courtOrder, a: true },
      }),
    );
    const ACK =
      'mutation ($c: ID!, $r: String!) { acknowledgeDisclosureWork(serviceUserId: $c, requestId: $r) { kind requestId } }';

    // Act
    const byWorker = await w.api.graphql(ACK, {
      token: w.worker.token,
      variables: { c: w.client, r: courtOrder },
    });
    const bySenior = await w.api.graphql(ACK, {
      token: w.seniorManager.token,
      variables: { c: w.client, r: courtOrder },
    });

    // Assess
    expect(codes(byWorker)).toEqual(['FORBIDDEN']);
    expectNoErrors(bySenior);
    expect(kindsOf(await queueOf(w, w.seniorManager), courtOrder)).toEqual([]);
    // The Guardian has not acknowledged it yet: still in the Guardian's queue.
    expect(kindsOf(await queueOf(w, w.guardian), courtOrder)).toEqual(['COURT_ORDER_DISCLOSURE']);
    const again = await w.api.graphql(ACK, {
      token: w.seniorManager.token,
      variables: { c: w.client, r: courtOrder },
    });
    expect(codes(again)).toEqual(['CONFLICT']);
    // …and it records no second acknowledgement: one ALLOWED event, for the one that was made
    const acknowledgements = (
      await w.api.services.auditLog.byActor(tenantScope(w.org.orgId), w.seniorManager.staffId, { limit: 100 })
    ).filter((e) => e.operation === 'acknowledgeDisclosureWork' && e.outcome === 'ALLOWED');
    expect(acknowledgements).toHaveLength(1);
  });

  it('keeps the acknowledgement of a court-order disclosure the person is not told of out of their own access log', async () => {
    // Prepare: a disclosure under a court order the person is not told of, then acknowledged by the Senior Manager.
    const w = await world();
    const requestId = await courtOrderDisclosure(w, {
      clientInformed: false,
      reasonNotInformed: 'The order forbids telling him',
    });
    const token = await serviceUserToken(w.api, w.org.orgId, w.client);
    const OWN_LOG = '{ myAccessLog(first: 100) { edges { node { id at summary } } } }';
    type OwnLog = { myAccessLog: { edges: { node: { id: string; at: string; summary: string } }[] } };
    const before = await w.api.graphql<OwnLog>(OWN_LOG, { token });

    // Act
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $r: String!) { acknowledgeDisclosureWork(serviceUserId: $c, requestId: $r) { kind } }',
        { token: w.seniorManager.token, variables: { c: w.client, r: requestId } },
      ),
    );
    const after = await w.api.graphql<OwnLog>(OWN_LOG, { token });

    // Assess: the person's log is as it was: nothing hints at work kept from them.
    expectNoErrors(after);
    expect(after.data?.myAccessLog.edges).toEqual(before.data?.myAccessLog.edges);
  });

  it('is refused to staff who decide no disclosures, and the refusal is audited once', async () => {
    // Prepare
    const w = await world();

    // Act
    const refused = await w.api.graphql(QUEUE, { token: w.worker.token });

    // Assess
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    const denied = (
      await w.api.services.auditLog.byActor(tenantScope(w.org.orgId), w.worker.staffId, { limit: 100 })
    ).filter((e) => e.operation === 'disclosureWorkQueue' && e.action === 'DENIED');
    expect(denied).toEqual([expect.objectContaining({ rule: 'disclosure-queue.decider' })]);
  });
});
