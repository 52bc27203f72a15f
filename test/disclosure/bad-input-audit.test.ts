import type { StoredAuditEvent } from '@confide/store';
import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, type Person, recordNote } from '../support/care-fixtures';
import { localIdOf } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * Bad input changes nothing and records nothing (DESIGN.md, Quality bar): a disclosure request, or a disclosure made
 * without consent, refused for what was written leaves no ALLOWED event in the person's audit, which would claim a
 * request received or a disclosure recorded that never was. Both operations are audited before they change anything,
 * so their input is checked in the operation's validate step, before that event.
 */

/** A manager, a support worker allocated to a person, and a note about them; and the person's ALLOWED events. */
async function personWithNote(api: TestApi) {
  const { org, manager, worker, client } = await allocatedPerson(api);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
  const allowed = async (operations: readonly string[]): Promise<StoredAuditEvent[]> =>
    (
      await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), { limit: 1000 })
    ).filter((event) => operations.includes(event.operation) && event.outcome === 'ALLOWED');
  return { manager, worker, client, note, allowed };
}

/** Refused with BAD_USER_INPUT and unrecorded; the good input afterwards is recorded (so the check can see one). */
async function expectRefusedUnrecorded(
  api: TestApi,
  { mutation, caller, input, change }: { mutation: string; caller: Person; input: object; change: object },
  allowed: () => Promise<StoredAuditEvent[]>,
): Promise<StoredAuditEvent[]> {
  const refused = await api.graphql(mutation, {
    token: caller.token,
    variables: { input: { ...input, ...change } },
  });
  expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
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

  it.each(BAD_REQUESTS)('%s → BAD_USER_INPUT, and no ALLOWED write event', async (_name, change) => {
    // Prepare
    const { manager, client, note, allowed } = await personWithNote(api);
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
      { mutation: RECEIVE, caller: manager, input, change },
      writes,
    );
    expect(recorded).toHaveLength(1);
  });
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

  it.each(BAD_DISCLOSURES)('%s → BAD_USER_INPUT, and no ALLOWED event', async (_name, change) => {
    // Prepare
    const { worker, client, note, allowed } = await personWithNote(api);
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
      { mutation: EXCEPTIONAL, caller: worker, input, change },
      () => allowed(['recordExceptionalDisclosure', 'openDisclosureReview']),
    );
    expect(new Set(recorded.map((event) => event.operation))).toEqual(
      new Set(['openDisclosureReview', 'recordExceptionalDisclosure']),
    );
  });
});
