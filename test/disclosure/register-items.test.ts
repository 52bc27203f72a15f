import { describe, expect, it } from 'vitest';
import { allocatedPerson, expectNoErrors, recordNote } from '../support/care-fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 19, "every id in the schema is a global id of the kind it names": a register entry names its notes as notes
 * (`DisclosureRegisterEntry.items`), whose ids are the global ids `releaseDisclosure` and `recordAuthorAuthority`
 * take, where `itemIds` gave raw ids a client could not use. The person reading their own register is not shown a
 * note withheld from them.
 */

const REGISTER = `query ($id: ID!) { serviceUser(id: $id) { disclosureRegisterConnection(first: 10) { edges { node {
  kind items { id kind } } } } } }`;

describe('a register entry’s notes', () => {
  it('are the notes by global id, as the release takes them; the person is not shown one withheld from them', async () => {
    // Prepare
    const api = testApi();
    const { org, manager, worker, client: person } = await allocatedPerson(api);
    const care = await recordNote(api, worker, person, 'DAILY_SUPPORT', 'Went to the library.');
    const medical = await recordNote(api, worker, person, 'MEDICAL', 'GP review booked.');
    const withheld = await recordNote(api, worker, person, 'DAILY_SUPPORT', 'Third-party information.', {
      withheldFromSubject: true,
      withholdingExemption: 'THIRD_PARTY',
    });
    const itemIds = [care, medical, withheld];
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(
      `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`,
      {
        token: manager.token,
        variables: {
          input: {
            serviceUserId: person,
            requesterOrganisation: 'County Council',
            requesterContact: 'Duty desk',
            purpose: 'Care coordination.',
            legalBasis: 'SAFEGUARDING',
            itemIds,
            receivedOn: new Date().toISOString().slice(0, 10),
            identityCheck: 'KNOWN_CONTACT',
          },
        },
      },
    );
    expectNoErrors(received);
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';

    // Act
    type Register = {
      serviceUser: {
        disclosureRegisterConnection: { edges: { node: { items: { id: string; kind: string }[] } }[] };
      };
    };
    const read = async (token: string) => {
      const result = await api.graphql<Register>(REGISTER, { token, variables: { id: person } });
      expectNoErrors(result);
      return result.data?.serviceUser.disclosureRegisterConnection.edges[0]?.node.items ?? [];
    };
    const asManager = await read(manager.token);
    const asPerson = await read(await serviceUserToken(api, org.orgId, person));

    // Assess: the manager's ids are the notes' own global ids, and the API takes them back
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect([...asManager].sort(byId)).toEqual(
      [
        { id: care, kind: 'DAILY_SUPPORT' },
        { id: medical, kind: 'MEDICAL' },
        { id: withheld, kind: 'DAILY_SUPPORT' },
      ].sort(byId),
    );
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Duty to share.") { kind } }',
        { token: manager.token, variables: { c: person, r: requestId } },
      ),
    );
    const released = await api.graphql<{ releaseDisclosure: { kind: string } }>(
      'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }',
      {
        token: manager.token,
        variables: {
          input: {
            serviceUserId: person,
            requestId,
            itemIds: asManager.map(({ id }) => id),
            method: 'SECURE_EMAIL',
          },
        },
      },
    );
    expectNoErrors(released);
    expect(released.data?.releaseDisclosure.kind).toBe('RELEASED');
    expect(asPerson.map(({ id }) => id).sort()).toEqual([care, medical].sort());
  });
});
