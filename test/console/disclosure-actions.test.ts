import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { createService } from '../support/records-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * Issue 19, "every action the API offers for these roles is available, and what a role may not do is absent": the
 * disclosure register's actions in the console — a request received, its urgency, an author's authority, a release,
 * a correction, an exceptional disclosure, and the consent methods — each driven in headless Chromium to its effect
 * as the API then reads it, through the api that runs registered documents only; and each absent for a role the API
 * refuses. axe-core on every screen; screenshots in test/console/screenshots.
 */

const suite = new ConsoleSuite('Disclosure actions charity');
const { api, token, freshPage, signInAs, signInAt, open } = suite;
const staff = suite.person;
/** A person of the manager's service with two notes: a day's support and a hospital's letter. */
let person = '';
let dailyNote = '';
let letter = '';
/** Another person of the same service, whom the manager records an exceptional disclosure about. */
let sharedWithout = '';
let sharedNote = '';
/** A person of the same service about whom the Guardian records disclosures a manager made. */
let madeByManager = '';
let madeByManagerNote = '';
/** A person of the same service not told of disclosures when they were recorded (telling them would increase risk). */
let toldLater = '';
let toldLaterNote = '';

beforeAll(async () => {
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  suite.list('senior', own.senior, ['ORG_ADMIN', 'SENIOR_MANAGER']);
  await createService(api, { org, ...own }, await staff('other-manager', ['SERVICE_MANAGER']));
  const [worker] = await Promise.all([
    staff('worker', ['SUPPORT_WORKER']),
    staff('ig', ['IG_LEAD']),
    staff('guardian', ['CALDICOTT_GUARDIAN']),
  ]);
  person = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Asked about' });
  sharedWithout = await registerServiceUser(api, own.manager, own.serviceId, {
    name: 'Shared without consent',
  });
  await allocate(api, own.manager, person, worker);
  await allocate(api, own.manager, sharedWithout, worker);
  dailyNote = await recordNote(api, worker, person, 'DAILY_SUPPORT', 'Talked about moving flat.');
  letter = await recordNote(api, worker, person, 'CORRESPONDENCE', 'Discharge letter.', {
    authorOrganisation: 'County hospital',
  });
  sharedNote = await recordNote(api, worker, sharedWithout, 'DAILY_SUPPORT', 'Disclosed a risk to a child.');
  // A second manager of the same service: a review of a disclosure the first made is theirs (decision 0142).
  const secondManager = await staff('second-manager', ['SERVICE_MANAGER']);
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      {
        token: own.senior.token,
        variables: { s: own.serviceId, m: secondManager.globalId },
      },
    ),
  );
  [madeByManager, toldLater] = await Promise.all([
    registerServiceUser(api, own.manager, own.serviceId, { name: 'Disclosed by a manager' }),
    registerServiceUser(api, own.manager, own.serviceId, { name: 'Told later' }),
  ]);
  await allocate(api, own.manager, madeByManager, worker);
  await allocate(api, own.manager, toldLater, worker);
  madeByManagerNote = await recordNote(
    api,
    worker,
    madeByManager,
    'SAFEGUARDING_CONCERN',
    'Threats to a neighbour.',
  );
  toldLaterNote = await recordNote(
    api,
    worker,
    toldLater,
    'SAFEGUARDING_CONCERN',
    'Said he would hurt the neighbour.',
  );
  await suite.serve();
});

interface RegisterEntry {
  requestId: string;
  sequence: number;
  kind: string;
  urgent: boolean | null;
  requesterOrganisation: string | null;
  legalBasis: string | null;
  method: string | null;
  reasoning: string | null;
  recipient: string | null;
  clientInformed: boolean | null;
  toldOn: string | null;
  snapshotDigest: string | null;
  items: { id: string }[];
}

/** The person's register as the API gives it to the service's manager. */
async function registerOf(serviceUserId: string): Promise<RegisterEntry[]> {
  const result = await api.graphql<{
    serviceUser: { disclosureRegisterConnection: { edges: { node: RegisterEntry }[] } };
  }>(
    `query ($id: ID!) { serviceUser(id: $id) { disclosureRegisterConnection(first: 50) { edges { node {
      requestId sequence kind urgent requesterOrganisation legalBasis method reasoning recipient clientInformed toldOn
      snapshotDigest items { id }
    } } } } }`,
    { token: token('manager'), variables: { id: serviceUserId } },
  );
  expectNoErrors(result);
  return result.data?.serviceUser.disclosureRegisterConnection.edges.map(({ node }) => node) ?? [];
}

const requestCard = (page: Page, requestId: string) =>
  page.locator(`section.disclosure-request[data-request-id="${requestId}"]`);

const success = (page: Page, words: RegExp) => page.getByRole('status').filter({ hasText: words }).waitFor();

const TELL = `mutation ($c: ID!, $r: String!, $on: String!, $how: String!) {
  recordDisclosureToldToPerson(serviceUserId: $c, requestId: $r, toldOn: $on, how: $how) { kind } }`;
const RECORD_EXCEPTIONAL = `mutation ($input: ExceptionalDisclosureInput!) {
  recordExceptionalDisclosure(input: $input) { requestId } }`;

/** An exceptional disclosure recorded through the API by the person listed as `handle`; its request id. */
async function discloseWithoutConsent(
  handle: string,
  serviceUserId: string,
  itemId: string,
  change: Record<string, unknown>,
): Promise<string> {
  const result = await api.graphql<{ recordExceptionalDisclosure: { requestId: string } }>(
    RECORD_EXCEPTIONAL,
    {
      token: token(handle),
      variables: {
        input: {
          serviceUserId,
          recipient: 'PC Smith, neighbourhood team',
          legalBasis: 'SAFEGUARDING',
          reasoning: 'Threats to a neighbour overheard during the visit.',
          itemIds: [itemId],
          clientInformed: true,
          ...change,
        },
      },
    },
  );
  expectNoErrors(result);
  return result.data?.recordExceptionalDisclosure.requestId ?? '';
}

interface PendingReview {
  id: string;
  requestId: string;
  status: string;
  outcome: string | null;
  reviewedBy: string | null;
}

/** The review an exceptional disclosure raised, as the Guardian reads it. */
async function reviewOf(requestId: string): Promise<PendingReview | undefined> {
  const result = await api.graphql<{ disclosureReviewsConnection: { edges: { node: PendingReview }[] } }>(
    '{ disclosureReviewsConnection(first: 100) { edges { node { id requestId status outcome reviewedBy } } } }',
    { token: token('guardian') },
  );
  expectNoErrors(result);
  return result.data?.disclosureReviewsConnection.edges
    .map(({ node }) => node)
    .find((review) => review.requestId === requestId);
}

/** The manager was added by the fixtures under a generated handle (staff-…), their name built from it. */
const MANAGER = String.raw`Staff (staff-\w+) \(service manager, \1\)`;
const GUARDIAN = 'Staff guardian (Caldicott Guardian, guardian)';
const escaped = (words: string) => words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A date as the console writes it: "7 Dec 2026". */
const dateShown = (on: string) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(on));

describe('disclosure requests in the console', () => {
  it('a service manager receives a request, marks it urgent, records the letter’s authority, releases it and corrects it', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'manager');

    // Act: receive, from the person chosen on the Disclosures screen
    await page.getByRole('link', { name: 'Disclosures', exact: true }).click();
    await page.getByRole('heading', { name: 'Disclosures', level: 1 }).waitFor();
    await page.locator(`a[href="#/disclosures/${encodeURIComponent(person)}"]`).waitFor();
    await expectAccessible(page, 'disclosures-people');
    await page.locator(`a[href="#/disclosures/${encodeURIComponent(person)}"]`).click();
    await page.getByRole('heading', { name: /^Disclosures about person …/, level: 1 }).waitFor();
    await page.getByLabel('Requesting organisation').fill('County Council adult social care');
    await page.getByLabel('Contact at the requester').fill('Duty desk, 0113 000 0000');
    await page.getByLabel('What they need it for, in their words').fill('A safeguarding enquiry.');
    await page.getByLabel('Legal basis claimed').selectOption('SAFEGUARDING');
    await page.getByLabel('How the requester was verified').selectOption('CALLBACK_TO_KNOWN_NUMBER');
    const requested = page.getByRole('group', { name: 'Items requested' });
    await requested.getByRole('checkbox', { name: /^daily support note of / }).check();
    await requested
      .getByRole('checkbox', { name: /^correspondence note of .*, written by County hospital$/ })
      .check();
    await expectAccessible(page, 'disclosures-person-receive');
    await page.getByRole('button', { name: 'Record the request' }).click();
    await success(page, /^Request recorded\./);

    // Assess: the API holds it as received, naming both notes by their global ids
    const [received] = await registerOf(person);
    expect(received).toMatchObject({
      kind: 'RECEIVED',
      requesterOrganisation: 'County Council adult social care',
      legalBasis: 'SAFEGUARDING',
      urgent: false,
    });
    expect(received?.items.map(({ id }) => id).sort()).toEqual([dailyNote, letter].sort());
    const requestId = received?.requestId ?? '';

    // Act: urgency, from the request's card
    await requestCard(page, requestId).getByRole('button', { name: 'Mark urgent' }).click();
    await success(page, /^Marked urgent/);
    await requestCard(page, requestId).getByRole('button', { name: 'Mark not urgent' }).waitFor();
    // Assess: the decision queue puts it first as urgent
    const queue = await api.graphql<{ disclosureWorkQueue: { requestId: string; urgent: boolean }[] }>(
      '{ disclosureWorkQueue { requestId urgent } }',
      { token: token('manager') },
    );
    expect(queue.data?.disclosureWorkQueue).toContainEqual({ requestId, urgent: true });

    // Prepare: without the letter's author's authority the API refuses to approve it
    const approve = () =>
      api.graphql(
        'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "Safeguarding duty.") { kind } }',
        { token: token('manager'), variables: { c: person, r: requestId } },
      );
    expect(codes(await approve())).toEqual(['CONSENT_REQUIRED']);

    // Act: record the authority from the card
    await requestCard(page, requestId)
      .getByLabel(/^Reference of the author’s written authority to disclose the correspondence note/)
      .fill('CH/2026/118');
    await requestCard(page, requestId).getByRole('button', { name: 'Record the author’s authority' }).click();
    await success(page, /^The author’s authority is recorded/);
    // Assess: now the approval stands
    expectNoErrors(await approve());

    // Act: release what was approved, with a redaction
    await page.reload();
    await page.getByRole('heading', { name: /^Disclosures about person …/, level: 1 }).waitFor();
    const card = requestCard(page, requestId);
    await card.getByRole('heading', { name: 'Release' }).waitFor();
    await card.getByLabel('How it is sent').selectOption('SECURE_EMAIL');
    await card.getByLabel(/^Phrases to redact/).fill('moving flat');
    await expectAccessible(page, 'disclosures-person-release');
    await card.getByRole('button', { name: 'Release', exact: true }).click();
    await success(page, /^Released\. The register keeps a digest/);
    const released = (await registerOf(person)).find((entry) => entry.kind === 'RELEASED');
    expect(released).toMatchObject({ requestId, method: 'SECURE_EMAIL' });
    expect(released?.snapshotDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(released?.items.map(({ id }) => id).sort()).toEqual([dailyNote, letter].sort());

    // Act: a correction, after which the released request offers no release, urgency or authority
    const after = requestCard(page, requestId);
    expect(await after.getByRole('button', { name: /^Mark / }).count()).toBe(0);
    expect(await after.getByRole('heading', { name: 'Release' }).count()).toBe(0);
    expect(await after.getByRole('button', { name: 'Record the author’s authority' }).count()).toBe(0);
    await after.getByLabel(/^A correction/).fill('The contact was the night desk, not the duty desk.');
    await after.getByRole('button', { name: 'Add the correction' }).click();
    await success(page, /^Correction added/);
    await expectAccessible(page, 'disclosures-person-corrected');
    await close();

    // Assess
    expect((await registerOf(person)).filter((entry) => entry.kind === 'CORRECTION')).toEqual([
      expect.objectContaining({
        requestId,
        reasoning: 'The contact was the night desk, not the duty desk.',
      }),
    ]);
  });

  it('a service manager records a disclosure made without consent; the Guardian then has its review', async () => {
    const { page, close } = await freshPage();
    await signInAt(
      page,
      'manager',
      `/disclosures/${encodeURIComponent(sharedWithout)}`,
      /^Disclosures about /,
    );

    // Act: the API's refusal (no reason why the person was not told) is shown in words with its code
    await page.getByLabel('Who received it').fill('Children’s social care');
    await page.getByLabel('Legal basis', { exact: true }).selectOption('SAFEGUARDING');
    await page.getByLabel('Why sharing without consent was necessary').fill('A child was at risk of harm.');
    await page.getByRole('group', { name: 'What was shared' }).getByRole('checkbox').check();
    await page.getByRole('radio', { name: 'No' }).check();
    await page.getByRole('button', { name: 'Record the disclosure' }).click();
    const refusal = page
      .getByRole('alert')
      .filter({ hasText: /^Please check what you entered: .* \(code BAD_USER_INPUT\)$/ });
    await refusal.waitFor();
    // The field the API names holds its words and focus, not the page's body
    await expect(page.locator('#exceptional-reason-not-informed-error').innerText()).resolves.toBe(
      'Say why telling the person would increase risk.',
    );
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe(
      'exceptional-reason-not-informed',
    );
    await expectAccessible(page, 'disclosures-exceptional-refused');
    expect(await registerOf(sharedWithout)).toEqual([]);

    await page
      .getByLabel(/^If the person was not told/)
      .fill('Telling them would warn the adult who poses the risk.');
    await page.getByRole('button', { name: 'Record the disclosure' }).click();
    await success(page, /^Exceptional disclosure recorded/);
    await expectAccessible(page, 'disclosures-exceptional-recorded');
    await close();

    // Assess: in the register, and a review waits for the Guardian
    const [entry] = await registerOf(sharedWithout);
    expect(entry).toMatchObject({
      kind: 'EXCEPTIONAL_DISCLOSURE',
      recipient: 'Children’s social care',
      legalBasis: 'SAFEGUARDING',
      clientInformed: false,
    });
    expect(entry?.items.map(({ id }) => id)).toEqual([sharedNote]);
    const reviews = await api.graphql<{
      disclosureReviewsConnection: { edges: { node: { requestId: string } }[] };
    }>('{ disclosureReviewsConnection(status: PENDING, first: 50) { edges { node { requestId } } } }', {
      token: token('guardian'),
    });
    expect(reviews.data?.disclosureReviewsConnection.edges.map(({ node }) => node.requestId)).toContain(
      entry?.requestId,
    );
  });

  it('the Caldicott Guardian, who reads no notes, works a request’s urgency but is offered no form that names notes', async () => {
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(
      `mutation ($input: ReceiveDisclosureRequestInput!) { receiveDisclosureRequest(input: $input) { requestId } }`,
      {
        token: token('manager'),
        variables: {
          input: {
            serviceUserId: person,
            requesterOrganisation: 'Housing association',
            requesterContact: 'Tenancy team',
            purpose: 'Tenancy review.',
            legalBasis: 'PREVENTION_OF_SERIOUS_CRIME',
            itemIds: [dailyNote],
            receivedOn: new Date().toISOString().slice(0, 10),
            identityCheck: 'KNOWN_CONTACT',
            urgent: true,
          },
        },
      },
    );
    expectNoErrors(received);
    const requestId = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';

    const { page, close } = await freshPage();
    await signInAs(page, 'guardian');
    await page.getByRole('link', { name: 'Disclosures', exact: true }).click();
    await page.getByRole('heading', { name: 'Disclosures', level: 1 }).waitFor();
    await page.locator(`a[href="#/disclosures/${encodeURIComponent(person)}"]`).click();
    await page.getByRole('heading', { name: /^Disclosures about /, level: 1 }).waitFor();
    await settled(page);
    expect(await page.getByRole('button', { name: 'Record the request' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Record the disclosure' }).count()).toBe(0);
    await expect(page.locator('main').innerText()).resolves.toContain(
      'None of this person’s notes is open to you, so you cannot name what was requested',
    );
    await requestCard(page, requestId).getByRole('button', { name: 'Mark not urgent' }).click();
    await success(page, /^Marked not urgent/);
    await expectAccessible(page, 'disclosures-person-guardian');
    await close();

    expect((await registerOf(person)).filter((entry) => entry.requestId === requestId).at(-1)).toMatchObject({
      kind: 'URGENCY_CHANGED',
      urgent: false,
    });
  });
});

describe('who made an exceptional disclosure, and whether the person has been told of it since', () => {
  const reviewItem = (page: Page, route: string) =>
    page.locator('#disclosure-reviews li').filter({ has: page.locator(`a[href="#${route}"]`) });
  const BOTH_NAMED = new RegExp(`Disclosed by\\s+${MANAGER}\\s+Recorded by\\s+${escaped(GUARDIAN)}`);

  it('the Guardian records a disclosure a manager made: both are named, and neither is offered the review’s finding', async () => {
    // Prepare: the Guardian records, for the service's manager, a disclosure the manager made (decision 0142)
    const requestId = await discloseWithoutConsent('guardian', madeByManager, madeByManagerNote, {
      madeBy: suite.who('manager').globalId,
    });
    const route = `/disclosure-review/${encodeURIComponent((await reviewOf(requestId))?.id ?? '')}`;

    for (const [handle, listedWords, why] of [
      [
        'guardian',
        new RegExp(`^By ${MANAGER}, recorded by you · `),
        /^You recorded this disclosure for the staff member who made it, so its review is not yours: /,
      ],
      [
        'manager',
        new RegExp(`^By you, recorded by ${escaped(GUARDIAN)} · `),
        /^You made this disclosure, so its review is not yours: /,
      ],
    ] as const) {
      // Act: from Today to the review
      const { page, close } = await freshPage();
      await signInAs(page, handle);
      const item = reviewItem(page, route);
      const detail = await item.locator('.item-detail').innerText();
      const action = await item.getByRole('link').innerText();
      await item.getByRole('link').click();
      await page.getByRole('heading', { name: 'Disclosure review', level: 1 }).waitFor();
      await settled(page);

      // Assess: who made it and who recorded it, on Today and on the review; no finding offered, and why said instead
      expect(detail).toMatch(listedWords);
      expect(action).toBe('Open');
      await expect(page.locator('.facts').innerText()).resolves.toMatch(BOTH_NAMED);
      await page.getByRole('status').filter({ hasText: why }).waitFor();
      expect(await page.locator('form').count()).toBe(0);
      await expectAccessible(page, `disclosure-review-not-yours-${handle}`);
      await close();
    }
    expect(await reviewOf(requestId)).toMatchObject({ status: 'PENDING' });
  });

  it('another manager of the service, who neither made nor recorded it, is offered the finding and records it', async () => {
    // Prepare
    const requestId = await discloseWithoutConsent('guardian', madeByManager, madeByManagerNote, {
      madeBy: suite.who('manager').globalId,
    });
    const route = `/disclosure-review/${encodeURIComponent((await reviewOf(requestId))?.id ?? '')}`;

    // Act
    const { page, close } = await freshPage();
    await signInAs(page, 'second-manager');
    const item = reviewItem(page, route);
    await expect(item.locator('.item-detail').innerText()).resolves.toMatch(
      new RegExp(`^By ${MANAGER}, recorded by ${escaped(GUARDIAN)} · `),
    );
    await expect(item.getByRole('link').innerText()).resolves.toBe('Review');
    await item.getByRole('link').click();
    await page.getByRole('heading', { name: 'Disclosure review', level: 1 }).waitFor();
    await settled(page);
    await expect(page.locator('.facts').innerText()).resolves.toMatch(BOTH_NAMED);
    await expectAccessible(page, 'disclosure-review-made-for-another');
    await page.getByLabel(/^\s*Justified/).check();
    await page
      .getByLabel('What you found and did')
      .fill('The threat was credible; the police needed to know at once.');
    await page.getByRole('button', { name: 'Record the finding' }).click();
    await success(page, /^Review completed: justified\.$/);
    await close();

    // Assess
    expect(await reviewOf(requestId)).toMatchObject({
      status: 'COMPLETED',
      outcome: 'JUSTIFIED',
      reviewedBy: suite.who('second-manager').globalId,
    });
  });

  it('a manager reads that a person not told of a disclosure was told later, and when, and records it from a card', async () => {
    // Prepare: two disclosures the person was not told of; the Guardian records that they have been told of the first
    const notTold = {
      clientInformed: false,
      reasonNotInformed: 'Telling him would put the neighbour at risk.',
    };
    const first = await discloseWithoutConsent('manager', toldLater, toldLaterNote, notTold);
    const second = await discloseWithoutConsent('manager', toldLater, toldLaterNote, notTold);
    const on = new Date().toISOString().slice(0, 10);
    expectNoErrors(
      await api.graphql(TELL, {
        token: token('guardian'),
        variables: {
          c: toldLater,
          r: first,
          on,
          how: 'Told in person at his review, with his advocate present.',
        },
      }),
    );
    const toldOn = new RegExp(`Person told\\s+Not when it was recorded; told on ${escaped(dateShown(on))}`);

    // Act
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', `/disclosures/${encodeURIComponent(toldLater)}`, /^Disclosures about /);

    // Assess: the first says when they were told, in its facts and its history, and offers to record it no more
    const firstCard = requestCard(page, first);
    await expect(firstCard.locator('.facts').innerText()).resolves.toMatch(toldOn);
    await expect(firstCard.locator('.history').innerText()).resolves.toMatch(
      new RegExp(
        `: the person was told on ${escaped(dateShown(on))} — Told in person at his review, with his advocate present\\.`,
      ),
    );
    expect(await firstCard.getByRole('button', { name: 'Record that they were told' }).count()).toBe(0);
    await expect(requestCard(page, second).locator('.facts').innerText()).resolves.toMatch(
      /Person told\s+No(\n|$)/,
    );
    await expectAccessible(page, 'disclosures-told-later');

    // Act: record from the second's card that the person has been told of it
    const secondCard = requestCard(page, second);
    await secondCard.getByLabel('Date they were told').fill(on);
    await secondCard
      .getByLabel(/^How and by whom they were told/)
      .fill('Told by phone by his support worker.');
    await secondCard.getByRole('button', { name: 'Record that they were told' }).click();
    await success(page, /^Recorded: the person was told of the disclosure/);
    await expect(requestCard(page, second).locator('.facts').innerText()).resolves.toMatch(toldOn);
    await expectAccessible(page, 'disclosures-told-later-recorded');
    await close();

    // Assess: the register holds the telling
    expect((await registerOf(toldLater)).filter((entry) => entry.requestId === second).at(-1)).toMatchObject({
      kind: 'CLIENT_INFORMED',
      clientInformed: true,
      toldOn: on,
      reasoning: 'Told by phone by his support worker.',
    });
  });

  it('why a person was not told of a disclosure is shown on their card and on its review', async () => {
    // Prepare: a disclosure the manager made, the person not told, with the reason
    const why = 'Telling him would warn the man who threatened the neighbour.';
    const requestId = await discloseWithoutConsent('manager', toldLater, toldLaterNote, {
      clientInformed: false,
      reasonNotInformed: why,
    });

    // Act: the manager reads the person's disclosures
    const manager = await freshPage();
    await signInAt(
      manager.page,
      'manager',
      `/disclosures/${encodeURIComponent(toldLater)}`,
      /^Disclosures about /,
    );

    // Assess
    await expect(requestCard(manager.page, requestId).locator('.facts').innerText()).resolves.toMatch(
      new RegExp(`Person told\\s+No\\s+Why they were not told\\s+${escaped(why)}`),
    );
    await manager.close();

    // Act: the Guardian reads its review
    const guardian = await freshPage();
    await signInAt(
      guardian.page,
      'guardian',
      `/disclosure-review/${encodeURIComponent((await reviewOf(requestId))?.id ?? '')}`,
      'Disclosure review',
    );

    // Assess
    await expect(guardian.page.locator('.facts').innerText()).resolves.toMatch(
      new RegExp(`Why they were not told\\s+${escaped(why)}`),
    );
    await expectAccessible(guardian.page, 'disclosure-review-why-not-told');
    await guardian.close();
  });

  it('the review of a disclosure the person was not told of says so as recorded, and leads to whether they have been told since', async () => {
    // Prepare: a disclosure the manager made, the person not told; the Guardian records that they have been told since
    const requestId = await discloseWithoutConsent('manager', toldLater, toldLaterNote, {
      clientInformed: false,
      reasonNotInformed: 'Telling him would put the neighbour at risk.',
    });
    const on = new Date().toISOString().slice(0, 10);
    expectNoErrors(
      await api.graphql(TELL, {
        token: token('guardian'),
        variables: { c: toldLater, r: requestId, on, how: 'Told at his review.' },
      }),
    );
    const { page, close } = await freshPage();
    await signInAt(
      page,
      'guardian',
      `/disclosure-review/${encodeURIComponent((await reviewOf(requestId))?.id ?? '')}`,
      'Disclosure review',
    );

    // Assess: the review says what was recorded then, and where to read whether they have been told since
    await expect(page.locator('.facts').innerText()).resolves.toMatch(
      /Person told\s+Not when it was recorded\. Whether they have been told since\s+Why they were not told\s+Telling him would put the neighbour at risk\./,
    );
    await expectAccessible(page, 'disclosure-review-not-told');

    // Act
    await page.getByRole('link', { name: 'Whether they have been told since' }).click();
    await page.getByRole('heading', { name: /^Disclosures about /, level: 1 }).waitFor();
    await settled(page);

    // Assess: the person's disclosures say when they were told since
    await expect(requestCard(page, requestId).locator('.facts').innerText()).resolves.toMatch(
      new RegExp(`Person told\\s+Not when it was recorded; told on ${escaped(dateShown(on))}`),
    );
    await close();
  });
});

describe('the consent methods in the console', () => {
  const methods = async () => {
    const result = await api.graphql<{ disclosureConsentMethods: string[] }>('{ disclosureConsentMethods }', {
      token: token('ig'),
    });
    expectNoErrors(result);
    return [...(result.data?.disclosureConsentMethods ?? [])].sort();
  };

  it('the IG lead accepts witnessed verbal consent, and is told in words why no written method is refused', async () => {
    expect(await methods()).toEqual(['EMAIL', 'SIGNED_FORM']);
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await page.getByRole('link', { name: 'Consent methods' }).click();
    await page.getByRole('heading', { name: 'Consent methods', level: 1 }).waitFor();
    await expectAccessible(page, 'consent-methods');

    // Act: accept verbal, witnessed
    await page.getByLabel('Verbal, with a witness').check();
    await page.getByRole('button', { name: 'Save the consent methods' }).click();
    await success(page, /^Consent methods saved/);
    expect(await methods()).toEqual(['EMAIL', 'SIGNED_FORM', 'VERBAL_WITNESSED']);

    // Act: no written method is the API's BAD_USER_INPUT, shown with its code; nothing changes
    await page.getByLabel('A signed consent form (written)').uncheck();
    await page.getByLabel('In writing by email (written)').uncheck();
    await page.getByRole('button', { name: 'Save the consent methods' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^Please check what you entered: .*written.* \(code BAD_USER_INPUT\)$/ })
      .waitFor();
    await expectAccessible(page, 'consent-methods-refused');
    await close();
    expect(await methods()).toEqual(['EMAIL', 'SIGNED_FORM', 'VERBAL_WITNESSED']);
  });
  it('works by keyboard alone: from the heading, Tab to a method, Space to change it, Tab and Enter to save', async () => {
    const before = await methods();
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', '/settings/consent-methods', 'Consent methods');
    const focused = () =>
      page.evaluate(() => {
        const active = document.activeElement as HTMLInputElement | null;
        return active?.closest('label')?.textContent?.trim() ?? active?.textContent?.trim() ?? '';
      });
    expect(await focused()).toBe('Consent methods');
    for (const expected of [
      'A signed consent form (written)',
      'In writing by email (written)',
      'Verbal, with a witness',
    ]) {
      await page.keyboard.press('Tab');
      expect(await focused()).toBe(expected);
    }
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Save the consent methods');
    await page.keyboard.press('Enter');
    await success(page, /^Consent methods saved/);
    await close();
    const verbal = 'VERBAL_WITNESSED';
    expect(await methods()).toEqual(
      before.includes(verbal) ? before.filter((method) => method !== verbal) : [...before, verbal].sort(),
    );
  });
});

describe('what a role may not do is absent', () => {
  it.each([
    ['ig', true, false],
    ['guardian', false, true],
    ['senior', false, false],
    ['other-manager', false, true],
  ])(
    '%s: consent methods offered %s, disclosures offered %s',
    async (handle, consentMethods, disclosures) => {
      const { page, close } = await freshPage();
      await signInAs(page, handle);
      expect(await page.getByRole('link', { name: 'Consent methods' }).count()).toBe(consentMethods ? 1 : 0);
      expect(await page.getByRole('link', { name: 'Disclosures', exact: true }).count()).toBe(
        disclosures ? 1 : 0,
      );
      if (!consentMethods) await open(page, '/settings/consent-methods', 'Not available');
      if (!disclosures) {
        await open(page, `/disclosures/${encodeURIComponent(person)}`, 'Not available');
        expect(await page.locator('form').count()).toBe(0);
      }
      await close();
    },
  );

  it('a manager of another service finds neither the person on the Disclosures screen nor their register', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'other-manager', '/disclosures', 'Disclosures');
    expect(await page.locator(`a[href="#/disclosures/${encodeURIComponent(person)}"]`).count()).toBe(0);
    await open(page, `/disclosures/${encodeURIComponent(person)}`, /^Disclosures about /);
    await page
      .getByRole('alert')
      .filter({ hasText: /\(code NOT_FOUND\)$/ })
      .waitFor();
    expect(await page.locator('form').count()).toBe(0);
    await expectAccessible(page, 'disclosures-not-found');
    await close();
  });

  it('a support worker has no governance screen at all', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'worker');
    await page.getByRole('heading', { name: 'Nothing to review', level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: /Disclosures|Consent methods/ }).count()).toBe(0);
    await close();
  });
});
