import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { partnerOf, recordReferral } from '../retention/person-work-fixtures';
import {
  closeCase,
  closeLocalRetentions,
  eraseWithApproval,
  outlive,
  type RetentionWorld,
  retentionApi,
  retentionWorld,
} from '../retention/retention-support';
import { codes, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { interleavingDynamoClient } from '../support/failing-dynamo';
import { addStaff } from '../support/fixtures';
import { attributeStrings, organisationItems } from '../support/records-fixtures';
import { type TestApi, testApi } from '../support/test-api';

/**
 * A partner's reference names one referral (`RecordReferralInput.referrerReference`: "unique per partner"): the
 * referrer asks about its referral by that reference alone. `recordReferral` checked the partner's index for the
 * reference and then wrote, so two recordings at once (a double submission, two staff members entering the same letter)
 * both passed the check and both wrote: the referrer's one reference then named two people's referrals. The reference
 * is now claimed by an item of its own, written in the referral's transaction on condition that no live referral holds
 * it; that item goes with the person's records (dated with them, erased with them), so the reference is free again
 * once they are gone.
 */

const MY_REFERRALS = '{ myReferrals { reference received } }';
const REFERRALS_OF = `query ($id: ID!) { serviceUser(id: $id) {
  referralsConnection(first: 10) { edges { node { id referrerReference } } }
} }`;

async function referralsOf(api: TestApi, world: RetentionWorld, client: string): Promise<string[]> {
  const result = await api.graphql<{
    serviceUser: { referralsConnection: { edges: { node: { referrerReference: string } }[] } };
  }>(REFERRALS_OF, { token: world.manager.token, variables: { id: client } });
  expectNoErrors(result);
  return result.data?.serviceUser.referralsConnection.edges.map((edge) => edge.node.referrerReference) ?? [];
}

const newReference = () => `CMHT/2026/${randomBytes(4).toString('hex')}`;

/** Holds the referral's own write (not its audit event) while `meanwhile` runs. */
function holdingTheReferral(api: TestApi, reference: string, meanwhile: () => Promise<void>) {
  return interleavingDynamoClient(
    api,
    (call) =>
      (call.commandName === 'PutItemCommand' || call.commandName === 'TransactWriteItemsCommand') &&
      JSON.stringify(call.input).includes('REFERRAL#') &&
      JSON.stringify(call.input).includes(reference),
    meanwhile,
  );
}

describe('a partner’s reference names one referral', () => {
  const { api, clock } = retentionApi();
  afterAll(closeLocalRetentions);

  it('two referrals recorded at once with the partner’s same reference: one is recorded, the other answers CONFLICT and writes nothing', async () => {
    // Prepare: two people; the referral of the first is held just before it is written while the same reference is
    // recorded for the second.
    const world = await retentionWorld(api);
    const partner = await partnerOf(api, world);
    const [first, second] = await Promise.all([
      registerServiceUser(api, world.manager, world.serviceId),
      registerServiceUser(api, world.manager, world.serviceId),
    ]);
    const reference = newReference();
    const held = holdingTheReferral(api, reference, async () => {
      expectNoErrors(await recordReferral(api, world, partner, second, reference));
    });

    // Act
    const recorded = await recordReferral(
      testApi({ clock, dynamo: held.client, tables: api.stack.tables }),
      world,
      partner,
      first,
      reference,
    );

    // Assess: the held one lost, and wrote nothing; the referrer's reference names one referral.
    expect(held.interleaved()).toBe(true);
    expect(codes(recorded)).toEqual(['CONFLICT']);
    expect(recorded.data ?? null).toBeNull();
    expect(await referralsOf(api, world, first)).toEqual([]);
    expect(await referralsOf(api, world, second)).toEqual([reference]);
    const mine = await api.graphql<{ myReferrals: { reference: string }[] }>(MY_REFERRALS, {
      token: partner.token,
    });
    expectNoErrors(mine);
    expect(mine.data?.myReferrals.map((referral) => referral.reference)).toEqual([reference]);
  });

  it('the reference is free again once the person’s records have expired', async () => {
    // Prepare: a referral of a person whose case closed, eight years and a day ago.
    const world = await retentionWorld(api);
    const partner = await partnerOf(api, world);
    const [gone, next] = await Promise.all([
      registerServiceUser(api, world.manager, world.serviceId),
      registerServiceUser(api, world.manager, world.serviceId),
    ]);
    const reference = newReference();
    expectNoErrors(await recordReferral(api, world, partner, gone, reference));
    expect(codes(await recordReferral(api, world, partner, next, reference))).toEqual(['CONFLICT']);
    expectNoErrors(await closeCase(api, world.manager, gone));
    outlive(clock);

    // Act: the partner refers someone else under the same reference.
    const recorded = await recordReferral(api, world, partner, next, reference);

    // Assess
    expectNoErrors(recorded);
    expect(await referralsOf(api, world, next)).toEqual([reference]);
  });

  it('a referral recorded while the case closes: its reference goes with the person’s records', async () => {
    // Prepare: the referral is held just before it is written while the manager closes the case (which dates every
    // item of the person it finds).
    const world = await retentionWorld(api);
    const partner = await partnerOf(api, world);
    const [closing, next] = await Promise.all([
      registerServiceUser(api, world.manager, world.serviceId),
      registerServiceUser(api, world.manager, world.serviceId),
    ]);
    const reference = newReference();
    const held = holdingTheReferral(api, reference, async () => {
      expectNoErrors(await closeCase(api, world.manager, closing));
    });
    expectNoErrors(
      await recordReferral(
        testApi({ clock, dynamo: held.client, tables: api.stack.tables }),
        world,
        partner,
        closing,
        reference,
      ),
    );
    expect(held.interleaved()).toBe(true);

    // Act: eight years and a day later, the same reference for someone else.
    outlive(clock);
    const recorded = await recordReferral(api, world, partner, next, reference);

    // Assess
    expectNoErrors(recorded);
    expect(await referralsOf(api, world, next)).toEqual([reference]);
  });

  it('an erased person’s referral leaves no item that names its reference, and the reference is free again', async () => {
    // Prepare
    const world = await retentionWorld(api);
    const [partner, guardian] = await Promise.all([
      partnerOf(api, world),
      addStaff(api, world.org, ['CALDICOTT_GUARDIAN']),
    ]);
    const [erased, next] = await Promise.all([
      registerServiceUser(api, world.manager, world.serviceId),
      registerServiceUser(api, world.manager, world.serviceId),
    ]);
    const reference = newReference();
    expectNoErrors(await recordReferral(api, world, partner, erased, reference));

    // Act: the case closes and the person is erased (two people).
    expectNoErrors(await closeCase(api, world.manager, erased));
    expectNoErrors(await eraseWithApproval(api, world.ig, guardian, erased));

    // Assess: nothing in the organisation's data names the reference; the partner may use it again.
    const items = await organisationItems(api, world.org.orgId);
    const naming = items.filter(({ item }) =>
      Object.values(item).some((value) => attributeStrings(value).some((text) => text.includes(reference))),
    );
    expect(naming).toEqual([]);
    expectNoErrors(await recordReferral(api, world, partner, next, reference));
  });
});
