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
  return { manager, worker, client, note, otherNote, missingNote, allowed };
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
    const input = {
      serviceUserId: client,
      requesterOrganisation: 'County Council',
      requesterContact: 'Duty desk',
      purpose: 'Assessment',
      legalBasis: 'SAFEGUARDING',
      itemIds: [note],
      receivedOn: new Date().toISOString().slice(0, 10),
      identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
    };
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
