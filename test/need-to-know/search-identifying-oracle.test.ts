import { beforeAll, describe, expect, it } from 'vitest';
import { ADA, codes, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * A search by NHS number, postcode or name compares those IDENTIFYING values server-side: a hit tells the caller
 * that the person with that name or NHS number is this client (and links it to the pseudonymous reference). So
 * a search may return a client only to a caller who may read the client's IDENTIFYING fields (ACCESS-MODEL.md:
 * CALDICOTT_GUARDIAN and IG_LEAD read PSEUDONYMOUS and CONSENT only; QA_REVIEW reads IDENTIFYING only with a
 * stated purpose, J).
 */

const SEARCH = `query ($nhs: String, $postcode: String, $name: String) {
  searchServiceUsers(nhsNumber: $nhs, postcode: $postcode, name: $name) { id reference }
}`;
const SEARCH_CONNECTION = `query ($nhs: String, $postcode: String, $name: String) {
  searchServiceUsersConnection(nhsNumber: $nhs, postcode: $postcode, name: $name) { edges { node { id reference } } }
}`;

type Found = { searchServiceUsers: { id: string; reference: string | null }[] };
type FoundConnection = {
  searchServiceUsersConnection: { edges: { node: { id: string; reference: string | null } }[] };
};

describe('a search never matches on IDENTIFYING values the caller may not read', () => {
  const api = testApi();
  let world: ServiceWorld & { client: string; guardian: Person; ig: Person; qa: Person };

  beforeAll(async () => {
    const base = await serviceWorld(api);
    const client = await registerServiceUser(api, base.manager, base.serviceId);
    const [guardian, ig, qa] = await Promise.all([
      addStaff(api, base.org, ['CALDICOTT_GUARDIAN']),
      addStaff(api, base.org, ['IG_LEAD']),
      addStaff(api, base.org, ['TEAM_LEADER']),
    ]);
    const assigned = await api.graphql(
      `mutation ($s: ID!, $t: ID!, $from: DateTime!, $to: DateTime!) {
        assignQaReview(serviceId: $s, staffId: $t, from: $from, to: $to) { id }
      }`,
      {
        token: base.manager.token,
        variables: {
          s: base.serviceId,
          t: qa.globalId,
          from: new Date(Date.now() - 60_000).toISOString(),
          to: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
        },
      },
    );
    expectNoErrors(assigned);
    world = { ...base, client, guardian, ig, qa };
  });

  it.each([
    ['Caldicott Guardian', 'guardian'],
    ['IG lead', 'ig'],
  ] as const)('the %s, who may not read the name, cannot find the client by it', async (_who, role) => {
    const token = world[role].token;
    // The client is visible to them, but its IDENTIFYING fields are refused.
    const read = await api.graphql<{ serviceUser: { reference: string | null; name: string | null } }>(
      'query ($id: ID!) { serviceUser(id: $id) { reference name } }',
      { token, variables: { id: world.client } },
    );
    expect(read.data?.serviceUser.reference).not.toBeNull();
    expect(read.data?.serviceUser.name).toBeNull();
    expect(codes(read)).toEqual(['FORBIDDEN']);

    for (const variables of [{ nhs: ADA.nhsNumber }, { name: 'Lovelace' }, { postcode: ADA.postcode }]) {
      const found = await api.graphql<Found>(SEARCH, { token, variables });
      expectNoErrors(found);
      expect(found.data?.searchServiceUsers, JSON.stringify(variables)).toEqual([]);
      const paged = await api.graphql<FoundConnection>(SEARCH_CONNECTION, { token, variables });
      expectNoErrors(paged);
      expect(paged.data?.searchServiceUsersConnection.edges, JSON.stringify(variables)).toEqual([]);
    }
  });

  it('a team leader on QA review (J on IDENTIFYING) finds the client only with a stated purpose', async () => {
    const token = world.qa.token;
    const read = await api.graphql<{ serviceUser: { name: string | null } }>(
      'query ($id: ID!) { serviceUser(id: $id) { name } }',
      { token, variables: { id: world.client } },
    );
    expect(codes(read)).toEqual(['JUSTIFICATION_REQUIRED']);

    const unjustified = await api.graphql<Found>(SEARCH, { token, variables: { nhs: ADA.nhsNumber } });
    expectNoErrors(unjustified);
    expect(unjustified.data?.searchServiceUsers).toEqual([]);

    const justified = await api.graphql<Found>(SEARCH, {
      token,
      variables: { nhs: ADA.nhsNumber },
      headers: { 'x-access-purpose': 'QA check of the referral record' },
    });
    expectNoErrors(justified);
    expect(justified.data?.searchServiceUsers.map((found) => found.id)).toEqual([world.client]);
  });

  it('the service manager (R on IDENTIFYING) still finds the client', async () => {
    const found = await api.graphql<Found>(SEARCH, {
      token: world.manager.token,
      variables: { nhs: ADA.nhsNumber },
    });
    expectNoErrors(found);
    expect(found.data?.searchServiceUsers.map((entry) => entry.id)).toEqual([world.client]);
  });
});
