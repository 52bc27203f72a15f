import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, recordNote } from '../support/care-fixtures';
import { testApi } from '../support/test-api';
import { recordConsent } from './disclosure-support';

/**
 * Issue 15, items 1, 4, 6 and 11 (part): consent authorises exactly the recipients and information it names
 * (Lets connect 4.3; Carers Trust 3.2: "you will need permission from the person concerned"; JRH "only with the
 * agreement of the service user"), in writing unless the organisation accepts a witnessed verbal consent (Azure
 * 7.1 "with the individual's written consent"; Community 4 "a signed consent form or in writing by email"); the
 * request log holds the date received (Lets connect 4.3), and a request can be marked urgent.
 */

async function world() {
  const api = testApi();
  const { org, manager, worker, client } = await allocatedPerson(api);
  const care = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Attended the day centre.');
  const health = await recordNote(api, worker, client, 'MEDICAL', 'Medication review booked.');
  return { api, org, manager, worker, client, care, health };
}
type World = Awaited<ReturnType<typeof world>>;

function consent(w: World, input: Record<string, unknown>): Promise<string> {
  // The purpose every request below states: these tests are about recipients, information and methods.
  return recordConsent(w.api, w.manager.token, w.client, { purposes: ['CARE_COORDINATION'], ...input });
}

async function receive(w: World, input: Record<string, unknown>): Promise<string> {
  const result = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(
    'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }',
    {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          requesterContact: 'Duty desk',
          purpose: 'Assessment',
          purposeCategory: 'CARE_COORDINATION',
          legalBasis: 'CONSENT',
          itemIds: [w.care],
          receivedOn: '2026-11-30',
          identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
          ...input,
        },
      },
    },
  );
  expectNoErrors(result);
  return result.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

/** The manager releases the request's daily note by secure email. */
const releaseByEmail = (w: World, requestId: string) =>
  w.api.graphql('mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }', {
    token: w.manager.token,
    variables: { input: { serviceUserId: w.client, requestId, itemIds: [w.care], method: 'SECURE_EMAIL' } },
  });

const decide = (w: World, requestId: string, token = w.manager.token) =>
  w.api.graphql(
    'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Consent given") { kind } }',
    { token, variables: { c: w.client, r: requestId } },
  );

interface Entry {
  requestId: string;
  kind: string;
  consentId: string | null;
  consentMethod: string | null;
  receivedOn: string | null;
  urgent: boolean | null;
}
async function register(w: World, requestId: string): Promise<Entry[]> {
  const result = await w.api.graphql<{ serviceUser: { disclosureRegister: Entry[] } }>(
    'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind consentId consentMethod receivedOn urgent } } }',
    { token: w.manager.token, variables: { id: w.client } },
  );
  expectNoErrors(result);
  return (result.data?.serviceUser.disclosureRegister ?? []).filter((e) => e.requestId === requestId);
}

async function eventsBy(w: World, staffId: string) {
  return w.api.services.auditLog.byActor(tenantScope(w.org.orgId), staffId, { limit: 1000 });
}
async function deniedRules(w: World, operation: string): Promise<string[]> {
  return (await eventsBy(w, w.manager.staffId))
    .filter((e) => e.operation === operation && e.action === 'DENIED')
    .map((e) => String(e.rule));
}

describe('consent authorises exactly the recipients and information it names (item 1)', () => {
  it('a consent to share with family does not let a council be approved on the CONSENT basis', async () => {
    const w = await world();
    await consent(w, { scope: 'FAMILY' });
    const requestId = await receive(w, { requesterOrganisation: 'County Council' });
    expect(codes(await decide(w, requestId))).toEqual(['CONSENT_REQUIRED']);
    expect(await deniedRules(w, 'decideDisclosureRequest')).toEqual(['disclosure.consent-not-covering']);
    expect((await register(w, requestId)).map((e) => e.kind)).toEqual(['RECEIVED']);
  });

  it('a consent naming one agency (a GP surgery) does not let the police or a housing association be approved', async () => {
    const w = await world();
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' });
    for (const requester of ['County Police', 'Valley Housing Association']) {
      const requestId = await receive(w, { requesterOrganisation: requester });
      expect(codes(await decide(w, requestId))).toEqual(['CONSENT_REQUIRED']);
    }
  });

  it('a consent naming the agency approves its request, and the decision names that consent in the register', async () => {
    const w = await world();
    await consent(w, { scope: 'FAMILY' });
    const consentId = await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' });
    const requestId = await receive(w, { requesterOrganisation: ' riverside gp  surgery ' });
    expectNoErrors(await decide(w, requestId));
    const approved = (await register(w, requestId)).find((e) => e.kind === 'APPROVED');
    expect(approved?.consentId).toBe(consentId);
    expect(approved?.consentMethod).toBe('SIGNED_FORM');
  });

  it('is not released once the consent the decision relied on is withdrawn, though another consent remains', async () => {
    const w = await world();
    await consent(w, { scope: 'FAMILY' });
    const relied = await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' });
    const requestId = await receive(w, { requesterOrganisation: 'Riverside GP Surgery' });
    expectNoErrors(await decide(w, requestId));
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
        { token: w.manager.token, variables: { c: w.client, k: relied } },
      ),
    );
    const released = await releaseByEmail(w, requestId);
    expect(codes(released)).toEqual(['CONSENT_REQUIRED']);
    expect((await register(w, requestId)).map((e) => e.kind)).not.toContain('RELEASED');
  });

  it('a consent to share with family or the GP covers the family’s or the GP’s request, and nobody else’s', async () => {
    const w = await world();
    const family = await consent(w, { scope: 'FAMILY' });
    const gp = await consent(w, { scope: 'GP' });
    const fromFamily = await receive(w, { requesterOrganisation: 'Daughter', requesterKind: 'FAMILY' });
    const fromGp = await receive(w, { requesterOrganisation: 'Riverside Surgery', requesterKind: 'GP' });
    const fromCouncil = await receive(w, { requesterOrganisation: 'County Council' });
    expectNoErrors(await decide(w, fromFamily));
    expectNoErrors(await decide(w, fromGp));
    expect(codes(await decide(w, fromCouncil))).toEqual(['CONSENT_REQUIRED']);
    expect((await register(w, fromFamily)).find((e) => e.kind === 'APPROVED')?.consentId).toBe(family);
    expect((await register(w, fromGp)).find((e) => e.kind === 'APPROVED')?.consentId).toBe(gp);
  });

  it('does not release on the person’s consent a note they sealed, whatever the method', async () => {
    // Prepare: a consent naming the council, and its request for a note the person asked the worker to keep
    const w = await world();
    const sealed = await recordNote(w.api, w.worker, w.client, 'DAILY_SUPPORT', 'Told me about the debt.', {
      sealedFor: [w.worker.globalId],
    });
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'County Council' });
    const requestId = await receive(w, { requesterOrganisation: 'County Council', itemIds: [sealed] });
    expectNoErrors(await decide(w, requestId));

    // Act
    const released = await w.api.graphql(
      'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }',
      {
        token: w.manager.token,
        variables: {
          input: { serviceUserId: w.client, requestId, itemIds: [sealed], method: 'SECURE_EMAIL' },
        },
      },
    );

    // Assess
    expect(released.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([
      ['BAD_USER_INPUT', ['input', 'itemIds']],
    ]);
    expect((await register(w, requestId)).map((e) => e.kind)).not.toContain('RELEASED');
  });

  it('releases a request approved for a partner agency’s app to that app only, not to its contact by email', async () => {
    // Prepare: the surgery's app, a consent naming it, and a request to be received in it that names another contact
    const w = await world();
    const clientId = `consent-scope-${w.org.slug}`;
    const partner = await w.api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "Riverside GP Surgery", clientId: $c) { id } }',
      { token: w.org.adminToken, variables: { c: clientId } },
    );
    expectNoErrors(partner);
    const partnerId = partner.data?.registerPartnerAgency.id;
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery', partnerId });
    const requestId = await receive(w, {
      requesterOrganisation: 'County Police',
      requesterContact: 'DC Smith, CID',
      partnerId,
    });
    expectNoErrors(await decide(w, requestId));

    // Act
    const released = await releaseByEmail(w, requestId);

    // Assess
    expect(released.errors?.map((error) => [error.extensions?.code, error.extensions?.field])).toEqual([
      ['BAD_USER_INPUT', ['input', 'method']],
    ]);
    expect((await register(w, requestId)).map((e) => e.kind)).not.toContain('RELEASED');
  });

  it('a consent naming the information it covers does not authorise other information', async () => {
    const w = await world();
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'County Council', classifications: ['CARE'] });
    const both = await receive(w, { requesterOrganisation: 'County Council', itemIds: [w.care, w.health] });
    expect(codes(await decide(w, both))).toEqual(['CONSENT_REQUIRED']);
    const careOnly = await receive(w, { requesterOrganisation: 'County Council', itemIds: [w.care] });
    expectNoErrors(await decide(w, careOnly));
  });
});

describe('the consent methods that can authorise a disclosure are the organisation’s (item 4)', () => {
  it('a witnessed verbal consent does not approve an identifiable disclosure unless the organisation chooses it', async () => {
    const w = await world();
    const consentId = await consent(w, {
      scope: 'NAMED_AGENCY',
      agencyName: 'County Council',
      method: 'VERBAL_WITNESSED',
    });
    const first = await receive(w, { requesterOrganisation: 'County Council' });
    expect(codes(await decide(w, first))).toEqual(['CONSENT_REQUIRED']);

    const read = await w.api.graphql<{ disclosureConsentMethods: string[] }>('{ disclosureConsentMethods }', {
      token: w.manager.token,
    });
    expectNoErrors(read);
    expect(read.data?.disclosureConsentMethods).toEqual(['SIGNED_FORM', 'EMAIL']);

    const SET = 'mutation ($m: [ConsentMethod!]!) { setDisclosureConsentMethods(methods: $m) }';
    const all = { m: ['SIGNED_FORM', 'EMAIL', 'VERBAL_WITNESSED'] };
    expect(codes(await w.api.graphql(SET, { token: w.worker.token, variables: all }))).toEqual(['FORBIDDEN']);
    expect(codes(await w.api.graphql(SET, { token: w.manager.token, variables: all }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(codes(await w.api.graphql(SET, { token: w.org.adminToken, variables: { m: [] } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expectNoErrors(await w.api.graphql(SET, { token: w.org.adminToken, variables: all }));
    const changed = (await eventsBy(w, w.org.adminStaffId)).filter(
      (e) => e.operation === 'setDisclosureConsentMethods' && e.outcome === 'ALLOWED',
    );
    expect(changed).toHaveLength(1);

    const second = await receive(w, { requesterOrganisation: 'County Council' });
    expectNoErrors(await decide(w, second));
    const approved = (await register(w, second)).find((e) => e.kind === 'APPROVED');
    expect(approved).toMatchObject({ consentId, consentMethod: 'VERBAL_WITNESSED' });
  });
});

describe('the request log (items 6 and 11)', () => {
  it('returns the date the request was received, and whether it was marked urgent', async () => {
    const w = await world();
    const plain = await receive(w, { requesterOrganisation: 'County Council' });
    const urgent = await receive(w, { requesterOrganisation: 'County Council', urgent: true });
    expect(await register(w, plain)).toEqual([
      expect.objectContaining({ kind: 'RECEIVED', receivedOn: '2026-11-30', urgent: false }),
    ]);
    expect(await register(w, urgent)).toEqual([
      expect.objectContaining({ kind: 'RECEIVED', receivedOn: '2026-11-30', urgent: true }),
    ]);
  });
});

describe('a release relies on its consent as the organisation accepts it when the information leaves (item 4)', () => {
  it('an approval on a witnessed verbal consent is not released after the organisation stops accepting verbal consent', async () => {
    // Prepare: the organisation accepts verbal consent; a request is approved on one.
    const w = await world();
    const SET = 'mutation ($m: [ConsentMethod!]!) { setDisclosureConsentMethods(methods: $m) }';
    const token = w.org.adminToken;
    expectNoErrors(
      await w.api.graphql(SET, { token, variables: { m: ['SIGNED_FORM', 'EMAIL', 'VERBAL_WITNESSED'] } }),
    );
    await consent(w, { scope: 'NAMED_AGENCY', agencyName: 'County Council', method: 'VERBAL_WITNESSED' });
    const requestId = await receive(w, { requesterOrganisation: 'County Council' });
    expectNoErrors(await decide(w, requestId));
    // The organisation goes back to written consent only.
    expectNoErrors(await w.api.graphql(SET, { token, variables: { m: ['SIGNED_FORM', 'EMAIL'] } }));

    // Act
    const released = await releaseByEmail(w, requestId);

    // Assert: refused, and nothing left.
    expect(codes(released)).toEqual(['CONSENT_REQUIRED']);
    expect((await register(w, requestId)).map((e) => e.kind)).toEqual(['RECEIVED', 'APPROVED']);
  });
});
