import { readFileSync } from 'node:fs';
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
import { createService } from '../support/records-fixtures';
import { workingHoursAroundNow } from '../support/working-hours';
import { expectAccessible, settled, waitUntil } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * Issue 19, "Access at a glance" and "subject access requests and their exports", in headless Chromium against the
 * local stack: the IG lead reads the heat-map and opens a cell's accesses, a manager's map holds only their
 * services, the Caldicott Guardian approves an export that the IG lead then downloads and answers, and roles that
 * may not see these screens see nothing of them. axe-core on every screen; screenshots in test/console/screenshots.
 */

const suite = new ConsoleSuite('Glance test charity');
const { api, people, person, token, signInAs } = suite;
let client = '';
let request = '';
let secondClient = '';

const londonToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', dateStyle: 'short' }).format(new Date());

beforeAll(async () => {
  // Prepare: two services; a worker reads their allocated person, an outsider is refused, and the person asks for
  // their data (recorded by their service's manager).
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  // A second service, by another name: "Community outreach".
  await createService(api, { org, ...own }, await person('other-manager', ['SERVICE_MANAGER']));
  const [worker, outsider] = await Promise.all([
    person('worker', ['SUPPORT_WORKER']),
    person('outsider', ['SUPPORT_WORKER']),
    person('ig', ['IG_LEAD']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
  ]);
  // Working hours around now: the reads below are ordinary (no out-of-hours mark) whatever the time the test runs at.
  await workingHoursAroundNow(api, token('ig'));
  client = await registerServiceUser(api, own.manager, own.serviceId);
  await allocate(api, own.manager, client, worker);
  const read = (who: Person) =>
    api.graphql('query ($id: ID!) { serviceUser(id: $id) { reference } }', {
      token: who.token,
      variables: { id: client },
    });
  for (const who of [worker, worker, worker, outsider]) await read(who);
  // The service's manager discloses without consent: a review for the Guardian, naming who disclosed.
  const note = await recordNote(api, own.manager, client, 'DAILY_SUPPORT', 'Missed two visits this week.');
  expectNoErrors(
    await api.graphql(
      'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
      {
        token: own.manager.token,
        variables: {
          input: {
            serviceUserId: client,
            recipient: 'Adult social care duty team',
            legalBasis: 'SAFEGUARDING',
            reasoning: 'A risk of serious harm that could not wait for consent.',
            itemIds: [note],
            clientInformed: true,
          },
        },
      },
    ),
  );
  const recorded = await api.graphql<{ requestSubjectAccess: { id: string } }>(
    'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { id } }',
    { token: own.manager.token, variables: { c: client, r: new Date().toISOString().slice(0, 10) } },
  );
  expectNoErrors(recorded);
  request = recorded.data?.requestSubjectAccess.id ?? '';
  // A second person's request, recorded by the IG lead: theirs is never to approve.
  secondClient = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Bea Second' });
  expectNoErrors(
    await api.graphql(
      'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: KNOWN_TO_STAFF) { id } }',
      { token: token('ig'), variables: { c: secondClient, r: new Date().toISOString().slice(0, 10) } },
    ),
  );
  await suite.serve();
});

/** A new page that keeps downloads (the export) and also fails on any refused request: nothing here provokes one. */
const freshPage = (viewport?: { width: number; height: number }) =>
  suite.freshPage({ viewport, acceptDownloads: true, failOnRefusals: true });

async function openHeatMap(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Access at a glance' }).click();
  await page.getByRole('heading', { name: 'Access at a glance', level: 1 }).waitFor();
  await settled(page);
}

/** The subject access register's row for a person. */
const rowOf = (page: Page, person: string) =>
  page.locator('tr', { has: page.locator(`a[href="#/person/${encodeURIComponent(person)}"]`) });

const cellLink = (page: Page, handle: string) =>
  page.locator(
    `a[href^="#/staff/${encodeURIComponent(people.get(handle)?.globalId ?? '')}/${londonToday()}/"]`,
  );

describe('access at a glance and subject access in the console', () => {
  it('the IG lead reads the heat-map, marks in text as well as colour, and opens a cell’s accesses', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await openHeatMap(page);

    // Assess: a row per staff member, today's cells in words
    await expect(page.getByRole('row', { name: /Staff worker/ }).count()).resolves.toBe(1);
    await expect(cellLink(page, 'worker').textContent()).resolves.toMatch(
      /^3 — Staff worker \(support worker, worker\) on \w{3} \d{1,2} \w{3}: 3 reads\. Open that day’s accesses\.$/,
    );
    await expect(cellLink(page, 'outsider').locator('.reads, .flags').allInnerTexts()).resolves.toEqual([
      '0',
      'R1',
    ]);
    await expect(cellLink(page, 'outsider').locator('xpath=..').getAttribute('class')).resolves.toContain(
      'flagged',
    );
    await expectAccessible(page, 'access-at-a-glance');

    // Act: the period, then the cell
    await page.getByLabel('Period').selectOption('31');
    await page.getByRole('button', { name: 'Show the map' }).click();
    await waitUntil(page, () => location.hash === '#/access/31');
    // The hash changes before the screen starts loading: wait for the new map itself, not for "Loading…" to go.
    await waitUntil(page, () => document.querySelectorAll('.heat-map thead th.day').length === 32);
    await settled(page);
    await page.getByLabel('Accesses to clients of').selectOption({ label: 'Community outreach' });
    await page.getByRole('button', { name: 'Show the map' }).click();
    await waitUntil(page, () => /^#\/access\/31\/.+/.test(location.hash));
    await page.locator('main', { hasText: 'Nobody accessed a record in this period.' }).waitFor();
    await settled(page);
    await page.getByLabel('Accesses to clients of').selectOption({ label: 'Supported living north' });
    await page.getByRole('button', { name: 'Show the map' }).click();
    await settled(page);
    await cellLink(page, 'worker').waitFor();
    await cellLink(page, 'worker').click();
    await page.getByRole('heading', { name: /^What Staff worker accessed on /, level: 1 }).waitFor();
    await settled(page);
    await expect(page.locator('.count-line').innerText()).resolves.toBe('3 of 3 accesses');
    await expectAccessible(page, 'staff-access-on-a-day');
    await close();
  });

  it('reaches a heat-map cell by keyboard alone on a tablet', async () => {
    const { page, close } = await freshPage({ width: 768, height: 1024 });
    await signInAs(page, 'guardian');
    await openHeatMap(page);
    const href = await cellLink(page, 'worker').getAttribute('href');
    let focused = '';
    for (let presses = 0; presses < 60 && focused !== href; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('href') ?? '');
    }
    expect(focused).toBe(href);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(768);
    await expectAccessible(page, 'access-at-a-glance-tablet');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /^What Staff worker accessed on /, level: 1 }).waitFor();
    await close();
  });

  it('a service manager’s heat-map holds only their services’ clients, and they have no subject access screen', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'other-manager');
    await openHeatMap(page);
    await expect(page.locator('main').innerText()).resolves.toContain(
      'Nobody accessed a record in this period.',
    );
    await expectAccessible(page, 'access-at-a-glance-other-manager');
    await close();
    const own = await freshPage();
    await signInAs(own.page, 'manager');
    await openHeatMap(own.page);
    await expect(cellLink(own.page, 'worker').count()).resolves.toBe(1);
    expect(await own.page.getByRole('link', { name: 'Subject access' }).count()).toBe(0);
    await own.page.goto(`${suite.url}#/registers/subject-access`);
    await own.page.getByRole('heading', { name: 'Not available', level: 1 }).waitFor();
    expect(await own.page.locator('table').count()).toBe(0);
    await own.close();
  });

  it('the Guardian sees who made an exceptional disclosure, on Today and on its review', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'guardian');
    const item = page.locator('#disclosure-reviews li').first();
    // The manager was added by the fixtures under a generated handle (staff-…), their name built from it.
    await expect(item.innerText()).resolves.toMatch(/By Staff (staff-\w+) \(service manager, \1\)/);
    await item.getByRole('link').click();
    await page.getByRole('heading', { name: 'Disclosure review', level: 1 }).waitFor();
    await settled(page);
    await expect(page.locator('.facts').innerText()).resolves.toMatch(
      /Disclosed and recorded by\s+Staff (staff-\w+) \(service manager, \1\)/,
    );
    await expectAccessible(page, 'disclosure-review-actor');
    await close();
  });

  it('a support worker sees neither screen, whatever address they open', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'worker');
    for (const route of ['#/access', '#/registers/subject-access']) {
      await page.goto(`${suite.url}${route}`);
      await page.getByRole('heading', { name: 'Nothing to review', level: 1 }).waitFor();
      expect(await page.locator('table').count()).toBe(0);
    }
    await close();
  });

  it('the Guardian approves an export, and the IG lead downloads it and marks the request answered', async () => {
    // Act: the Guardian, from Today
    const guardian = await freshPage();
    await signInAs(guardian.page, 'guardian');
    await guardian.page.locator('#subject-access a[href="#/registers/subject-access"]').first().click();
    await guardian.page.getByRole('heading', { name: 'Subject access requests', level: 1 }).waitFor();
    await settled(guardian.page);
    expect(await guardian.page.getByRole('button', { name: /^Download the export/ }).count()).toBe(0);
    const first = rowOf(guardian.page, client);
    await expect(first.innerText()).resolves.toMatch(/waiting for a second person/);
    await expect(first.innerText()).resolves.toMatch(/recorded by Staff (staff-\w+) \(service manager, \1\)/);
    await expectAccessible(guardian.page, 'subject-access-guardian');
    await first.getByRole('button', { name: /^Approve the export/ }).click();
    await guardian.page.getByRole('status').filter({ hasText: 'Export approved.' }).waitFor();
    await expect(guardian.page.locator('main').innerText()).resolves.toContain('approved by you');
    await guardian.close();

    // Act: the IG lead
    const ig = await freshPage();
    await signInAs(ig.page, 'ig');
    await ig.page.getByRole('link', { name: 'Subject access' }).click();
    await ig.page.getByRole('heading', { name: 'Subject access requests', level: 1 }).waitFor();
    await settled(ig.page);
    await expectAccessible(ig.page, 'subject-access-ig');
    // The request the IG lead recorded: not theirs to approve, so not offered
    const own = rowOf(ig.page, secondClient);
    await expect(own.innerText()).resolves.toContain('recorded by you');
    expect(await own.getByRole('button').count()).toBe(0);
    const [download] = await Promise.all([
      ig.page.waitForEvent('download'),
      rowOf(ig.page, client)
        .getByRole('button', { name: /^Download the export/ })
        .click(),
    ]);
    await ig.page
      .getByRole('status')
      .filter({ hasText: /downloaded as subject-access-/ })
      .waitFor();
    await expectAccessible(ig.page, 'subject-access-downloaded');
    const saved = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as Record<string, unknown>;
    expect(download.suggestedFilename()).toBe(`subject-access-${request}.json`);
    expect(Object.keys(saved).length).toBeGreaterThan(0);
    await rowOf(ig.page, client)
      .getByRole('button', { name: /^Mark answered/ })
      .click();
    await ig.page.getByRole('status').filter({ hasText: 'Request marked answered.' }).waitFor();
    await ig.close();

    // Assess: the API holds both steps, and the Guardian is told the IG lead read the export
    const register = await api.graphql<{
      subjectAccessRequestsConnection: {
        edges: { node: { id: string; status: string; exportApproved: boolean } }[];
      };
    }>('{ subjectAccessRequestsConnection(first: 10) { edges { node { id status exportApproved } } } }', {
      token: token('guardian'),
    });
    expect(register.data?.subjectAccessRequestsConnection.edges.map(({ node }) => node)).toContainEqual({
      id: request,
      status: 'COMPLETED',
      exportApproved: true,
    });
    const notices = await api.graphql<{ subjectAccessExportNotices: { readBy: string }[] }>(
      '{ subjectAccessExportNotices { readBy } }',
      { token: token('guardian') },
    );
    expect(notices.data?.subjectAccessExportNotices).toEqual([{ readBy: people.get('ig')?.globalId }]);
  });
});
