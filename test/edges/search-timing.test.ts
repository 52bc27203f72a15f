import { beforeAll, describe, expect, it } from 'vitest';
import { ADA, expectNoErrors, type Person, registerServiceUser } from '../support/care-fixtures';
import { addStaff } from '../support/fixtures';
import { countedRequests, type ServiceWorld, serviceWorld } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * Issue 17 item 3: a search must not tell a caller who may not see a person whether that person is a client
 * (Lets connect 4.3 forbids confirming attendance). For an HR officer and a volunteer, an NHS number of a hidden
 * client and an NHS number of nobody cost the same storage calls and get the same answer.
 */

const HIDDEN_NHS = '4010232137';
/** Valid check digit, held by nobody in this fresh organisation. */
const NOBODYS_NHS = '9876543210';

const SEARCH = 'query ($nhs: String) { searchServiceUsers(nhsNumber: $nhs) { id name } }';

describe('searchServiceUsers takes the same work for a hidden client and for nobody', () => {
  const api = testApi();
  let world: ServiceWorld & { hr: Person; volunteer: Person };

  beforeAll(async () => {
    const base = await serviceWorld(api);
    await registerServiceUser(api, base.manager, base.serviceId, { ...ADA, nhsNumber: HIDDEN_NHS });
    const [hr, volunteer] = await Promise.all([
      addStaff(api, base.org, ['HR_OFFICER']),
      addStaff(api, base.org, ['VOLUNTEER']),
    ]);
    world = { ...base, hr, volunteer };
  });

  it.each(['hr', 'volunteer'] as const)('for the %s', async (who) => {
    const token = world[who].token;
    // Warm the caches every search fills anyway (JWKS, branch and beacon keys).
    expectNoErrors(await api.graphql(SEARCH, { token, variables: { nhs: NOBODYS_NHS } }));

    const hidden = await countedRequests(api, () =>
      api.graphql(SEARCH, { token, variables: { nhs: HIDDEN_NHS } }),
    );
    const nobody = await countedRequests(api, () =>
      api.graphql(SEARCH, { token, variables: { nhs: NOBODYS_NHS } }),
    );

    expectNoErrors(hidden.result);
    expect(hidden.result.text).toBe(nobody.result.text);
    expect(hidden.result.data).toEqual({ searchServiceUsers: [] });
    expect(hidden.counts).toEqual(nobody.counts);
  });

  it('still finds the client for their service’s manager', async () => {
    const result = await api.graphql<{ searchServiceUsers: { name: string }[] }>(SEARCH, {
      token: world.manager.token,
      variables: { nhs: HIDDEN_NHS },
    });
    expectNoErrors(result);
    expect(result.data?.searchServiceUsers.map((found) => found.name)).toEqual([ADA.name]);
  });
});
