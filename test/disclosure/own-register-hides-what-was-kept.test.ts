import { describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { type Connection, cursorsNaming, pagesOf, walk } from '../support/cursor-walk';
import { addStaff, onboardTestOrganisation } from '../support/fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import { testApi } from '../support/test-api';

/**
 * A person reading their own disclosure register is not shown an exceptional disclosure they were not told of
 * "because telling them would increase risk" (disclosureRegisterConnection's description). Its cursors named the
 * hidden request, and `hasNextPage` promised a page that turned out empty when only such a disclosure followed. Cursors
 * are now sealed, and the page looks past itself for something the person may see (decision 0086). Paged at any size
 * it must still give every entry the person may see exactly once, and no cursor of it continues another's register.
 */

const api = testApi();

const RECORD = `mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }`;
const REGISTER = `query ($id: ID!, $first: Int, $after: String) { serviceUser(id: $id) {
  disclosureRegisterConnection(first: $first, after: $after) { edges { cursor node { requestId kind } } pageInfo { hasNextPage endCursor } } } }`;

type Entry = { requestId: string; kind: string };
const PLAIN = `query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind } } }`;

const pick = (data: unknown) =>
  (data as { serviceUser: { disclosureRegisterConnection: Connection<Entry> } }).serviceUser
    .disclosureRegisterConnection;

async function scene() {
  const org = await onboardTestOrganisation(api);
  const { serviceId, manager } = await createServiceWithManager(api, org);
  const worker = await addStaff(api, org, ['SUPPORT_WORKER']);
  const client = await registerServiceUser(api, manager, serviceId);
  await allocate(api, manager, client, worker);
  const note = await recordNote(
    api,
    worker,
    client,
    'SAFEGUARDING_CONCERN',
    'Said he would hurt the neighbour.',
  );
  const person = await serviceUserToken(api, org.orgId, client);
  return { org, manager, serviceId, worker, client, note, person };
}

async function disclose(by: Person, client: string, note: string, informed: boolean): Promise<string> {
  const result = await api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(RECORD, {
    token: by.token,
    variables: {
      input: {
        serviceUserId: client,
        recipient: 'PC Smith, neighbourhood team',
        legalBasis: 'SAFEGUARDING',
        reasoning: 'Threats to a neighbour overheard during the visit',
        itemIds: [note],
        clientInformed: informed,
        ...(informed ? {} : { reasonNotInformed: 'Telling him would put the neighbour at risk' }),
      },
    },
  });
  expectNoErrors(result);
  return result.data?.recordExceptionalDisclosure.requestId ?? '';
}

describe('the person’s own disclosureRegisterConnection', () => {
  it('names no disclosure the person was not told of in any cursor, and gives no next page for them alone', async () => {
    // Prepare: six disclosures the person was not told of (telling would increase risk), none they were told of
    const { worker, client, note, person } = await scene();
    const untold: string[] = [];
    for (let index = 0; index < 6; index += 1) untold.push(await disclose(worker, client, note, false));

    // Act: the person pages their own register, one at a time
    const walked = await walk(api, REGISTER, pick, person, { id: client }, 1);

    // Assess: as the deprecated list, nothing; and nothing to continue, naming no untold request
    expect(cursorsNaming(walked, untold)).toEqual([]);
    expect(walked.pages).toEqual([{ edges: [], pageInfo: { hasNextPage: false, endCursor: null } }]);
  });

  it('does not promise a next page when only a disclosure the person was not told of follows', async () => {
    // Prepare: one disclosure the person was told of, one they were not
    const { worker, client, note, person } = await scene();
    const told = await disclose(worker, client, note, true);
    const untold = await disclose(worker, client, note, false);

    // Act
    const walked = await walk(api, REGISTER, pick, person, { id: client }, 1);

    // Assess: one page with the told disclosure and no promise of more (an empty page after `hasNextPage: true`
    // tells the person there is an entry of their register hidden from them)
    expect(cursorsNaming(walked, [untold])).toEqual([]);
    expect(pagesOf(walked, (entry) => entry.requestId)).toEqual([[told]]);
  });

  it('returns every entry the person may see exactly once, in order, at first 1, 2 and 3', async () => {
    const { worker, client, note, person } = await scene();
    const pattern = [true, false, false, true, true, false, true, false, true, false, false, false, true];
    for (const informed of pattern) await disclose(worker, client, note, informed);
    const plain = await api.graphql<{ serviceUser: { disclosureRegister: Entry[] } }>(PLAIN, {
      token: person,
      variables: { id: client },
    });
    expectNoErrors(plain);
    const expected = (plain.data?.serviceUser.disclosureRegister ?? []).map(
      (e) => `${e.requestId}/${e.kind}`,
    );
    expect(expected.length).toBeGreaterThanOrEqual(6);

    for (const first of [1, 2, 3]) {
      const walked = await walk(api, REGISTER, pick, person, { id: client }, first);
      const seen = walked.pages.flatMap((page) =>
        page.edges.map((e) => `${e.node.requestId}/${e.node.kind}`),
      );
      expect([...seen].sort(), `first ${first}`).toEqual([...expected].sort());
      expect(walked.pages.at(-1)?.edges.length, `first ${first}: no empty last page`).toBeGreaterThan(0);
    }
  });

  it('refuses a cursor of one person’s register on another’s', async () => {
    const { manager, serviceId, worker, client, note } = await scene();
    const other = await registerServiceUser(api, manager, serviceId);
    await allocate(api, manager, other, worker);
    for (let index = 0; index < 3; index += 1) await disclose(worker, client, note, true);
    const page = await api.graphql(REGISTER, { token: worker.token, variables: { id: client, first: 1 } });
    expectNoErrors(page);
    const cursor = pick(page.data).pageInfo.endCursor;

    const elsewhere = await api.graphql(REGISTER, {
      token: worker.token,
      variables: { id: other, first: 1, after: cursor },
    });

    expect(codes(elsewhere)).toEqual(['BAD_USER_INPUT']);
  });
});
