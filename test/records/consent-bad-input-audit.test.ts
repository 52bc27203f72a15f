import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import {
  codes,
  createServiceWithManager,
  expectNoErrors,
  registerServiceUser,
} from '../support/care-fixtures';
import { onboardTestOrganisation } from '../support/fixtures';
import { localIdOf } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Bad input changes nothing and records nothing (DESIGN.md, Quality bar): a consent refused for its input leaves no
 * ALLOWED write event in the person's audit. An event "audited before it changes" claims a change that is about to be
 * made; for input that was never going to be accepted, the person's access log would show a consent recorded that
 * never was.
 */

const RECORD_CONSENT = 'mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }';

const BAD_INPUTS: [string, Record<string, unknown>][] = [
  ['a named agency consent naming no agency', { scope: 'NAMED_AGENCY' }],
  [
    'a representative without a capacity note',
    { scope: 'FAMILY', givenBy: 'REPRESENTATIVE', representativeName: 'Grace Hopper' },
  ],
  ['a partner that is not registered', { scope: 'GP', partnerId: 'ptn_notregistered' }],
  ['a partner id that is no id', { scope: 'GP', partnerId: 'ORG#x#PARTNER' }],
  [
    'purposes on a consent that is not to share',
    { scope: 'PUBLICITY_IMAGES', purposes: ['CARE_COORDINATION'] },
  ],
  ['an empty list of classifications', { scope: 'FAMILY', classifications: [] }],
];

describe('recordConsent: bad input leaves no audit event of a consent recorded', () => {
  const api = testApi();

  it.each(BAD_INPUTS)('%s → BAD_USER_INPUT, and no ALLOWED write event', async (_name, input) => {
    // Prepare
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const client = await registerServiceUser(api, manager, serviceId);
    const recorded = async () =>
      (
        await api.services.auditLog.bySubject(tenantScope(org.orgId), localIdOf(client), { limit: 1000 })
      ).filter(
        (event) =>
          event.operation === 'recordConsent' && event.action === 'WRITE' && event.outcome === 'ALLOWED',
      );

    // Act
    const refused = await api.graphql(RECORD_CONSENT, {
      token: manager.token,
      variables: { input: { serviceUserId: client, method: 'SIGNED_FORM', givenBy: 'CLIENT', ...input } },
    });

    // Assess: refused and unrecorded; a good consent afterwards is recorded once (the check can see one).
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(await recorded()).toEqual([]);
    expectNoErrors(
      await api.graphql(RECORD_CONSENT, {
        token: manager.token,
        variables: {
          input: { serviceUserId: client, method: 'SIGNED_FORM', givenBy: 'CLIENT', scope: 'FAMILY' },
        },
      }),
    );
    expect(await recorded()).toHaveLength(1);
  });
});
