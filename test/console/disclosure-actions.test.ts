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
  await suite.serve();
});

interface RegisterEntry {
  requestId: string;
  kind: string;
  urgent: boolean | null;
  requesterOrganisation: string | null;
  legalBasis: string | null;
  method: string | null;
  reasoning: string | null;
  recipient: string | null;
  clientInformed: boolean | null;
  snapshotDigest: string | null;
  items: { id: string }[];
}

/** The person's register as the API gives it to the service's manager. */
async function registerOf(serviceUserId: string): Promise<RegisterEntry[]> {
  const result = await api.graphql<{
    serviceUser: { disclosureRegisterConnection: { edges: { node: RegisterEntry }[] } };
  }>(
    `query ($id: ID!) { serviceUser(id: $id) { disclosureRegisterConnection(first: 50) { edges { node {
      requestId kind urgent requesterOrganisation legalBasis method reasoning recipient clientInformed snapshotDigest
      items { id }
    } } } } }`,
    { token: token('manager'), variables: { id: serviceUserId } },
  );
  expectNoErrors(result);
  return result.data?.serviceUser.disclosureRegisterConnection.edges.map(({ node }) => node) ?? [];
}

const requestCard = (page: Page, requestId: string) =>
  page.locator(`section.disclosure-request[data-request-id="${requestId}"]`);

const success = (page: Page, words: RegExp) => page.getByRole('status').filter({ hasText: words }).waitFor();

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
    await page
      .getByRole('alert')
      .filter({ hasText: /^Please check what you entered: .* \(code BAD_USER_INPUT\)$/ })
      .waitFor();
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
