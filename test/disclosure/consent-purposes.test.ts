import { tenantScope } from '@confide/store';
import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, recordNote } from '../support/care-fixtures';
import { testApi } from '../support/test-api';
import { recordConsent } from './disclosure-support';

/**
 * Issue 15, item 1 (purposes): consent must authorise exactly the recipients, PURPOSES and information it names
 * (Lets connect 4.3 "the purpose of the request" is logged; Azure 7.1 "in identifiable form, when it is required
 * for a specific purpose, with the individual's written consent"; JRH/Lets connect Caldicott "justify the
 * purpose(s)"). A consent carries the purposes the person agreed to; a request carries its purpose category (the
 * sealed free text stays as detail); a CONSENT-basis approval is refused when no consent covers that purpose.
 */

async function world() {
  const api = testApi();
  const { org, manager, worker, client } = await allocatedPerson(api);
  const care = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Viewed a flat on Mill Lane.');
  return { api, org, manager, worker, client, care };
}
type World = Awaited<ReturnType<typeof world>>;

const RECORD_CONSENT = 'mutation ($input: RecordConsentInput!) { recordConsent(input: $input) { id } }';
const RECEIVE =
  'mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }';

function consent(w: World, input: Record<string, unknown>): Promise<string> {
  return recordConsent(w.api, w.manager.token, w.client, {
    scope: 'NAMED_AGENCY',
    agencyName: 'County Council',
    ...input,
  });
}

const receiveInput = (w: World, input: Record<string, unknown>) => ({
  serviceUserId: w.client,
  requesterOrganisation: 'County Council',
  requesterContact: 'Duty desk',
  purpose: 'Tenancy sustainment review',
  legalBasis: 'CONSENT',
  itemIds: [w.care],
  receivedOn: '2026-11-30',
  identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
  ...input,
});

async function receive(w: World, input: Record<string, unknown>): Promise<string> {
  const result = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: w.manager.token,
    variables: { input: receiveInput(w, input) },
  });
  expectNoErrors(result);
  return result.data?.receiveDisclosureRequest[0]?.requestId ?? '';
}

const decide = (w: World, requestId: string) =>
  w.api.graphql(
    'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Consent given") { kind } }',
    { token: w.manager.token, variables: { c: w.client, r: requestId } },
  );

interface Entry {
  requestId: string;
  kind: string;
  purpose: string | null;
  purposeCategory: string | null;
  consentId: string | null;
}
async function register(w: World, requestId?: string): Promise<Entry[]> {
  const result = await w.api.graphql<{ serviceUser: { disclosureRegister: Entry[] } }>(
    'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind purpose purposeCategory consentId } } }',
    { token: w.manager.token, variables: { id: w.client } },
  );
  expectNoErrors(result);
  const entries = result.data?.serviceUser.disclosureRegister ?? [];
  return requestId ? entries.filter((e) => e.requestId === requestId) : entries;
}

async function deniedRules(w: World, operation: string): Promise<string[]> {
  return (await w.api.services.auditLog.byActor(tenantScope(w.org.orgId), w.manager.staffId, { limit: 1000 }))
    .filter((e) => e.operation === operation && e.action === 'DENIED')
    .map((e) => String(e.rule));
}

describe('consent authorises exactly the purposes it names (issue 15, item 1)', () => {
  it('a consent to share with the council for housing does not approve the council’s benefits enquiry', async () => {
    const w = await world();
    const consentId = await consent(w, { purposes: ['HOUSING'] });

    const benefits = await receive(w, { purposeCategory: 'BENEFITS' });
    expect(codes(await decide(w, benefits))).toEqual(['CONSENT_REQUIRED']);
    expect(await deniedRules(w, 'decideDisclosureRequest')).toEqual([
      'disclosure.consent-purpose-not-covering',
    ]);
    // The register shows the request's purpose category (and keeps the sealed detail); nothing was decided.
    expect(await register(w, benefits)).toEqual([
      expect.objectContaining({
        kind: 'RECEIVED',
        purposeCategory: 'BENEFITS',
        purpose: 'Tenancy sustainment review',
      }),
    ]);

    const housing = await receive(w, { purposeCategory: 'HOUSING' });
    expectNoErrors(await decide(w, housing));
    expect((await register(w, housing)).map((e) => [e.kind, e.purposeCategory, e.consentId])).toEqual([
      ['RECEIVED', 'HOUSING', null],
      ['APPROVED', 'HOUSING', consentId],
    ]);
  });

  it('a consent that names no purpose covers no disclosure, and says so', async () => {
    const w = await world();
    await consent(w, {});
    const consents = await w.api.graphql<{ serviceUser: { consents: { purposes: string[] }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { consents { purposes } } }',
      { token: w.manager.token, variables: { id: w.client } },
    );
    expectNoErrors(consents);
    expect(consents.data?.serviceUser.consents).toEqual([{ purposes: [] }]);

    const requestId = await receive(w, { purposeCategory: 'HOUSING' });
    expect(codes(await decide(w, requestId))).toEqual(['CONSENT_REQUIRED']);
    expect(await deniedRules(w, 'decideDisclosureRequest')).toEqual([
      'disclosure.consent-purpose-not-covering',
    ]);
  });

  it('a consent naming several purposes covers each, and the consent returns them', async () => {
    const w = await world();
    await consent(w, { purposes: ['HOUSING', 'CARE_COORDINATION'] });
    const consents = await w.api.graphql<{ serviceUser: { consents: { purposes: string[] }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { consents { purposes } } }',
      { token: w.manager.token, variables: { id: w.client } },
    );
    expect(consents.data?.serviceUser.consents[0]?.purposes.sort()).toEqual(['CARE_COORDINATION', 'HOUSING']);
    expectNoErrors(await decide(w, await receive(w, { purposeCategory: 'CARE_COORDINATION' })));
    expect(codes(await decide(w, await receive(w, { purposeCategory: 'LEGAL' })))).toEqual([
      'CONSENT_REQUIRED',
    ]);
  });

  it('a request on the CONSENT basis must state its purpose category (BAD_USER_INPUT, nothing recorded)', async () => {
    const w = await world();
    const missing = await w.api.graphql(RECEIVE, {
      token: w.manager.token,
      variables: { input: receiveInput(w, {}) },
    });
    expect(codes(missing)).toEqual(['BAD_USER_INPUT']);
    expect(missing.errors?.[0]?.extensions?.field).toEqual(['input', 'purposeCategory']);
    expect(await register(w)).toEqual([]);
    // Another legal basis does not rest on consent: the category is optional there.
    await receive(w, { legalBasis: 'SAFEGUARDING' });
    expect((await register(w)).map((e) => [e.kind, e.purposeCategory])).toEqual([['RECEIVED', null]]);
  });

  it('refuses purposes on a publicity consent (BAD_USER_INPUT)', async () => {
    const w = await world();
    const result = await w.api.graphql(RECORD_CONSENT, {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          scope: 'PUBLICITY_IMAGES',
          method: 'SIGNED_FORM',
          givenBy: 'CLIENT',
          purposes: ['HOUSING'],
        },
      },
    });
    expect(codes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toEqual(['input', 'purposes']);
  });
});
