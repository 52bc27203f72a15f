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
 * Bad input changes nothing and records nothing (DESIGN.md, Quality bar): an exceptional disclosure refused for its
 * written details leaves no ALLOWED event in the person's audit, which would claim a disclosure without consent
 * recorded that never was.
 */

const EXCEPTIONAL = `mutation ($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) { requestId }
}`;

const BAD_INPUTS: [string, Record<string, unknown>][] = [
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

  it.each(BAD_INPUTS)('%s → BAD_USER_INPUT, and no ALLOWED event', async (_name, change) => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
    const input = {
      serviceUserId: client,
      recipient: 'Duty social worker',
      legalBasis: 'SAFEGUARDING',
      reasoning: 'Risk of serious harm reported today.',
      itemIds: [note],
      clientInformed: true,
    };
    const recorded = async () =>
      (
        await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), { limit: 1000 })
      ).filter(
        (event) =>
          (event.operation === 'recordExceptionalDisclosure' || event.operation === 'openDisclosureReview') &&
          event.outcome === 'ALLOWED',
      );

    // Act
    const refused = await api.graphql(EXCEPTIONAL, {
      token: worker.token,
      variables: { input: { ...input, ...change } },
    });

    // Assess: refused and unrecorded; a good disclosure afterwards is recorded, with its review (the check can see
    // both).
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await recorded()).toEqual([]);
    expectNoErrors(await api.graphql(EXCEPTIONAL, { token: worker.token, variables: { input } }));
    expect(new Set((await recorded()).map((event) => event.operation))).toEqual(
      new Set(['openDisclosureReview', 'recordExceptionalDisclosure']),
    );
  });
});
