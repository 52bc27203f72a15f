import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { serviceUserToken } from '../support/records-fixtures';
import {
  expectAccessible,
  settled,
  startConsole,
  startHostedSignInStandIn,
  waitUntil,
} from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * Issue 19, "Tests": the governance console driven in headless Chromium against the local stack, through the same
 * sign-in, screens and API calls a person uses. A break-glass review worked to completion, an escalated disclosure
 * request decided by the Caldicott Guardian, a manager who sees only their services, a support worker who sees no
 * governance screen, and axe-core on every screen.
 */

const OPEN_EMERGENCY = `mutation ($c: ID!, $d: String!) {
  openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: $d) { id } }`;
const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) {
  receiveDisclosureRequest(input: $input) { requestId } }`;
const ESCALATE = `mutation ($c: ID!, $r: String!) {
  escalateDisclosureRequest(serviceUserId: $c, requestId: $r, reasoning: "The scope is broad") { kind } }`;

const suite = new ConsoleSuite('Console test charity');
const { api, people, person, signInAs } = suite;
/** A person the charity supports, who can sign in to the hosted sign-in too: not staff. */
let supportedPersonToken: () => Promise<string>;

interface World {
  readonly client: string;
  readonly otherClient: string;
  readonly reviewOfOwnService: string;
  readonly reviewOfOtherService: string;
  /** A second break-glass in the other service, for the IG lead to review. */
  readonly reviewForIgLead: string;
  readonly escalatedRequest: string;
}
let world: World;

async function breakGlass(who: Person, client: string): Promise<string> {
  const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(OPEN_EMERGENCY, {
    token: who.token,
    variables: { c: client, d: 'Found unwell at the day centre; needed the medication list.' },
  });
  expectNoErrors(opened);
  return opened.data?.openEmergencyAccess.id ?? '';
}

beforeAll(async () => {
  // Prepare: an organisation with two services, each with its manager, and governance work waiting in both.
  const org = await suite.begin();
  // The console's api refuses what production refuses: any document not registered.
  const adHoc = await suite.consoleApi.graphql('{ me { kind } }');
  expect(adHoc.errors?.map((error) => error.extensions?.code)).toEqual(['UNTRUSTED_DOCUMENT']);
  const own = await createServiceWithManager(api, org);
  const other = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  suite.list('other-manager', other.manager, ['SERVICE_MANAGER']);
  const [worker, outsider] = await Promise.all([
    person('worker', ['SUPPORT_WORKER']),
    person('outsider', ['SUPPORT_WORKER']),
    person('ig', ['IG_LEAD']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
  ]);
  const client = await registerServiceUser(api, own.manager, own.serviceId);
  supportedPersonToken = () => serviceUserToken(api, org.orgId, client);
  const otherClient = await registerServiceUser(api, other.manager, other.serviceId);
  await allocate(api, own.manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Went to the day centre.');
  // More audited reads of the person than one page of their access log holds (50).
  for (let batch = 0; batch < 6; batch += 1) {
    await Promise.all(
      Array.from({ length: 10 }, () =>
        api.graphql('query ($id: ID!) { serviceUser(id: $id) { reference } }', {
          token: worker.token,
          variables: { id: client },
        }),
      ),
    );
  }
  const reviewOfOwnService = await breakGlass(outsider, client);
  const reviewOfOtherService = await breakGlass(outsider, otherClient);
  const reviewForIgLead = await breakGlass(worker, otherClient);
  const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
    token: own.manager.token,
    variables: {
      input: {
        serviceUserId: client,
        requesterOrganisation: 'Housing association',
        requesterContact: 'Duty officer, 01234 567890',
        purpose: 'Tenancy support',
        purposeCategory: 'OTHER',
        legalBasis: 'CONSENT',
        itemIds: [note],
        receivedOn: new Date().toISOString().slice(0, 10),
        identityCheck: 'DOCUMENT_CHECKED',
      },
    },
  });
  expectNoErrors(received);
  const escalatedRequest = received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
  expectNoErrors(
    await api.graphql(ESCALATE, { token: own.manager.token, variables: { c: client, r: escalatedRequest } }),
  );
  world = {
    client,
    otherClient,
    reviewOfOwnService,
    reviewOfOtherService,
    reviewForIgLead,
    escalatedRequest,
  };
  await suite.serve();
});

/** A new page that also fails on any refused request: nothing here provokes one. */
const freshPage = (viewport?: { width: number; height: number }) =>
  suite.freshPage({ viewport, failOnRefusals: true });

const queueCount = (page: Page, queue: string) =>
  page.locator(`#${queue} .count`).getAttribute('data-count').then(Number);

describe('the governance console in a browser', () => {
  it('lists the organisation’s people on the sign-in screen, and meets WCAG 2.2 AA', async () => {
    const { page, close } = await freshPage();
    await page.goto(suite.url);
    await page.getByRole('button', { name: /Staff guardian/ }).waitFor();
    await expectAccessible(page, 'sign-in');
    await close();
  });

  it('the Caldicott Guardian works a break-glass review to completion, one click from Today', async () => {
    // Act
    const { page, close } = await freshPage();
    await signInAs(page, 'guardian');
    expect(await queueCount(page, 'break-glass-reviews')).toBe(3);
    await expectAccessible(page, 'today-guardian');
    await page.locator(`#break-glass-reviews a[href="#/break-glass/${world.reviewOfOwnService}"]`).click();
    await page.getByRole('heading', { name: 'Break-glass review', level: 1 }).waitFor();
    await settled(page);
    await expect(page.locator('main').innerText()).resolves.toContain(
      'Staff outsider (support worker, outsider)',
    );
    await expect(page.locator('main').innerText()).resolves.toContain('Found unwell at the day centre');
    await expectAccessible(page, 'break-glass-review');
    await page.getByLabel(/Justified: the emergency warranted/).check();
    await page.getByRole('button', { name: 'Record the finding' }).click();
    await page.getByRole('status').filter({ hasText: 'Review completed: justified.' }).waitFor();
    await expectAccessible(page, 'break-glass-review-completed');

    // Assess: the API holds the finding; Today no longer lists the review.
    const reviews = await api.graphql<{
      emergencyAccessReviews: { id: string; status: string; outcome: string }[];
    }>('{ emergencyAccessReviews { id status outcome } }', { token: people.get('guardian')?.token ?? '' });
    expect(
      reviews.data?.emergencyAccessReviews.find((review) => review.id === world.reviewOfOwnService),
    ).toEqual({
      id: world.reviewOfOwnService,
      status: 'COMPLETED',
      outcome: 'JUSTIFIED',
    });
    await page.getByRole('link', { name: 'Back to Today' }).click();
    await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
    await settled(page);
    expect(await queueCount(page, 'break-glass-reviews')).toBe(2);
    await close();
  });

  it('the IG lead works a break-glass review to completion and reads who looked at the person', async () => {
    // Act: a review in a service the IG lead manages nothing of, from Today
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await expectAccessible(page, 'today-ig');
    await page.locator(`#break-glass-reviews a[href="#/break-glass/${world.reviewForIgLead}"]`).click();
    await page.getByRole('heading', { name: 'Break-glass review', level: 1 }).waitFor();
    await settled(page);
    await page.getByLabel(/Justified: the emergency warranted/).check();
    await page.getByRole('button', { name: 'Record the finding' }).click();
    await page.getByRole('status').filter({ hasText: 'Review completed: justified.' }).waitFor();

    // Assess: the API holds the IG lead's finding
    const reviews = await api.graphql<{
      emergencyAccessReviews: { id: string; status: string; outcome: string }[];
    }>('{ emergencyAccessReviews { id status outcome } }', { token: people.get('ig')?.token ?? '' });
    expect(
      reviews.data?.emergencyAccessReviews.find((review) => review.id === world.reviewForIgLead),
    ).toEqual({ id: world.reviewForIgLead, status: 'COMPLETED', outcome: 'JUSTIFIED' });

    // And who looked at the person, in plain words
    await page.goto(`${suite.url}#/person/${encodeURIComponent(world.otherClient)}`);
    await page.getByRole('heading', { name: /Who looked at person/, level: 1 }).waitFor();
    await settled(page);
    const log = await page.locator('main').innerText();
    expect(log).toContain('Emergency');
    expect(log).toContain('Staff outsider (support worker) opened emergency access to the record');
    await expectAccessible(page, 'who-looked');
    await page.getByLabel('Show').selectOption('emergency');
    await expect(page.locator('.count-line').innerText()).resolves.toMatch(/^\d+ of \d+ accesses$/);
    for (const [route, screen] of [
      ['#/registers/disclosures', 'disclosure-register'],
      ['#/registers/breaches', 'breach-register'],
    ] as const) {
      await page.goto(`${suite.url}${route}`);
      await page
        .locator('h1')
        .filter({ hasText: /register/ })
        .waitFor();
      await settled(page);
      await expectAccessible(page, screen);
    }
    await close();
  });

  it('the governance contacts read the notifications on Today, by reference, one click from a review', async () => {
    // Act: the IG lead's Today, then the notification of a break-glass opening.
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    const notifications = page.locator('#notifications');
    const count = await queueCount(page, 'notifications');
    const text = await notifications.innerText();
    const links = await notifications
      .locator('a.button')
      .evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
    await expectAccessible(page, 'today-notifications');
    await notifications.locator(`a[href="#/break-glass/${world.reviewOfOtherService}"]`).click();
    await page.getByRole('heading', { name: 'Break-glass review', level: 1 }).waitFor();

    // Assess: the three openings and the escalation, each by its reference; only the openings link (the IG lead has no
    // disclosure queue); no person, reason or name in any of them.
    expect(count).toBe(4);
    expect(text.match(/Someone broke the glass/g)).toHaveLength(3);
    expect(text).toContain('A disclosure request was escalated to the Caldicott Guardian');
    expect(text).toContain(`Reference ${world.escalatedRequest}`);
    expect(links.sort()).toEqual(
      [world.reviewOfOwnService, world.reviewOfOtherService, world.reviewForIgLead]
        .map((review) => `#/break-glass/${review}`)
        .sort(),
    );
    expect(text).not.toContain('Found unwell');
    expect(text).not.toContain('Staff outsider');
    await close();
  });

  it('pages a long access log: the newest 50, then the older ones on request, never presented as the whole', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await page.goto(`${suite.url}#/person/${encodeURIComponent(world.client)}`);
    await page.getByRole('heading', { name: /Who looked at person/, level: 1 }).waitFor();
    await settled(page);
    await expect(page.locator('.count-line').innerText()).resolves.toBe(
      '50 of 50+ accesses (older ones not loaded yet)',
    );
    await page.getByRole('button', { name: 'Show older accesses' }).click();
    await waitUntil(
      page,
      () => !/\+ accesses/.test(document.querySelector('.count-line')?.textContent ?? ''),
    );
    const total = Number((await page.locator('.count-line').innerText()).split(' of ')[1]?.split(' ')[0]);
    expect(total).toBeGreaterThan(60);
    expect(await page.locator('.access-log li').count()).toBe(total);
    await expect(page.getByRole('button', { name: 'Show older accesses' }).isVisible()).resolves.toBe(false);
    await close();
  });

  it('the Caldicott Guardian decides an escalated disclosure request', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'guardian');
    const item = page.locator(
      `#disclosure-requests a[href="#/disclosure/${encodeURIComponent(world.client)}/${encodeURIComponent(world.escalatedRequest)}"]`,
    );
    await expect(item.innerText()).resolves.toBe('Decide');
    await item.click();
    await page.getByRole('heading', { name: 'Disclosure request', level: 1 }).waitFor();
    await settled(page);
    await expect(page.locator('main').innerText()).resolves.toContain('escalated request');
    expect(await page.getByRole('button', { name: /Escalate/ }).count()).toBe(0);
    await expectAccessible(page, 'disclosure-decision');
    await page
      .getByLabel(/Your reasoning/)
      .fill('The tenancy support purpose is covered by the consent on file.');
    await page.getByRole('button', { name: 'Refuse' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision recorded: refused.' }).waitFor();

    // Assess: it has left the Guardian's queue.
    const queue = await api.graphql<{
      disclosureWorkQueueConnection: {
        edges: { node: { requestId: string } }[];
        pageInfo: { hasNextPage: boolean };
      };
    }>(
      '{ disclosureWorkQueueConnection(first: 100) { edges { node { requestId } } pageInfo { hasNextPage } } }',
      {
        token: people.get('guardian')?.token ?? '',
      },
    );
    const connection = queue.data?.disclosureWorkQueueConnection;
    expect(connection?.pageInfo.hasNextPage).toBe(false);
    expect(connection?.edges.map(({ node }) => node.requestId)).not.toContain(world.escalatedRequest);
    await close();
  });

  it('a service manager sees only their services’ work', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'other-manager');
    await expectAccessible(page, 'today-manager');
    const reviews = page.locator('#break-glass-reviews');
    expect(await reviews.locator(`a[href="#/break-glass/${world.reviewOfOtherService}"]`).count()).toBe(1);
    expect(await page.locator(`a[href="#/break-glass/${world.reviewOfOwnService}"]`).count()).toBe(0);
    expect(await queueCount(page, 'break-glass-reviews')).toBe(1);
    expect(await page.locator('#subject-access').count()).toBe(0);
    await close();
  });

  it('works by keyboard alone on a tablet: tab to a queue item, open it with Enter', async () => {
    // Act: a portrait tablet (768×1024), no mouse.
    const { page, close } = await freshPage({ width: 768, height: 1024 });
    await signInAs(page, 'other-manager');
    await expectAccessible(page, 'today-manager-tablet');
    const target = page.locator('#break-glass-reviews a.button').first();
    const href = await target.getAttribute('href');
    let focused = '';
    for (let presses = 0; presses < 40 && focused !== href; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    }
    expect(focused).toBe(href);
    await page.keyboard.press('Enter');

    // Assess: the review opens, its heading focused for a screen reader, and nothing is wider than the screen.
    await page.getByRole('heading', { name: 'Break-glass review', level: 1 }).waitFor();
    await settled(page);
    // The screen focuses its heading once it has rendered: wait for that, as a screen reader would.
    await waitUntil(page, () => document.activeElement?.tagName === 'H1');
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(768);
    await expectAccessible(page, 'break-glass-review-tablet');
    await close();
  });

  it('signs in through a hosted sign-in with the authorisation code flow and PKCE when config.json names one', async () => {
    // Prepare: the console as AWS serves it, with config.json naming a stand-in for the user pool's hosted sign-in.
    const hosted = await startHostedSignInStandIn(() => people.get('guardian')?.token ?? '');
    const served = await startConsole(suite.consoleApi, () => [], hosted);
    const { page, close } = await freshPage();
    try {
      // Act
      await page.goto(served.url);
      await page.getByRole('button', { name: 'Sign in with your organisation account' }).click();

      // Assess: back in the console, signed in, the code gone from the address bar, the verifier checked.
      await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
      await settled(page);
      expect(new URL(page.url()).search).toBe('');
      expect(hosted.tokenRequests).toEqual([{ verifierMatched: true, hadSecret: false }]);
      await expect(page.locator('.who').innerText()).resolves.toContain('Caldicott Guardian');
      await expectAccessible(page, 'today-hosted-sign-in');
    } finally {
      await close();
      await served.stop();
      await hosted.stop();
    }
  });

  it('signs out of the hosted sign-in too, so the next person to sign in on the same browser is asked who they are', async () => {
    // Prepare: the console as AWS serves it, with a stand-in hosted sign-in, and the guardian signed in through it.
    const hosted = await startHostedSignInStandIn(() => people.get('guardian')?.token ?? '');
    const served = await startConsole(suite.consoleApi, () => [], hosted);
    const { page, close } = await freshPage();
    const signInButton = page.getByRole('button', { name: 'Sign in with your organisation account' });
    try {
      await page.goto(served.url);
      await signInButton.click();
      await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
      await settled(page);

      // Act
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signInButton.waitFor();

      // Assess: the browser went to the logout endpoint with the console's client and its registered sign-out URL
      // (its own address), which ended the hosted session and sent it back to the console's sign-in.
      expect(hosted.logoutRequests).toEqual([
        { clientId: hosted.clientId, logoutUri: served.url, hadSession: true },
      ]);
      expect(page.url()).toBe(served.url);

      // Act: the next person signs in on the same browser.
      await signInButton.click();
      await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
      await settled(page);

      // Assess: no hosted session was left to sign them in as the guardian: the hosted sign-in asked again.
      expect(hosted.authorizeRequests).toEqual([{ hadSession: false }, { hadSession: false }]);
    } finally {
      await close();
      await served.stop();
      await hosted.stop();
    }
  });

  it('ends the hosted session of someone who is not staff, so that a staff member can sign in on the same browser', async () => {
    // Prepare: a person the charity supports signs in to the hosted sign-in (they have an account for their own record).
    let token = await supportedPersonToken();
    const hosted = await startHostedSignInStandIn(() => token);
    const served = await startConsole(suite.consoleApi, () => [], hosted);
    const { page, close } = await freshPage();
    const signInButton = page.getByRole('button', { name: 'Sign in with your organisation account' });
    try {
      // Act
      await page.goto(served.url);
      await signInButton.click();

      // Assess: told the console is for staff, and the hosted session ended with the console's sign-out URL.
      await page.getByText('Sign in as a staff member of an organisation.').waitFor();
      expect(hosted.logoutRequests).toEqual([
        { clientId: hosted.clientId, logoutUri: served.url, hadSession: true },
      ]);

      // Act: the Caldicott Guardian signs in on the same browser.
      token = people.get('guardian')?.token ?? '';
      await signInButton.click();
      await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();
      await settled(page);

      // Assess: the hosted sign-in asked who it was each time, instead of signing the person in again.
      expect(hosted.authorizeRequests).toEqual([{ hadSession: false }, { hadSession: false }]);
      await expect(page.locator('.who').innerText()).resolves.toContain('Caldicott Guardian');
    } finally {
      await close();
      await served.stop();
      await hosted.stop();
    }
  });

  it('ends the hosted session of someone whose token the API refuses, so that a staff member can sign in after them', async () => {
    // Prepare: a hosted sign-in whose user the API does not accept (a deactivated account, an offboarded organisation;
    // here a token that is no token at all).
    let token = 'not-a-token';
    const hosted = await startHostedSignInStandIn(() => token);
    const served = await startConsole(suite.consoleApi, () => [], hosted);
    // The API's refusal of the token (401) is the answer this test provokes.
    const { page, close } = await suite.freshPage({ failOnRefusals: false });
    const signInButton = page.getByRole('button', { name: 'Sign in with your organisation account' });
    try {
      // Act
      await page.goto(served.url);
      await signInButton.click();

      // Assess: the hosted session ended with the console's sign-out URL, and the console says why.
      await page.getByText('Sign in as a staff member of an organisation.').waitFor();
      expect(hosted.logoutRequests).toEqual([
        { clientId: hosted.clientId, logoutUri: served.url, hadSession: true },
      ]);

      // Act: the Caldicott Guardian signs in on the same browser.
      token = people.get('guardian')?.token ?? '';
      await signInButton.click();
      await page.getByRole('heading', { name: 'Today', level: 1 }).waitFor();

      // Assess: asked who it was each time.
      expect(hosted.authorizeRequests).toEqual([{ hadSession: false }, { hadSession: false }]);
    } finally {
      await close();
      await served.stop();
      await hosted.stop();
    }
  });

  it('keeps the hosted session of someone whose sign-in has only expired, and says so', async () => {
    // Prepare: a hosted sign-in that hands over a token whose exp has passed (the console keeps a token for its tab
    // and does not refresh it: an hour on, a reload meets an expired one).
    const expired = `e30.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url')}.x`;
    const hosted = await startHostedSignInStandIn(() => expired);
    const served = await startConsole(suite.consoleApi, () => [], hosted);
    const { page, close } = await suite.freshPage({ failOnRefusals: false });
    try {
      // Act
      await page.goto(served.url);
      await page.getByRole('button', { name: 'Sign in with your organisation account' }).click();

      // Assess: told the sign-in expired, not that they are no staff member; the hosted session is kept, so
      // signing in again is one click.
      await page.getByText('Your sign-in has expired. Please sign in again.').waitFor();
      expect(await page.getByText('Sign in as a staff member of an organisation.').count()).toBe(0);
      expect(hosted.logoutRequests).toEqual([]);
    } finally {
      await close();
      await served.stop();
      await hosted.stop();
    }
  });

  it('a support worker sees no governance screen, whatever address they open', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'worker');
    await page.getByRole('heading', { name: 'Nothing to review', level: 1 }).waitFor();
    expect(await page.getByRole('navigation').count()).toBe(0);
    await expectAccessible(page, 'support-worker');
    await page.goto(`${suite.url}#/registers/breaches`);
    await page.getByRole('heading', { name: 'Nothing to review', level: 1 }).waitFor();
    expect(await page.locator('table').count()).toBe(0);
    await close();
  });
});
