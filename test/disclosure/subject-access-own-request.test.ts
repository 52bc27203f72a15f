import { oneMonthAfter } from '@confide/store';
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
import { serviceUserToken } from '../support/records-fixtures';
import { testApi } from '../support/test-api';
import { EXPORT, REQUEST, today } from './subject-access-fixtures';

/**
 * Issue 15, item 9. Carers Trust 2.2: "each service user has the right to view all information the organisation
 * holds about them" — their export names who received their information (the disclosures they were told of) and
 * the agencies their consents name; it answers their request, by id, with its one-month deadline; and the person
 * can look their own requests up later.
 */

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`;
const OWN_REQUESTS = '{ mySubjectAccessRequests { id receivedOn deadline status overdue } }';

interface ExportDocument {
  consents: { scope: string; agencyName?: string }[];
  disclosures: { kind: string; recipient?: string }[];
}

async function world() {
  const api = testApi();
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  const someoneElse = await registerServiceUser(api, manager, serviceId, { name: 'Grace Hopper-Canary' });
  await allocate(api, manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
  return { api, org, manager, worker, client, someoneElse, note };
}

describe('the person’s own subject access', () => {
  it('names the recipients of disclosures they were told of and the agencies of their consents', async () => {
    // Prepare
    const w = await world();
    expectNoErrors(
      await w.api.graphql(
        'mutation ($id: ID!) { recordConsent(input: { serviceUserId: $id, scope: NAMED_AGENCY, agencyName: "Riverside GP Surgery", method: SIGNED_FORM, givenBy: CLIENT }) { id } }',
        { token: w.manager.token, variables: { id: w.client } },
      ),
    );
    const received = await w.api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
      token: w.manager.token,
      variables: {
        input: {
          serviceUserId: w.client,
          requesterOrganisation: 'Northshire Ambulance Service',
          requesterContact: 'Control room',
          purpose: 'Emergency attendance',
          legalBasis: 'VITAL_INTERESTS',
          itemIds: [w.note],
          receivedOn: today(),
          identityCheck: 'KNOWN_CONTACT',
        },
      },
    });
    expectNoErrors(received);
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
    expectNoErrors(
      await w.api.graphql(
        'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Life at risk") { kind } }',
        { token: w.manager.token, variables: { c: w.client, r: requestId } },
      ),
    );
    expectNoErrors(
      await w.api.graphql(
        'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }',
        {
          token: w.manager.token,
          variables: {
            input: { serviceUserId: w.client, requestId, itemIds: [w.note], method: 'SECURE_EMAIL' },
          },
        },
      ),
    );
    expectNoErrors(
      await w.api.graphql(
        'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { kind } }',
        {
          token: w.worker.token,
          variables: {
            input: {
              serviceUserId: w.client,
              recipient: 'Westshire Police',
              legalBasis: 'PREVENTION_OF_SERIOUS_CRIME',
              reasoning: 'Duty to share',
              itemIds: [w.note],
              clientInformed: true,
            },
          },
        },
      ),
    );
    const token = await serviceUserToken(w.api, w.org.orgId, w.client);

    // Act
    const exported = await w.api.graphql<{ subjectAccessExport: { document: string } }>(EXPORT, {
      token,
      variables: { c: w.client },
    });

    // Assess
    expectNoErrors(exported);
    const document = JSON.parse(exported.data?.subjectAccessExport.document ?? '{}') as ExportDocument;
    expect(document.consents).toEqual([
      expect.objectContaining({ scope: 'NAMED_AGENCY', agencyName: 'Riverside GP Surgery' }),
    ]);
    const recipients = new Set(document.disclosures.map((entry) => entry.recipient));
    expect(recipients).toContain('Northshire Ambulance Service');
    expect(recipients).toContain('Westshire Police');
    expect(
      document.disclosures.filter((entry) => entry.kind === 'RELEASED').map((entry) => entry.recipient),
    ).toEqual(['Northshire Ambulance Service']);
  });

  it('answers the person’s request by id with its deadline, and lets them look up their own requests only', async () => {
    // Prepare
    const w = await world();
    const token = await serviceUserToken(w.api, w.org.orgId, w.client);
    // Received as the person makes it: another date is refused, and the register's deadline runs from today
    const backdated = await w.api.graphql(REQUEST, { token, variables: { c: w.client, on: '2026-01-31' } });
    const opened = await w.api.graphql<{ requestSubjectAccess: { id: string } }>(REQUEST, {
      token,
      variables: { c: w.client, on: today() },
    });
    expectNoErrors(opened);
    const requestId = opened.data?.requestSubjectAccess.id;
    const othersToken = await serviceUserToken(w.api, w.org.orgId, w.someoneElse);
    expectNoErrors(
      await w.api.graphql(REQUEST, { token: othersToken, variables: { c: w.someoneElse, on: today() } }),
    );

    // Act
    const exported = await w.api.graphql<{
      subjectAccessExport: { requestId: string | null; deadline: string | null };
    }>('query ($c: ID!) { subjectAccessExport(serviceUserId: $c) { requestId deadline } }', {
      token,
      variables: { c: w.client },
    });
    const own = await w.api.graphql<{
      mySubjectAccessRequests: { id: string; receivedOn: string; deadline: string; status: string }[];
    }>(OWN_REQUESTS, { token });
    const byStaff = await w.api.graphql(OWN_REQUESTS, { token: w.manager.token });

    // Assess
    expectNoErrors(exported);
    expect(codes(backdated)).toEqual(['BAD_USER_INPUT']);
    expect(backdated.errors?.[0]?.extensions?.field).toEqual(['receivedOn']);
    expect(exported.data?.subjectAccessExport).toEqual({ requestId, deadline: oneMonthAfter(today()) });
    expectNoErrors(own);
    expect(own.data?.mySubjectAccessRequests).toEqual([
      expect.objectContaining({
        id: requestId,
        receivedOn: today(),
        deadline: oneMonthAfter(today()),
        status: 'OPEN',
      }),
    ]);
    expect(codes(byStaff)).toEqual(['FORBIDDEN']);
  });
});
