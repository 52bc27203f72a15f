import { newId } from '@confide/domain';
import type { StoredAuditEvent } from '@confide/store';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  allocatedPerson,
  codes,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { globalIdOf, localIdOf } from '../support/fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Bad input changes nothing and records nothing (DESIGN.md, Quality bar): a disclosure request, or a disclosure made
 * without consent, refused for what was written leaves no ALLOWED event in the person's audit, which would claim a
 * request received or a disclosure recorded that never was. Both operations are audited before they change anything,
 * so their input is checked in the operation's validate step, before that event: what was written (BAD_USER_INPUT),
 * and what it names, items that are not the person's notes or a partner agency that is not registered (NOT_FOUND).
 */

/**
 * A manager, a support worker allocated to a person, and a note about them; and the person's ALLOWED events. Also
 * a note of another person the worker supports, and a well-formed id of a note of the person that does not exist.
 */
async function personWithNote(api: TestApi) {
  const { org, serviceId, manager, worker, client } = await allocatedPerson(api);
  const other = await registerServiceUser(api, manager, serviceId, { name: 'Other Person' });
  await allocate(api, manager, other, worker);
  const [note, otherNote] = await Promise.all([
    recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.'),
    recordNote(api, worker, other, 'DAILY_SUPPORT', 'Went to the shops.'),
  ]);
  const typename = Buffer.from(note, 'base64').toString('utf8').split(':')[0] ?? '';
  const missingNote = globalIdOf(typename, `${localIdOf(client)}.${newId('note')}`);
  const allowed = async (operations: readonly string[]): Promise<StoredAuditEvent[]> =>
    (
      await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), { limit: 1000 })
    ).filter((event) => operations.includes(event.operation) && event.outcome === 'ALLOWED');
  return { org, manager, worker, client, note, otherNote, missingNote, allowed };
}

type PersonWithNote = Awaited<ReturnType<typeof personWithNote>>;

/** What a case names that is not there: NOT_FOUND. */
const NAMES_WHAT_IS_NOT_THERE: [string, (person: PersonWithNote) => Record<string, unknown>][] = [
  ['a note of another person', (person) => ({ itemIds: [person.note, person.otherNote] })],
  [
    'a well-formed id of a note that does not exist',
    (person) => ({ itemIds: [person.note, person.missingNote] }),
  ],
];

/** Refused with `code` and unrecorded; the good input afterwards is recorded (so the check can see one). */
async function expectRefusedUnrecorded(
  api: TestApi,
  {
    mutation,
    caller,
    input,
    change,
    code = 'BAD_USER_INPUT',
  }: { mutation: string; caller: Person; input: object; change: object; code?: string },
  allowed: () => Promise<StoredAuditEvent[]>,
): Promise<StoredAuditEvent[]> {
  const refused = await api.graphql(mutation, {
    token: caller.token,
    variables: { input: { ...input, ...change } },
  });
  expect(codes(refused)).toEqual([code]);
  expect(await allowed()).toEqual([]);
  expectNoErrors(await api.graphql(mutation, { token: caller.token, variables: { input } }));
  return allowed();
}

const RECEIVE =
  'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }';

/** A request for a person's note on a legal basis (no consent needed), as received today. */
const requestFor = (serviceUserId: string, note: string) => ({
  serviceUserId,
  requesterOrganisation: 'County Council',
  requesterContact: 'Duty desk',
  purpose: 'Assessment',
  legalBasis: 'SAFEGUARDING',
  itemIds: [note],
  receivedOn: new Date().toISOString().slice(0, 10),
  identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
});

const BAD_REQUESTS: [string, Record<string, unknown>][] = [
  ['a date received in the future', { receivedOn: '2999-01-01' }],
  ['no contact for the requester', { requesterContact: '   ' }],
  ['no purpose', { purpose: '' }],
  ['a requester name over 200 characters', { requesterOrganisation: 'x'.repeat(201) }],
  ['nothing asked for', { itemIds: [] }],
];

describe('receiveDisclosureRequest: bad input leaves no audit event of a request received', () => {
  const api = testApi();

  async function expectRequestUnrecorded(
    change: (person: PersonWithNote) => Record<string, unknown>,
    code: string,
  ): Promise<void> {
    // Prepare
    const person = await personWithNote(api);
    const { manager, client, note, allowed } = person;
    const input = requestFor(client, note);
    const writes = async () =>
      (await allowed(['receiveDisclosureRequest'])).filter((event) => event.action === 'WRITE');

    // Act and assess
    const recorded = await expectRefusedUnrecorded(
      api,
      { mutation: RECEIVE, caller: manager, input, change: change(person), code },
      writes,
    );
    expect(recorded).toHaveLength(1);
  }

  it.each(BAD_REQUESTS)('%s → BAD_USER_INPUT, and no ALLOWED write event', (_name, change) =>
    expectRequestUnrecorded(() => change, 'BAD_USER_INPUT'),
  );

  it.each([
    ...NAMES_WHAT_IS_NOT_THERE,
    ['a partner agency that is not registered', () => ({ partnerId: newId('partner') })],
  ] as typeof NAMES_WHAT_IS_NOT_THERE)('%s → NOT_FOUND, and no ALLOWED write event', (_name, change) =>
    expectRequestUnrecorded(change, 'NOT_FOUND'),
  );
});

const EXCEPTIONAL = `mutation ($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) { requestId }
}`;

const BAD_DISCLOSURES: [string, Record<string, unknown>][] = [
  ['consent given as the legal basis', { legalBasis: 'CONSENT' }],
  ['no recipient', { recipient: '   ' }],
  ['a recipient over 200 characters', { recipient: 'x'.repeat(201) }],
  ['no reasoning', { reasoning: '' }],
  ['the person not told, with no reason why', { clientInformed: false }],
  ['the person not told, with a blank reason', { clientInformed: false, reasonNotInformed: ' ' }],
  ['nothing shared', { itemIds: [] }],
];

describe('recordExceptionalDisclosure: bad input leaves no audit event of a disclosure', () => {
  const api = testApi();

  async function expectDisclosureUnrecorded(
    change: (person: PersonWithNote) => Record<string, unknown>,
    code: string,
  ): Promise<void> {
    // Prepare
    const person = await personWithNote(api);
    const { worker, client, note, allowed } = person;
    const input = {
      serviceUserId: client,
      recipient: 'Duty social worker',
      legalBasis: 'SAFEGUARDING',
      reasoning: 'Risk of serious harm reported today.',
      itemIds: [note],
      clientInformed: true,
    };

    // Act and assess: the disclosure and the review raised with it.
    const recorded = await expectRefusedUnrecorded(
      api,
      { mutation: EXCEPTIONAL, caller: worker, input, change: change(person), code },
      () => allowed(['recordExceptionalDisclosure', 'openDisclosureReview']),
    );
    expect(new Set(recorded.map((event) => event.operation))).toEqual(
      new Set(['openDisclosureReview', 'recordExceptionalDisclosure']),
    );
  }

  it.each(BAD_DISCLOSURES)('%s → BAD_USER_INPUT, and no ALLOWED event', (_name, change) =>
    expectDisclosureUnrecorded(() => change, 'BAD_USER_INPUT'),
  );

  it.each(NAMES_WHAT_IS_NOT_THERE)('%s → NOT_FOUND, and no ALLOWED event', (_name, change) =>
    expectDisclosureUnrecorded(change, 'NOT_FOUND'),
  );
});

const ESCALATE = `mutation ($c: ID!, $r: String!, $why: String!) {
  escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: $why) { kind } }`;
const DECIDE = `mutation ($c: ID!, $r: String!, $why: String!) {
  decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: $why) { kind } }`;
const CORRECT = `mutation ($c: ID!, $r: String!, $why: String!) {
  correctDisclosureEntry(serviceUserId: $c, requestId: $r, reasoning: $why) { kind } }`;
const RELEASE = 'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }';
const PENDING_REVIEWS = '{ disclosureReviews(status: PENDING) { id } }';
const COMPLETE_REVIEW = `mutation ($id: ID!, $notes: String!) {
  completeDisclosureReview(reviewId: $id, outcome: JUSTIFIED, notes: $notes) { id } }`;

describe('a disclosure request’s later steps: bad input leaves no ALLOWED event, a refusal only a DENIED one', () => {
  const api = testApi();

  /** A person with a note, and a request for it received on a legal basis (no consent needed). */
  async function requested() {
    const person = await personWithNote(api);
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
      token: person.manager.token,
      variables: { input: requestFor(person.client, person.note) },
    });
    expectNoErrors(received);
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
    const events = async (operation: string, outcome: string) =>
      (
        await api.services.auditLog.bySubject(tenantScope(person.org.orgId), localIdOf(person.client), {
          limit: 1000,
        })
      ).filter((event) => event.operation === operation && event.outcome === outcome);
    return { ...person, requestId, events };
  }

  it.each([
    ['escalateDisclosureRequest', ESCALATE],
    ['decideDisclosureRequest', DECIDE],
    ['correctDisclosureEntry', CORRECT],
  ])('%s with blank reasoning → BAD_USER_INPUT, and no ALLOWED event', async (operation, mutation) => {
    // Prepare
    const r = await requested();
    const send = (why: string) =>
      api.graphql(mutation, {
        token: r.manager.token,
        variables: { c: r.client, r: r.requestId, why },
      });

    // Act
    const refused = await send('   ');

    // Assess: refused and unrecorded; with reasoning it is recorded (the check can see it).
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await r.events(operation, 'ALLOWED')).toEqual([]);
    expectNoErrors(await send('The scope is broad.'));
    expect((await r.events(operation, 'ALLOWED')).length).toBeGreaterThan(0);
  });

  it('recordAuthorAuthority with a blank reference → BAD_USER_INPUT, and no ALLOWED event', async () => {
    // Prepare: a letter from another organisation about the person.
    const r = await requested();
    const letter = await recordNote(api, r.worker, r.client, 'CORRESPONDENCE', 'Letter from the GP.', {
      authorOrganisation: 'The Health Centre',
    });
    const record = (reference: string) =>
      api.graphql('mutation ($n: ID!, $r: String!) { recordAuthorAuthority(noteId: $n, reference: $r) }', {
        token: r.manager.token,
        variables: { n: letter, r: reference },
      });

    // Act
    const refused = await record(' ');

    // Assess
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await r.events('recordAuthorAuthority', 'ALLOWED')).toEqual([]);
    expectNoErrors(await record('Letter of 2 March'));
    expect((await r.events('recordAuthorAuthority', 'ALLOWED')).length).toBeGreaterThan(0);
  });

  it('releaseDisclosure: refused before approval (DENIED only) and for bad input (nothing); released when right', async () => {
    // Prepare
    const r = await requested();
    const release = (change: Record<string, unknown> = {}) =>
      api.graphql(RELEASE, {
        token: r.manager.token,
        variables: {
          input: {
            serviceUserId: r.client,
            requestId: r.requestId,
            itemIds: [r.note],
            method: 'SECURE_EMAIL',
            ...change,
          },
        },
      });

    // Act and assess: not approved yet → FORBIDDEN, recorded as DENIED and never as ALLOWED.
    expect(codes(await release())).toEqual(['FORBIDDEN']);
    expect(await r.events('releaseDisclosure', 'ALLOWED')).toEqual([]);
    expect(await r.events('releaseDisclosure', 'FORBIDDEN')).toHaveLength(1);

    // Act and assess: approved, then released with input that cannot be accepted → nothing recorded.
    expectNoErrors(
      await api.graphql(DECIDE, {
        token: r.manager.token,
        variables: { c: r.client, r: r.requestId, why: 'A duty to share.' },
      }),
    );
    for (const change of [
      { redactions: ['x'.repeat(201)] },
      { itemIds: [r.note, r.missingNote] },
      { method: 'PARTNER_APP', grantExpiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    ]) {
      const refused = await release(change);
      expect(refused.errors?.length, JSON.stringify(change)).toBe(1);
    }
    expect(await r.events('releaseDisclosure', 'ALLOWED')).toEqual([]);

    // Act and assess: the release as it should be is recorded.
    expectNoErrors(await release());
    expect((await r.events('releaseDisclosure', 'ALLOWED')).length).toBeGreaterThan(0);
  });

  it('completeDisclosureReview with blank notes → BAD_USER_INPUT, and no ALLOWED event', async () => {
    // Prepare: an exceptional disclosure by the worker raises a review for the service's manager.
    const r = await requested();
    expectNoErrors(
      await api.graphql(EXCEPTIONAL, {
        token: r.worker.token,
        variables: {
          input: {
            serviceUserId: r.client,
            recipient: 'Duty social worker',
            legalBasis: 'SAFEGUARDING',
            reasoning: 'Risk of serious harm reported today.',
            itemIds: [r.note],
            clientInformed: true,
          },
        },
      }),
    );
    const pending = await api.graphql<{ disclosureReviews: { id: string }[] }>(PENDING_REVIEWS, {
      token: r.manager.token,
    });
    expectNoErrors(pending);
    const reviewId = pending.data?.disclosureReviews[0]?.id;
    const complete = (notes: string) =>
      api.graphql(COMPLETE_REVIEW, { token: r.manager.token, variables: { id: reviewId, notes } });

    // Act
    const refused = await complete('');

    // Assess
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await r.events('completeDisclosureReview', 'ALLOWED')).toEqual([]);
    expectNoErrors(await complete('Necessary and proportionate.'));
    expect((await r.events('completeDisclosureReview', 'ALLOWED')).length).toBeGreaterThan(0);
  });
});
