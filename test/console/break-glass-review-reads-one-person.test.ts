import { beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceWithManager,
  expectNoErrors,
  type Person,
  registerServiceUser,
} from '../support/care-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * The break-glass review screen shows one review. It read pages of the list with each review's detail to find it,
 * and each detail is its person's CONSENT data whose read is recorded against them (decision 0152): one visit put a
 * read in the access log of everyone with a review. In headless Chromium against the local stack, through the api
 * that runs registered documents only.
 */

const suite = new ConsoleSuite('One break-glass review charity');
const { api, person, token, freshPage, signInAt } = suite;

let manager: Person;
const shown = { person: '', reviewId: '' };
const other = { person: '', reviewId: '' };

const ACCESS_LOG = `query ($id: ID!) { accessLog(serviceUserId: $id, first: 100) { edges { node {
  operation fields actor { staffId }
} } } }`;

beforeAll(async () => {
  // Prepare: two people of the service, on each of whom a support worker with no relationship broke the glass
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  manager = own.manager;
  await Promise.all([person('guardian', ['CALDICOTT_GUARDIAN']), person('ig', ['IG_LEAD'])]);
  for (const [review, detail] of [
    [shown, 'Collapsed at the day centre'],
    [other, 'Fell on the stairs at home'],
  ] as const) {
    review.person = await registerServiceUser(api, own.manager, own.serviceId);
    const opener = await person(`opener-${review === shown ? 'a' : 'b'}`, ['SUPPORT_WORKER']);
    const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
      'mutation ($c: ID!, $d: String!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: $d) { id } }',
      { token: opener.token, variables: { c: review.person, d: detail } },
    );
    expectNoErrors(opened);
    review.reviewId = opened.data?.openEmergencyAccess.id ?? '';
  }
  await suite.serve();
});

/** Who read the detail of the person's review, and in which operation, from their access log (read by the IG lead). */
async function detailReadsOf(serviceUserId: string) {
  const log = await api.graphql<{
    accessLog: { edges: { node: { operation: string; fields: string[]; actor: { staffId: string } } }[] };
  }>(ACCESS_LOG, { token: token('ig'), variables: { id: serviceUserId } });
  expectNoErrors(log);
  return (log.data?.accessLog.edges ?? [])
    .map(({ node }) => node)
    .filter((event) => event.fields.includes('EmergencyAccessReview.detail'))
    .map(({ operation, actor }) => ({ operation, staffId: actor.staffId }));
}

describe('the break-glass review screen', () => {
  it('reads the detail of the review it shows, and of no other person’s', async () => {
    // Act
    const { page, close } = await freshPage();
    await signInAt(
      page,
      'guardian',
      `/break-glass/${encodeURIComponent(shown.reviewId)}`,
      'Break-glass review',
    );
    await settled(page);

    // Assess: the review, with what was said; one read of its detail, against its person only
    const facts = await page.locator('.facts').innerText();
    expect(facts).toMatch(/What they said\s+Collapsed at the day centre/);
    await expectAccessible(page, 'break-glass-review-one-person');
    await close();
    expect(await detailReadsOf(other.person)).toEqual([]);
    expect(await detailReadsOf(shown.person)).toEqual([
      { operation: 'emergencyAccessReview', staffId: suite.who('guardian').globalId },
    ]);
  });

  it('tells a reader a review is not theirs to see, and reads no detail for them', async () => {
    // Prepare: an IG lead who is a friend of the person whose review they open
    const conflicted = await person('conflicted-ig', ['IG_LEAD']);
    expectNoErrors(
      await api.graphql(
        'mutation ($c: ID!, $s: ID!) { declareConflict(serviceUserId: $c, staffId: $s, connection: FRIEND) }',
        { token: manager.token, variables: { c: other.person, s: conflicted.globalId } },
      ),
    );

    // Act
    const { page, close } = await freshPage();
    await signInAt(
      page,
      'conflicted-ig',
      `/break-glass/${encodeURIComponent(other.reviewId)}`,
      'Break-glass review',
    );
    await settled(page);

    // Assess: nothing of either review read by them
    const main = await page.locator('main').innerText();
    expect(main).toContain('This review is not one of yours to see.');
    expect(main).not.toContain('Fell on the stairs');
    await expectAccessible(page, 'break-glass-review-not-theirs');
    await close();
    const theirs = ({ staffId }: { staffId: string }) => staffId === conflicted.globalId;
    expect((await detailReadsOf(other.person)).filter(theirs)).toEqual([]);
    expect((await detailReadsOf(shown.person)).filter(theirs)).toEqual([]);
  });
});
