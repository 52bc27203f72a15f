import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Bad input changes nothing and records nothing (DESIGN.md, Quality bar): a disclosure request refused for its
 * written details leaves no ALLOWED write event in the person's audit, which would claim a request recorded that
 * never was.
 */

const RECEIVE =
  'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }';

const BAD_INPUTS: [string, Record<string, unknown>][] = [
  ['a date received in the future', { receivedOn: '2999-01-01' }],
  ['no contact for the requester', { requesterContact: '   ' }],
  ['no purpose', { purpose: '' }],
  ['a requester name over 200 characters', { requesterOrganisation: 'x'.repeat(201) }],
  ['nothing asked for', { itemIds: [] }],
];

describe('receiveDisclosureRequest: bad input leaves no audit event of a request received', () => {
  const api = testApi();

  it.each(BAD_INPUTS)('%s → BAD_USER_INPUT, and no ALLOWED write event', async (_name, change) => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
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
    const recorded = async () =>
      (
        await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), { limit: 1000 })
      ).filter(
        (event) =>
          event.operation === 'receiveDisclosureRequest' &&
          event.action === 'WRITE' &&
          event.outcome === 'ALLOWED',
      );

    // Act
    const refused = await api.graphql(RECEIVE, {
      token: manager.token,
      variables: { input: { ...input, ...change } },
    });

    // Assess: refused and unrecorded; a good request afterwards is recorded once (the check can see one).
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await recorded()).toEqual([]);
    expectNoErrors(await api.graphql(RECEIVE, { token: manager.token, variables: { input } }));
    expect(await recorded()).toHaveLength(1);
  });
});
