import { randomBytes } from 'node:crypto';
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
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { MovableClock } from '../support/movable-clock';
import { type TestApi, testApi } from '../support/test-api';
import { approveSubjectAccessExport } from './subject-access-fixtures';

async function world() {
  const clock = new MovableClock();
  const api = testApi({ clock });
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const guardian = await addStaff(api, org, ['CALDICOTT_GUARDIAN']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const released = await recordNote(
    api,
    worker,
    client,
    'DAILY_SUPPORT',
    'Attended the day centre; spoke about housing.',
  );
  const alsoReleased = await recordNote(
    api,
    worker,
    client,
    'MEDICAL',
    'Medication review booked with the GP.',
  );
  const notReleased = await recordNote(api, worker, client, 'FINANCE', 'Rent arrears plan agreed.');
  const withheld = await recordNote(
    api,
    worker,
    client,
    'DAILY_SUPPORT',
    'Withheld: third-party information.',
    {
      withheldFromSubject: true,
      withholdingExemption: 'THIRD_PARTY',
    },
  );
  const partnerClientId = `la-${randomBytes(4).toString('hex')}`;
  const partner = await api.graphql<{ registerPartnerAgency: { id: string } }>(
    'mutation ($c: String!) { registerPartnerAgency(name: "County Council adult social care", clientId: $c) { id } }',
    { token: org.adminToken, variables: { c: partnerClientId } },
  );
  expectNoErrors(partner);
  const partnerToken = await api.token({
    sub: partnerClientId,
    client_id: partnerClientId,
    org_id: org.orgId,
  });
  return {
    api,
    clock,
    org,
    manager,
    worker,
    guardian,
    client,
    released,
    alsoReleased,
    notReleased,
    withheld,
    partnerId: partner.data?.registerPartnerAgency.id ?? '',
    partnerToken,
  };
}

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId kind } }`;
const RELEASED_TO_ME =
  '{ releasedToMe { id kind ... on CareNote { body } ... on HealthNote { body } ... on FinanceNote { body } } }';

/**
 * The manager releases `itemIds` of the request to the partner's app, its grant ending `days` from now, through
 * `through` (the world's API unless a test gives its own).
 */
function releaseToApp(
  w: Awaited<ReturnType<typeof world>>,
  requestId: string,
  itemIds: string[],
  options: { days?: number; redactions?: string[]; through?: TestApi } = {},
) {
  return (options.through ?? w.api).graphql<{ releaseDisclosure: { kind: string; snapshotDigest: string } }>(
    'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind snapshotDigest } }',
    {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          requestId,
          itemIds,
          ...(options.redactions ? { redactions: options.redactions } : {}),
          method: 'PARTNER_APP',
          grantExpiresAt: new Date(Date.now() + (options.days ?? 7) * 86_400_000).toISOString(),
        },
      },
    },
  );
}

/** The person's consent to the county council, and a request received from it on that consent for `itemIds`. */
async function receivedOnConsent(
  w: Awaited<ReturnType<typeof world>>,
  itemIds: string[],
): Promise<{ consentId: string; requestId: string }> {
  const consent = await w.api.graphql<{ recordConsent: { id: string } }>(
    'mutation ($id: ID!) { recordConsent(input: { serviceUserId: $id, scope: NAMED_AGENCY, agencyName: "County Council adult social care", method: SIGNED_FORM, givenBy: CLIENT, purposes: [CARE_COORDINATION] }) { id } }',
    { token: w.manager.token, variables: { id: w.client } },
  );
  expectNoErrors(consent);
  const received = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: w.manager.token,
    variables: {
      input: {
        serviceUserId: w.client,
        requesterOrganisation: 'County Council',
        requesterContact: 'Duty social worker, 01234 567890',
        purpose: 'Care needs assessment',
        purposeCategory: 'CARE_COORDINATION',
        legalBasis: 'CONSENT',
        itemIds,
        receivedOn: new Date().toISOString().slice(0, 10),
        identityCheck: 'CALLBACK_TO_KNOWN_NUMBER',
        partnerId: w.partnerId,
      },
    },
  });
  expectNoErrors(received);
  return {
    consentId: consent.data?.recordConsent.id ?? '',
    requestId: received.data?.receiveDisclosureRequest[0]?.requestId ?? '',
  };
}

describe('a disclosure from request to partner access', () => {
  it('is received, escalated, approved by the Caldicott Guardian, released, and read by the partner exactly', async () => {
    const w = await world();
    const { api } = w;
    const { requestId } = await receivedOnConsent(w, [w.released, w.alsoReleased, w.notReleased]);

    // Before release the partner sees nothing, not even that the person is a client.
    expect(
      (await api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken })).data
        ?.releasedToMe,
    ).toEqual([]);
    expect(
      codes(
        await api.graphql('query ($id: ID!) { serviceUser(id: $id) { reference } }', {
          token: w.partnerToken,
          variables: { id: w.client },
        }),
      ),
    ).toEqual(['NOT_FOUND']);

    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $r: String!) { escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Scope is broad") { kind } }',
        { token: w.manager.token, variables: { c: w.client, r: requestId } },
      ),
    );
    const managerDecides = await api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "ok") { kind } }',
      { token: w.manager.token, variables: { c: w.client, r: requestId } },
    );
    expect(codes(managerDecides)).toEqual(['FORBIDDEN']);
    // The Guardian has no relationship to the client, but may decide: the client is visible to the IG roles.
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Consent covers the assessment") { kind } }',
        { token: w.guardian.token, variables: { c: w.client, r: requestId } },
      ),
    );
    const release = await releaseToApp(w, requestId, [w.released, w.alsoReleased], {
      redactions: ['housing'],
    });
    expectNoErrors(release);
    expect(release.data?.releaseDisclosure.snapshotDigest).toMatch(/^[0-9a-f]{64}$/);

    const seen = await api.graphql<{ releasedToMe: { id: string; body: string }[] }>(RELEASED_TO_ME, {
      token: w.partnerToken,
    });
    expectNoErrors(seen);
    expect(seen.data?.releasedToMe.map((note) => note.id).sort()).toEqual(
      [w.released, w.alsoReleased].sort(),
    );
    expect(seen.text).not.toContain('Rent arrears');
    expect(
      codes(
        await api.graphql('query ($id: ID!) { caseNote(id: $id) { id } }', {
          token: w.partnerToken,
          variables: { id: w.notReleased },
        }),
      ),
    ).toEqual(['NOT_FOUND']);

    // The register is append-only history of every step.
    const register = await api.graphql<{ serviceUser: { disclosureRegister: { kind: string }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { kind } } }',
      { token: w.manager.token, variables: { id: w.client } },
    );
    expect(register.data?.serviceUser.disclosureRegister.map((e) => e.kind)).toEqual([
      'RECEIVED',
      'ESCALATED',
      'APPROVED',
      'RELEASED',
    ]);

    // Withdrawing the consent ends the partner's access at once.
    const consents = await api.graphql<{ serviceUser: { consents: { id: string; scope: string }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { consents { id scope } } }',
      { token: w.manager.token, variables: { id: w.client } },
    );
    const consentId = consents.data?.serviceUser.consents.find((c) => c.scope === 'NAMED_AGENCY')?.id;
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
        { token: w.manager.token, variables: { c: w.client, k: consentId } },
      ),
    );
    expect(
      (await api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken })).data
        ?.releasedToMe,
    ).toEqual([]);

    // Every step left its audit events (by operation), and none carries the text released.
    const events = await api.services.auditLog.bySubject(
      tenantScope(w.org.orgId),
      w.client ? (Buffer.from(w.client, 'base64').toString().split(':')[1] ?? '') : '',
      { limit: 500 },
    );
    const operations = new Set(events.map((event) => event.operation));
    for (const step of [
      'receiveDisclosureRequest',
      'escalateDisclosureRequest',
      'decideDisclosureRequest',
      'releaseDisclosure',
      'withdrawConsent',
      'releasedToMe',
    ]) {
      expect(operations, step).toContain(step);
    }
    expect(events.some((event) => event.actor.kind === 'PARTNER' && event.outcome === 'ALLOWED')).toBe(true);
    expect(JSON.stringify(events)).not.toContain('day centre');
  });

  it('refuses a release whose consent is withdrawn between the check and the release, releasing nothing', async () => {
    // Prepare: a request approved on the person's consent, and the manager's release held just before it is written
    // while the consent is withdrawn (and the withdrawal confirmed).
    const w = await world();
    const { api } = w;
    const { consentId, requestId } = await receivedOnConsent(w, [w.released]);
    for (const [token, step] of [
      [
        w.manager.token,
        'escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "Scope is broad")',
      ],
      [
        w.guardian.token,
        'decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Consent covers it")',
      ],
    ] as const) {
      expectNoErrors(
        await api.graphql(`mutation ($c: ID!, $r: String!) { ${step} { kind } }`, {
          token,
          variables: { c: w.client, r: requestId },
        }),
      );
    }
    const slow = interleavingDynamoClient(
      api,
      (call) => JSON.stringify(call.input).includes('"RELEASED"'),
      async () => {
        expectNoErrors(
          await api.graphql(
            'mutation ($c: ID!, $k: String!) { withdrawConsent(serviceUserId: $c, consentId: $k) { withdrawnAt } }',
            { token: w.manager.token, variables: { c: w.client, k: consentId } },
          ),
        );
      },
    );

    // Act
    const release = await releaseToApp(w, requestId, [w.released], {
      through: testApi({ clock: w.clock, dynamo: slow.client }),
    });

    // Assess: the withdrawal came first; nothing is released, recorded as released, or readable by the partner.
    expect(slow.interleaved()).toBe(true);
    expect(codes(release)).toEqual(['CONSENT_REQUIRED']);
    const register = await api.graphql<{ serviceUser: { disclosureRegister: { kind: string }[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { kind } } }',
      { token: w.manager.token, variables: { id: w.client } },
    );
    expect(register.data?.serviceUser.disclosureRegister.map((e) => e.kind)).toEqual([
      'RECEIVED',
      'ESCALATED',
      'APPROVED',
    ]);
    expect(
      (await api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken })).data
        ?.releasedToMe,
    ).toEqual([]);
  });

  it('ends partner access when the grant expires', async () => {
    const w = await world();
    const { api } = w;
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          requesterOrganisation: 'Police',
          requesterContact: 'DC 123',
          purpose: 'Missing person enquiry',
          legalBasis: 'VITAL_INTERESTS',
          itemIds: [w.released],
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'DOCUMENT_CHECKED',
          partnerId: w.partnerId,
        },
      },
    });
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
    const decided = await api.graphql<{ decideDisclosureRequest: { flaggedForGuardian: boolean } }>(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk to life") { flaggedForGuardian } }',
      { token: w.manager.token, variables: { c: w.client, r: requestId } },
    );
    expectNoErrors(decided);
    expect(decided.data?.decideDisclosureRequest.flaggedForGuardian).toBe(true);
    expectNoErrors(await releaseToApp(w, requestId, [w.released], { days: 1 }));
    expect(
      (await api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken })).data
        ?.releasedToMe,
    ).toHaveLength(1);

    w.clock.advanceMs(2 * 86_400_000);

    expect(
      (await api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken })).data
        ?.releasedToMe,
    ).toEqual([]);
  });

  it('cannot release a request with no consent and no other legal basis', async () => {
    const w = await world();
    const { api } = w;
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          requesterOrganisation: 'Landlord',
          requesterContact: 'Office',
          purpose: 'Tenancy',
          purposeCategory: 'HOUSING',
          legalBasis: 'CONSENT',
          itemIds: [w.released],
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'KNOWN_CONTACT',
          partnerId: w.partnerId,
        },
      },
    });
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
    const decided = await api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "asked nicely") { kind } }',
      { token: w.manager.token, variables: { c: w.client, r: requestId } },
    );
    const released = await releaseToApp(w, requestId, [w.released], { days: 1 });

    expect(codes(decided)).toEqual(['CONSENT_REQUIRED']);
    expect(codes(released)).toEqual(['FORBIDDEN']);
    expect(
      (await api.graphql<{ releasedToMe: unknown[] }>(RELEASED_TO_ME, { token: w.partnerToken })).data
        ?.releasedToMe,
    ).toEqual([]);
  });
});

describe('subject access', () => {
  it('exports every item of the person and no withheld one, with the deadline tracked', async () => {
    const w = await world();
    const { api } = w;
    const ig = await addStaff(api, w.org, ['IG_LEAD']);
    const opened = await api.graphql<{
      requestSubjectAccess: { id: string; deadline: string; receivedOn: string };
    }>(
      'mutation ($c: ID!) { requestSubjectAccess(serviceUserId: $c, receivedOn: "2026-01-31", identityCheck: PHOTO_ID) { id deadline receivedOn } }',
      { token: w.manager.token, variables: { c: w.client } },
    );
    expectNoErrors(opened);
    expect(opened.data?.requestSubjectAccess.deadline).toBe('2026-02-28');
    // Staff read the export they compile once a second person approved it (issue 14).
    await approveSubjectAccessExport(api, w.guardian, opened.data?.requestSubjectAccess.id ?? '');
    const overdue = await api.graphql<{ subjectAccessRequests: { overdue: boolean }[] }>(
      '{ subjectAccessRequests(overdueOnly: true) { overdue } }',
      { token: ig.token },
    );
    expect(overdue.data?.subjectAccessRequests.length).toBeGreaterThan(0);

    const exported = await api.graphql<{ subjectAccessExport: { document: string } }>(
      'query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { document } }',
      { token: ig.token, variables: { c: w.client } },
    );
    expectNoErrors(exported);
    const document = JSON.parse(exported.data?.subjectAccessExport.document ?? '{}') as {
      profile: { name: string };
      notes: { text: string }[];
    };
    expect(document.profile.name).toBeTruthy();
    expect(document.notes.map((n) => n.text).sort()).toEqual(
      [
        'Attended the day centre; spoke about housing.',
        'Medication review booked with the GP.',
        'Rent arrears plan agreed.',
      ].sort(),
    );
    expect(exported.text).not.toContain('Withheld: third-party');

    // A worker cannot produce it; a stranger cannot find the person.
    expect(
      codes(
        await api.graphql('query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { document } }', {
          token: w.worker.token,
          variables: { c: w.client },
        }),
      ),
    ).toEqual(['FORBIDDEN']);
  });
});
