import { describe, expect, it } from 'vitest';
import { expectNoErrors, recordNote } from '../support/care-fixtures';
import { partnerWorld, receiveAndApprove, releaseToPartner } from './partner-release-support';

/**
 * ACCESS-MODEL.md, Sealed items: a note sealed at the person's request is readable only by the staff they named and
 * by themself; a partner's grant never lowers that floor (packages/access decide.ts: "a sealed item must be unsealed
 * before it can be released"), and a handover or meeting note opens only to its distribution list. So a release to a
 * partner app of such a note gives the partner nothing while the register records it as released, with a digest
 * and a grant. It is refused instead, and nothing is recorded.
 */

const world = () => partnerWorld('County Council');
type World = Awaited<ReturnType<typeof world>>;

async function registerKinds(w: World, requestId: string): Promise<string[]> {
  const register = await w.api.graphql<{
    serviceUser: { disclosureRegister: { requestId: string; kind: string }[] };
  }>('query ($id: ID!) { serviceUser(id: $id) { disclosureRegister { requestId kind } } }', {
    token: w.manager.token,
    variables: { id: w.client },
  });
  expectNoErrors(register);
  return (register.data?.serviceUser.disclosureRegister ?? [])
    .filter((e) => e.requestId === requestId)
    .map((e) => e.kind);
}

describe('a release to a partner app', () => {
  it('refuses a note the person sealed, which the partner could never read, and records no release', async () => {
    const w = await world();
    const sealed = await recordNote(
      w.api,
      w.worker,
      w.client,
      'DAILY_SUPPORT',
      'Told me about the debt; keep it between us.',
      {
        sealedFor: [w.worker.globalId],
      },
    );
    const requestId = await receiveAndApprove(w, [sealed]);

    const released = await releaseToPartner(w, requestId, [sealed]);
    const partner = await w.api.graphql('{ releasedToMe { id ... on CareNote { body } } }', {
      token: w.partnerToken,
    });

    expect(released.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(partner.errors ?? []).toEqual([]);
    expect(await registerKinds(w, requestId)).toEqual(['RECEIVED', 'APPROVED']);
  });
});
