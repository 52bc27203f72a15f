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
import { testApi } from '../support/test-api';

/**
 * Issue 15, item 11 (urgency after receipt). Lets connect 4.3: "if the organisation receives a call of an urgent
 * nature from the police, crisis team or GP…" — a request's urgency is often learnt after it was logged. The
 * people who handle the request (the service's managers, the Caldicott Guardian; Azure 4.1) mark it urgent, or
 * no longer urgent, later; the change is audited before it is recorded, appended to the register (never an edit),
 * and the work queue shows urgent work first.
 */

const DAY = 86_400_000;

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`;
const URGENCY =
  'mutation ($c: ID!, $r: String!, $u: Boolean!) { setDisclosureRequestUrgency(serviceUserId: $c, requestId: $r, urgent: $u) { kind urgent requestId } }';
const QUEUE = '{ disclosureWorkQueue { kind requestId urgent ageDays } }';

async function world() {
  const clock = new MovableClock();
  const api = testApi({ clock });
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const [worker, guardian] = await Promise.all([
    addStaff(api, org, ['SUPPORT_WORKER']),
    addStaff(api, org, ['CALDICOTT_GUARDIAN']),
  ]);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
  return { api, clock, org, manager, worker, guardian, client, note };
}
type World = Awaited<ReturnType<typeof world>>;

async function receive(w: World, requesterOrganisation: string): Promise<string> {
  const received = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: w.manager.token,
    variables: {
      input: {
        serviceUserId: w.client,
        requesterOrganisation,
        requesterContact: 'Duty officer',
        purpose: 'An enquiry',
        legalBasis: 'SAFEGUARDING',
        itemIds: [w.note],
        receivedOn: w.clock.now().toISOString().slice(0, 10),
        identityCheck: 'DOCUMENT_CHECKED',
      },
    },
  });
  expectNoErrors(received);
  return received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

const mark = (w: World, who: Person, requestId: string, urgent: boolean) =>
  w.api.graphql<{ setDisclosureRequestUrgency: { kind: string; urgent: boolean; requestId: string } }>(
    URGENCY,
    { token: who.token, variables: { c: w.client, r: requestId, u: urgent } },
  );

interface QueueItem {
  kind: string;
  requestId: string;
  urgent: boolean;
  ageDays: number;
}
async function queueOf(w: World, who: Person, requestIds: string[]): Promise<QueueItem[]> {
  const result = await w.api.graphql<{ disclosureWorkQueue: QueueItem[] }>(QUEUE, { token: who.token });
  expectNoErrors(result);
  return (result.data?.disclosureWorkQueue ?? []).filter((item) => requestIds.includes(item.requestId));
}

async function register(w: World, requestId: string) {
  const result = await w.api.graphql<{
    serviceUser: { disclosureRegister: { requestId: string; kind: string; urgent: boolean | null }[] };
  }>('query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind urgent } } }', {
    token: w.manager.token,
    variables: { id: w.client },
  });
  expectNoErrors(result);
  return (result.data?.serviceUser.disclosureRegister ?? [])
    .filter((entry) => entry.requestId === requestId)
    .map(({ kind, urgent }) => ({ kind, urgent }));
}

const events = (w: World, who: Person) =>
  w.api.services.auditLog
    .byActor(tenantScope(w.org.orgId), who.staffId, { limit: 1000 })
    .then((all) => all.filter((e) => e.operation === 'setDisclosureRequestUrgency'));

describe('a disclosure request’s urgency after receipt', () => {
  it('the service’s manager marks a routine request urgent later: the register appends it and the queue puts it first', async () => {
    // Prepare
    const w = await world();
    const older = await receive(w, 'County council');
    w.clock.advanceMs(DAY + 60_000);
    const later = await receive(w, 'Crisis team');
    expect((await queueOf(w, w.manager, [older, later])).map((i) => [i.requestId, i.urgent])).toEqual([
      [older, false],
      [later, false],
    ]);

    // Act
    const marked = await mark(w, w.manager, later, true);

    // Assess
    expectNoErrors(marked);
    expect(marked.data?.setDisclosureRequestUrgency).toEqual({
      kind: 'URGENCY_CHANGED',
      urgent: true,
      requestId: later,
    });
    expect(await register(w, later)).toEqual([
      { kind: 'RECEIVED', urgent: false },
      { kind: 'URGENCY_CHANGED', urgent: true },
    ]);
    expect((await queueOf(w, w.manager, [older, later])).map((i) => [i.requestId, i.urgent])).toEqual([
      [later, true],
      [older, false],
    ]);
    // The change was audited as a write (the entry it returns is recorded as read, too).
    const written = (await events(w, w.manager)).filter((e) => e.action === 'WRITE');
    expect(written).toEqual([
      expect.objectContaining({ outcome: 'ALLOWED', rule: 'disclosure.urgency.urgent' }),
    ]);

    // No longer urgent: it takes its place by age again.
    expectNoErrors(await mark(w, w.manager, later, false));
    expect((await queueOf(w, w.manager, [older, later])).map((i) => [i.requestId, i.urgent])).toEqual([
      [older, false],
      [later, false],
    ]);
    expect((await register(w, later)).map((e) => e.urgent)).toEqual([false, true, false]);
  });

  it('the Caldicott Guardian marks an escalated request urgent, and it leads the Guardian’s queue', async () => {
    const w = await world();
    const first = await receive(w, 'County council');
    const second = await receive(w, 'Crisis team');
    for (const r of [first, second]) {
      expectNoErrors(
        await w.api.graphql(
          'mutation ($c: ID!, $r: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Doubtful") { kind } }',
          { token: w.manager.token, variables: { c: w.client, r } },
        ),
      );
    }
    expectNoErrors(await mark(w, w.guardian, second, true));
    expect((await queueOf(w, w.guardian, [first, second])).map((i) => [i.requestId, i.urgent])).toEqual([
      [second, true],
      [first, false],
    ]);
  });

  it('is refused to a support worker (FORBIDDEN, one DENIED event) and changes nothing', async () => {
    const w = await world();
    const requestId = await receive(w, 'County council');

    const refused = await mark(w, w.worker, requestId, true);

    expect(codes(refused)).toEqual(['FORBIDDEN']);
    const denied = (await events(w, w.worker)).filter((e) => e.action === 'DENIED');
    expect(denied).toEqual([expect.objectContaining({ rule: 'disclosure.role' })]);
    expect(await register(w, requestId)).toEqual([{ kind: 'RECEIVED', urgent: false }]);
  });

  it('refuses a change to what it already is, and a request already decided (CONFLICT)', async () => {
    const w = await world();
    const requestId = await receive(w, 'County council');
    expect(codes(await mark(w, w.manager, requestId, false))).toEqual(['CONFLICT']);
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: false, reasoning: "No basis") { kind } }',
        { token: w.manager.token, variables: { c: w.client, r: requestId } },
      ),
    );
    expect(codes(await mark(w, w.manager, requestId, true))).toEqual(['CONFLICT']);
    expect((await register(w, requestId)).map((e) => e.kind)).toEqual(['RECEIVED', 'REFUSED']);
    expect(codes(await mark(w, w.manager, 'dsc_unknown', true))).toEqual(['NOT_FOUND']);
  });
});
