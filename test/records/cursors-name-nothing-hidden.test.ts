import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { type Connection, cursorsNaming, pagesOf, walk } from '../support/cursor-walk';
import { addStaff, localIdOf, onboardTestOrganisation } from '../support/fixtures';
import { testApi } from '../support/test-api';

/**
 * Lists about one person that leave out what the caller may not know of: a supervision case's notes (sealed notes
 * are "never shown or hinted at", ServiceUser.latestNote) and a partner's view of its own referrals (a reference and
 * whether an appointment is booked; "Nothing else"). Their cursors carried the store's keys: a sealed note's id, and
 * for the partner the person's own id, which partners are never given. Cursors are now sealed (decision 0086).
 */

const api = testApi();

const SUPERVISION = `query ($id: ID!, $first: Int, $after: String) { supervisionCase(serviceUserId: $id) {
  notesConnection(first: $first, after: $after) { edges { cursor node { recordedAt } } pageInfo { hasNextPage endCursor } } } }`;
const NOTES = 'query ($id: ID!) { serviceUser(id: $id) { notes(first: 100) { edges { node { id } } } } }';

describe('SupervisionCase.notesConnection', () => {
  it('names no sealed note in a cursor, and promises no page of sealed notes only', async () => {
    // Prepare: a person with one ordinary note and six notes sealed for their worker alone
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
    const client = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, client, worker);
    await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
    const sealed: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const note = await recordNote(
        api,
        worker,
        client,
        'DAILY_SUPPORT',
        `Only my worker reads this (${index}).`,
        {
          sealedFor: [worker.globalId],
        },
      );
      sealed.push(localIdOf(note).split('.')[1] ?? '');
    }
    // The manager's own list of the person's notes shows no sealed note at all
    const listed = await api.graphql<{ serviceUser: { notes: { edges: unknown[] } } }>(NOTES, {
      token: manager.token,
      variables: { id: client },
    });
    expectNoErrors(listed);
    expect(listed.data?.serviceUser.notes.edges).toHaveLength(1);
    const pick = (data: unknown) =>
      (data as { supervisionCase: { notesConnection: Connection<{ recordedAt: string }> } }).supervisionCase
        .notesConnection;

    // Act: the manager pages the case in supervision, one note at a time
    const walked = await walk(api, SUPERVISION, pick, manager.token, { id: client }, 1);

    // Assess: the one ordinary note, on one page; no cursor naming a sealed note
    expect(cursorsNaming(walked, sealed)).toEqual([]);
    expect(pagesOf(walked, () => 'note')).toEqual([['note']]);
  });
});

describe('myReferralsConnection', () => {
  it('gives the referring partner no id of the person referred in its cursors', async () => {
    // Prepare: a partner agency refers a person twice
    const org = await onboardTestOrganisation(api);
    const { serviceId, manager } = await createServiceWithManager(api, org);
    const client = await registerServiceUser(api, manager, serviceId);
    const partnerClient = `pa-${randomBytes(4).toString('hex')}`;
    const registered = await api.graphql<{ registerPartnerAgency: { id: string } }>(
      'mutation ($c: String!) { registerPartnerAgency(name: "Community mental health team", clientId: $c) { id } }',
      { token: org.adminToken, variables: { c: partnerClient } },
    );
    expectNoErrors(registered);
    for (let n = 0; n < 2; n += 1) {
      expectNoErrors(
        await api.graphql(
          'mutation ($input: RecordReferralInput!) { recordReferral(input: $input) { id } }',
          {
            token: manager.token,
            variables: {
              input: {
                serviceUserId: client,
                partnerId: registered.data?.registerPartnerAgency.id,
                referrerReference: `CMHT/${n}/${randomBytes(3).toString('hex')}`,
                receivedOn: new Date().toISOString().slice(0, 10),
              },
            },
          },
        ),
      );
    }
    const partner = await api.token({ sub: partnerClient, client_id: partnerClient, org_id: org.orgId });
    const query = `query ($first: Int, $after: String) { myReferralsConnection(first: $first, after: $after) {
      edges { cursor node { reference appointmentBooked } } pageInfo { hasNextPage endCursor } } }`;
    const pick = (data: unknown) =>
      (data as { myReferralsConnection: Connection<{ reference: string }> }).myReferralsConnection;

    // Act
    const walked = await walk(api, query, pick, partner, {}, 1);

    // Assess: both referrals, and no cursor carrying Confide's id of the person (never given to a partner)
    expect(pagesOf(walked, (node) => node.reference).flat()).toHaveLength(2);
    expect(cursorsNaming(walked, [localIdOf(client)])).toEqual([]);
  });
});
