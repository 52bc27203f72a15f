import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServiceWithManager } from '../support/care-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * A read that fails is not an empty list: when the API refuses the sign-in (it expired, or is no longer accepted) or
 * answers with an error, each queue and register shows the error alone, never a count or its "none" words beside it;
 * a refused sign-in offers to sign in again, which returns to the same screen. In headless Chromium against the local
 * stack, through the api that runs registered documents only.
 */

const suite = new ConsoleSuite('Failed reads charity');
const { api, person, freshPage, signInAs } = suite;

beforeAll(async () => {
  // Prepare: an organisation with nothing on its registers, so that every screen read whole says "none".
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  await Promise.all([person('ig', ['IG_LEAD']), person('guardian', ['CALDICOTT_GUARDIAN'])]);
  await suite.serve();
});

/** The screens each role is checked on, by route and heading. */
const SCREENS: Record<string, [string, string][]> = {
  ig: [
    ['/registers/breaches', 'Breach register'],
    ['/registers/disclosures', 'Disclosure register'],
    ['/registers/subject-access', 'Subject access requests'],
    ['/registers/legal-holds', 'Legal holds'],
    ['/pending-changes', 'Changes waiting for you'],
    ['/today', 'Today'],
  ],
  manager: [
    ['/services', 'Services'],
    ['/disclosures', 'Disclosures'],
    ['/imports', 'Imports'],
    ['/today', 'Today'],
  ],
  guardian: [
    ['/disclosures', 'Disclosures'],
    ['/today', 'Today'],
  ],
};

/** Opens a screen by its route within the page already loaded (a reload would sign in afresh), and waits for it. */
async function openInPage(page: Page, route: string, heading: string): Promise<void> {
  await page.evaluate((hash) => {
    location.hash = hash;
  }, route);
  await page.getByRole('heading', { name: heading, level: 1, exact: true }).waitFor();
  await settled(page);
}

/** What the screen shows of its lists: alerts, "none" words and counts. */
const shown = (page: Page) =>
  page.evaluate(() => {
    const main = document.querySelector('main');
    return {
      alerts: [...(main?.querySelectorAll('[role="alert"]') ?? [])].map((alert) => alert.textContent ?? ''),
      empty: [...(main?.querySelectorAll('.empty') ?? [])].map((empty) => empty.textContent ?? ''),
      counts: [...(main?.querySelectorAll('.count, .count-line') ?? [])].map(
        (count) => count.textContent ?? '',
      ),
      signInAgain: main?.querySelectorAll('button.sign-in-again').length ?? 0,
    };
  });

/** A token the API refuses whose own `exp` has passed: the console can tell it expired. */
const expiredToken = () =>
  `e30.${Buffer.from(JSON.stringify({ exp: Math.floor(Date.now() / 1000) - 60 })).toString('base64url')}.x`;

describe('a read that fails is shown as a failure, not as an empty list', () => {
  for (const handle of Object.keys(SCREENS)) {
    it(`when the sign-in has expired, ${handle}'s screens show that alone and offer to sign in again`, async () => {
      // Prepare: signed in, then the tab's token expires
      const { page, close } = await freshPage();
      await signInAs(page, handle);
      await page.evaluate((token) => sessionStorage.setItem('confide.console.token', token), expiredToken());

      for (const [route, heading] of SCREENS[handle] ?? []) {
        // Act
        await openInPage(page, route, heading);

        // Assess: the error, with the way to sign in again, and no "none" words or count beside it
        const now = await shown(page);
        expect(now.alerts.length, route).toBeGreaterThan(0);
        for (const alert of now.alerts) expect(alert, route).toMatch(/^Your sign-in has expired\./);
        expect(now.empty, route).toEqual([]);
        expect(now.counts, route).toEqual([]);
        expect(now.signInAgain, route).toBeGreaterThan(0);
      }
      await expectAccessible(page, `failed-read-expired-${handle}`);
      await close();
    });
  }

  it('when the sign-in has expired, Today offers to sign in again once, at the top, and each queue says it was not read', async () => {
    // Prepare: signed in, then the tab's token expires
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await page.evaluate((token) => sessionStorage.setItem('confide.console.token', token), expiredToken());

    // Act
    await openInPage(page, '/registers/breaches', 'Breach register');
    await openInPage(page, '/today', 'Today');

    // Assess: one alert with one button, right after the heading; each queue a short line, no count nor "none"
    const now = await shown(page);
    expect(now.alerts).toHaveLength(1);
    expect(now.alerts[0]).toMatch(/^Your sign-in has expired\./);
    expect(now.signInAgain).toBe(1);
    await expect(
      page.evaluate(() => {
        const alert = document.querySelector('main [role="alert"]');
        const firstQueue = document.querySelector('main section.queue');
        return Boolean(
          alert && firstQueue && alert.compareDocumentPosition(firstQueue) & Node.DOCUMENT_POSITION_FOLLOWING,
        );
      }),
    ).resolves.toBe(true);
    const queues = await page
      .locator('section.queue')
      .evaluateAll((sections) =>
        sections.map((section) => section.querySelector('.unread-queue')?.textContent ?? ''),
      );
    expect(queues.length).toBeGreaterThan(1);
    for (const line of queues) expect(line).toBe('This queue could not be read.');
    expect(now.empty).toEqual([]);
    expect(now.counts).toEqual([]);
    await close();
  });

  it('signing in again from a screen whose read was refused returns to that screen, read afresh', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await page.evaluate((token) => sessionStorage.setItem('confide.console.token', token), 'not-a-token');
    await openInPage(page, '/registers/breaches', 'Breach register');
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/^Your sign-in was not accepted\./);
    await expect(page.getByRole('alert').innerText()).resolves.toContain(
      'Anything you typed here and have not sent will need typing again.',
    );

    // Act
    await page.getByRole('button', { name: 'Sign in again' }).click();
    await page.locator('button[data-handle="ig"]').click();

    // Assess: the same screen, read without error
    await page.getByRole('heading', { name: 'Breach register', level: 1 }).waitFor();
    await settled(page);
    const now = await shown(page);
    expect(now.alerts).toEqual([]);
    expect(now.empty).toEqual(['The register is empty.']);
    await close();
  });

  it('when the API answers with an error, the screens show it alone, and do not offer to sign in again', async () => {
    // Prepare: signed in, then every call answered with an error
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await page.route('**/graphql', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL' } }],
        }),
      }),
    );

    for (const [route, heading] of SCREENS.ig ?? []) {
      // Act
      await openInPage(page, route, heading);

      // Assess
      const now = await shown(page);
      expect(now.alerts.length, route).toBeGreaterThan(0);
      for (const alert of now.alerts)
        expect(alert, route).toBe('Something went wrong. Try again in a moment.');
      expect(now.empty, route).toEqual([]);
      expect(now.counts, route).toEqual([]);
      expect(now.signInAgain, route).toBe(0);
    }
    await close();
  });
});
