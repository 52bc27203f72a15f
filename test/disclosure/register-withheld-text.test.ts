import { describe, expect, it } from 'vitest';
import { allocatedPerson, codes, expectNoErrors, recordNote } from '../support/care-fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';
import { receiveRequest } from './disclosure-support';

/**
 * ACCESS-MODEL.md Principals: the person "may see what is held about them, except items withheld under a recorded
 * exemption (for example where disclosure would put someone at serious risk)"; register-items.test.ts: the person is
 * not shown a withheld note, "not even its kind and date". A release's redactions are phrases of the released
 * notes' text, and `itemIds` names the notes: neither may give a withheld note away to the person reading their own
 * register.
 */

/** A police request for `itemIds`, received, approved and released by secure email with `redaction` taken out. */
async function releasedToPolice(
  api: TestApi,
  manager: { token: string },
  person: string,
  itemIds: readonly string[],
  redaction: string,
): Promise<void> {
  const requestId = await receiveRequest(api, manager.token, person, {
    requesterOrganisation: 'County Police',
    requesterContact: 'Public protection unit',
    purpose: 'Police enquiry.',
    itemIds,
    receivedOn: new Date().toISOString().slice(0, 10),
    identityCheck: 'KNOWN_CONTACT',
  });
  expectNoErrors(
    await api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Risk of harm") { kind } }',
      { token: manager.token, variables: { c: person, r: requestId } },
    ),
  );
  expectNoErrors(
    await api.graphql(
      'mutation ($input: ReleaseDisclosureInput!) { releaseDisclosure(input: $input) { kind } }',
      {
        token: manager.token,
        variables: {
          input: {
            serviceUserId: person,
            requestId,
            itemIds,
            redactions: [redaction],
            method: 'SECURE_EMAIL',
          },
        },
      },
    ),
  );
}

describe('the person’s own disclosure register', () => {
  it('does not show them the redacted phrases, or the id, of a note withheld from them', async () => {
    const api = testApi();
    const { org, manager, worker, client: person } = await allocatedPerson(api);
    const care = await recordNote(api, worker, person, 'DAILY_SUPPORT', 'Went to the library.');
    const withheld = await recordNote(
      api,
      worker,
      person,
      'DAILY_SUPPORT',
      'Her neighbour Sandra Okafor reported the bruising and fears reprisal.',
      { withheldFromSubject: true, withholdingExemption: 'THIRD_PARTY' },
    );
    await releasedToPolice(api, manager, person, [care, withheld], 'Sandra Okafor');
    const withheldRawId = Buffer.from(withheld, 'base64').toString().split('.').at(-1) ?? '';
    expect(withheldRawId).not.toBe('');

    const asPerson = await api.graphql<{ serviceUser: { disclosureRegister: unknown[] } }>(
      'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { kind itemIds redactions items { id } } } }',
      { token: await serviceUserToken(api, org.orgId, person), variables: { id: person } },
    );
    expectNoErrors(asPerson);
    const seen = JSON.stringify(asPerson.data?.serviceUser.disclosureRegister);
    expect(seen).toContain('RELEASED');
    expect(seen).not.toContain('Okafor');
    expect(seen).not.toContain(withheldRawId);
  });

  it('answers the person reading a withheld note by its id as a note that is not there, not even its kind and date', async () => {
    // Prepare: a note withheld from the person, and the id of one nobody wrote
    const api = testApi();
    const { org, worker, client: person } = await allocatedPerson(api);
    const withheld = await recordNote(api, worker, person, 'MEDICAL', 'Third-party information.', {
      withheldFromSubject: true,
      withholdingExemption: 'THIRD_PARTY',
    });
    const [, ids] = Buffer.from(withheld, 'base64').toString().split(':');
    const madeUp = Buffer.from(`HealthNote:${ids?.split('.')[0]}.nte_aaaaaaaaaaaaaaaaaaaaaaaaaa`).toString(
      'base64',
    );
    const token = await serviceUserToken(api, org.orgId, person);
    const read = (id: string) =>
      api.graphql<{ caseNote: Record<string, unknown> | null }>(
        'query ($id: ID!) { caseNote(id: $id) { id kind recordedAt authorId ... on HealthNote { body } } }',
        { token, variables: { id } },
      );

    // Act
    const [hidden, missing] = await Promise.all([read(withheld), read(madeUp)]);

    // Assess: the same answer for both
    expect(hidden.data?.caseNote ?? null).toBeNull();
    expect(hidden.data).toEqual(missing.data);
    expect(hidden.errors?.map((error) => [error.extensions?.code, error.message])).toEqual(
      missing.errors?.map((error) => [error.extensions?.code, error.message]),
    );
    expect(codes(hidden)).toEqual(['NOT_FOUND']);
  });

  it('does not show staff the phrases redacted from a note whose text they may not read', async () => {
    // Prepare: a safeguarding concern the allocated worker wrote (SAFEGUARDING: they write it, never read it back),
    // released by the manager with the abuser's name redacted.
    const api = testApi();
    const { manager, worker, client: person } = await allocatedPerson(api);
    const concern = await recordNote(
      api,
      worker,
      person,
      'SAFEGUARDING_CONCERN',
      'Disclosed that her nephew Marcus Vell takes her pension.',
    );
    await releasedToPolice(api, manager, person, [concern], 'Marcus Vell');
    const REGISTER = 'query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { kind redactions } } }';

    // Act
    const asWorker = await api.graphql<{
      serviceUser: { disclosureRegister: { kind: string; redactions: string | null }[] };
    }>(REGISTER, { token: worker.token, variables: { id: person } });
    const asManager = await api.graphql<{
      serviceUser: { disclosureRegister: { kind: string; redactions: string | null }[] };
    }>(REGISTER, { token: manager.token, variables: { id: person } });

    // Assess: the worker sees the release, not the phrase; the manager, who reads the concern, sees both
    expectNoErrors(asWorker);
    const released = (result: typeof asWorker) =>
      result.data?.serviceUser.disclosureRegister.find((entry) => entry.kind === 'RELEASED');
    expect(released(asWorker)).toEqual({ kind: 'RELEASED', redactions: null });
    expect(JSON.stringify(asWorker.data)).not.toContain('Vell');
    expectNoErrors(asManager);
    expect(released(asManager)).toEqual({ kind: 'RELEASED', redactions: 'Marcus Vell' });
  });
});
