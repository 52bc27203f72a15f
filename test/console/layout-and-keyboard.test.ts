import { tenantScope } from '@confide/store';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { localIdOf } from '../support/fixtures';
import { expectAccessible, settled, waitUntil } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * How the screens hold up to what people type and how they are worked, in headless Chromium against the local stack:
 * a long unbroken string (a pasted address) wraps instead of widening the page; the heat-map's filters apply when
 * asked, not while a keyboard user moves through a list's options; the focus ring stands out against the page and the
 * control; and a subject access request past its deadline is marked where the deadline is.
 */

const suite = new ConsoleSuite('Layout and keyboard charity');
const { api, who, person, freshPage, signInAt } = suite;

const VIEWPORT = { width: 1280, height: 800 };
/** A 303-character address with no space in it, as pasted into a breach's description. */
const LONG_URL = `https://files.example.org/shared/${'a1b2c3d4e5'.repeat(27)}`;
let longBreach = '';
/** A person whose subject access request, received 40 days ago, is still open: past its deadline. */
let overdueAsker = '';

beforeAll(async () => {
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  await Promise.all([person('ig', ['IG_LEAD']), person('guardian', ['CALDICOTT_GUARDIAN'])]);
  const reported = await api.graphql<{ reportBreach: { id: string } }>(
    'mutation ($input: ReportBreachInput!) { reportBreach(input: $input) { id } }',
    {
      token: who('ig').token,
      variables: {
        input: {
          nature: `Shared folder left open to anyone with the link: ${LONG_URL}`,
          categories: ['CONTACT'],
          approximateSubjects: 4,
          discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
          containment: `Link withdrawn: ${LONG_URL}`,
        },
      },
    },
  );
  expectNoErrors(reported);
  longBreach = reported.data?.reportBreach.id ?? '';
  // Seeded through the store, as the API takes no date more than a day back for a request received.
  overdueAsker = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Asked long ago' });
  await api.services.subjectAccess.open(tenantScope(org.orgId), {
    clientId: localIdOf(overdueAsker),
    receivedOn: new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10),
    requestedBy: own.manager.staffId,
    openedByPerson: false,
    identityCheck: 'PHOTO_ID',
  });
  await suite.serve();
});

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('a long unbroken string', () => {
  it('wraps inside the breach register, the breach and Today, instead of widening the page', async () => {
    const { page, close } = await freshPage({ viewport: VIEWPORT });
    await signInAt(page, 'ig', '/registers/breaches', 'Breach register');
    await page.getByText(LONG_URL, { exact: false }).first().waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(VIEWPORT.width);

    await suite.open(page, `/registers/breaches/${encodeURIComponent(longBreach)}`, 'Breach');
    expect(await pageWidth(page)).toBeLessThanOrEqual(VIEWPORT.width);

    await suite.open(page, '/today', 'Today');
    await page.locator('#breaches li').first().waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(VIEWPORT.width);
    await close();
  });
});

describe('the heat-map’s filters by keyboard', () => {
  it('moving through the Period’s options changes nothing until the filters are applied', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', '/access', 'Access at a glance');
    const before = await page.evaluate(() => location.hash);

    // Act: arrow through the options
    await page.getByLabel('Period').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');

    // Assess: still here, focus on the list
    await expect(page.evaluate(() => location.hash)).resolves.toBe(before);
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('heat-map-period');
    await expect(page.getByLabel('Period').inputValue()).resolves.toBe('31');

    // Act: apply them, by keyboard
    await page.getByRole('button', { name: 'Show the map' }).focus();
    await page.keyboard.press('Enter');

    // Assess
    await waitUntil(page, () => location.hash === '#/access/31');
    // The hash changes before the screen starts loading: wait for the new map itself.
    await waitUntil(page, () => document.querySelectorAll('.heat-map thead th.day').length === 32);
    await settled(page);
    await expect(page.getByLabel('Period').inputValue()).resolves.toBe('31');
    await expectAccessible(page, 'access-at-a-glance-filters');
    await close();
  });
});

/** Relative luminance of an sRGB colour given as rgb(…)/rgba(…), WCAG 2.2's definition. */
function luminance(colour: string): number {
  const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

const contrast = (a: string, b: string) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

describe('the focus ring', () => {
  it('has at least 3:1 contrast against the page and against the control it surrounds', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', '/registers/breaches', 'Breach register');
    for (const selector of [
      'main a',
      'button.secondary',
      'summary',
      '.report-breach button[type="submit"]',
    ]) {
      // Act: focus it by keyboard, as the ring shows for a keyboard user
      if (selector.startsWith('.report-breach')) await page.locator('summary').click();
      await page.locator(selector).first().focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        const style = getComputedStyle(element);
        const backgroundOf = (node: Element | null): string => {
          for (let at = node; at; at = at.parentElement) {
            const colour = getComputedStyle(at).backgroundColor;
            if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
          }
          return 'rgb(255, 255, 255)';
        };
        return {
          what: element.outerHTML.slice(0, 60),
          outline: style.outlineColor,
          outlineWidth: Number.parseFloat(style.outlineWidth),
          halo: style.boxShadow.match(/rgba?\([^)]*\)/)?.[0] ?? '',
          control: backgroundOf(element),
          page: backgroundOf(element.parentElement),
        };
      });

      // Assess: the ring against the page around it, and, through its halo, against the control
      expect(ring.outlineWidth, ring.what).toBeGreaterThanOrEqual(2);
      expect(contrast(ring.outline, ring.page), ring.what).toBeGreaterThanOrEqual(3);
      expect(contrast(ring.outline, 'rgb(246, 247, 249)'), ring.what).toBeGreaterThanOrEqual(3);
      expect(ring.halo, ring.what).not.toBe('');
      expect(contrast(ring.halo, ring.outline), ring.what).toBeGreaterThanOrEqual(3);
      expect(
        contrast(ring.halo, ring.control) >= 3 || contrast(ring.outline, ring.control) >= 3,
        ring.what,
      ).toBe(true);
    }
    await close();
  });
});

describe('a subject access request past its deadline', () => {
  it('is marked overdue in its Answer by column, not its Received one', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', '/registers/subject-access', 'Subject access requests');
    const row = page.locator('tr', {
      has: page.locator(`a[href="#/person/${encodeURIComponent(overdueAsker)}"]`),
    });
    const marks = await row
      .locator('td')
      .evaluateAll((cells) => cells.map((cell) => getComputedStyle(cell, '::before').content));
    const headings = await page.locator('table.subject-access thead th').allInnerTexts();

    // Assess
    expect(marks[headings.indexOf('Answer by')]).toBe('"Overdue · "');
    expect(marks[headings.indexOf('Received')]).not.toBe('"Overdue · "');
    await close();
  });
});
