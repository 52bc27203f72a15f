import { PERSON_ID_PROBLEMS } from '@confide/console/logic';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeCase } from '../retention/retention-support';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { createService } from '../support/records-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * A person's screen (“Who looked at …”: the access log, and the case actions, subject access, legal hold and erasure
 * offered there) is reached through the navigation, never only by typing its address: a service manager finds each
 * of their services' people on the People screen (`serviceUsers(serviceId:)`, by name, case reference and case
 * status) and on the Disclosures screen; the IG lead and the Caldicott Guardian, who see people by reference only and
 * may not search by name, find every service there and list a service's people, when they ask, by case reference and
 * case status (never by name; no one's people are read on arrival), with a filter by reference, or open one by the id
 * the API gives, whose shape the form checks. In headless Chromium against
 * the local stack through the api that runs registered documents only; axe-core on every screen; screenshots in
 * test/console/screenshots.
 */

const suite = new ConsoleSuite('People charity');
const { api, person, freshPage, signInAs } = suite;

/** The manager's people, by name: three in "Supported living north", one in "Community outreach". */
const people = new Map<string, string>();
/** A person of another manager's service, whom the manager must not be offered. */
let southPerson = '';
/** The person whose case the manager closed. */
const CLOSED = 'Closed Case Three';
/** Every person's name in the test world: none may appear to those who see people by reference only. */
const NAMES = ['Ada North One', 'Ben North Two', CLOSED, 'Dee Outreach Four', 'Eve South Five'];
/** Each person's case reference, by their id, as the API gives it to their service's manager. */
const references = new Map<string, string>();

beforeAll(async () => {
  // Prepare: a manager of two services with four people, one of them with a closed case; another manager's service
  // with one person, which someone who is also the IG lead manages too; the IG lead, the Guardian, a senior manager
  // and a support worker.
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  suite.list('senior', own.senior, ['ORG_ADMIN', 'SENIOR_MANAGER']);
  const outreach = await createService(api, { org, ...own }, own.manager);
  const [otherManager, managerAndIg] = await Promise.all([
    person('other-manager', ['SERVICE_MANAGER']),
    person('manager-ig', ['SERVICE_MANAGER', 'IG_LEAD']),
    person('ig', ['IG_LEAD']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
    person('support', ['SUPPORT_WORKER']),
  ]);
  const south = await api.graphql<{ createService: { id: string } }>(
    'mutation { createService(name: "Day centre south") { id } }',
    { token: own.senior.token },
  );
  expectNoErrors(south);
  const southService = south.data?.createService.id ?? '';
  for (const manager of [otherManager, managerAndIg]) {
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
        { token: own.senior.token, variables: { s: southService, m: manager.globalId } },
      ),
    );
  }
  for (const [name, serviceId] of [
    ['Ada North One', own.serviceId],
    ['Ben North Two', own.serviceId],
    [CLOSED, own.serviceId],
    ['Dee Outreach Four', outreach],
  ] as const) {
    people.set(name, await registerServiceUser(api, own.manager, serviceId, { name }));
  }
  expectNoErrors(await closeCase(api, own.manager, people.get(CLOSED) ?? ''));
  southPerson = await registerServiceUser(api, otherManager, southService, { name: 'Eve South Five' });
  for (const [manager, id] of [
    ...[...people.values()].map((id) => [own.manager, id] as const),
    [otherManager, southPerson] as const,
  ]) {
    const read = await api.graphql<{ serviceUser: { reference: string } }>(
      'query ($id: ID!) { serviceUser(id: $id) { reference } }',
      { token: manager.token, variables: { id } },
    );
    expectNoErrors(read);
    references.set(id, read.data?.serviceUser.reference ?? '');
  }
  expect(new Set(references.values()).size, 'each person has a case reference of their own').toBe(5);
  await suite.serve();
});

const personRoute = (id: string) => `#/person/${encodeURIComponent(id)}`;
const tail = (id: string) => id.replaceAll('=', '').slice(-8);

/** Follows a link of the navigation, as a person would; fails at once where the navigation has none. */
async function follow(page: Page, words: string, heading: string | RegExp): Promise<void> {
  const link = page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: words });
  expect(await link.count(), `the navigation offers ${words}`).toBe(1);
  await link.click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await settled(page);
}

/** The person links the screen's main part shows. */
const personLinks = (page: Page) =>
  page
    .locator('#main a[href^="#/person/"]')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));

/** The person links the screen's main part shows and the filter has not hidden. */
const shownPersonLinks = (page: Page) =>
  page
    .locator('#main a[href^="#/person/"]:visible')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));

const everyone = () => [...people.values(), southPerson];
const referenceOf = (id: string) => references.get(id) ?? '';

/** The text of the whole page, as a person sees it. */
const pageText = (page: Page) => page.locator('body').innerText();

/** The queries the page sent to the API, as their text. */
function sentQueries(page: Page): string[] {
  const sent: string[] = [];
  page.on('request', (request) => {
    if (!request.url().endsWith('/graphql')) return;
    const query = (JSON.parse(request.postData() ?? '{}') as { query?: string }).query;
    if (query) sent.push(query);
  });
  return sent;
}

/** The queries of people (`serviceUsers`) among those the page sent, by their operation's name. */
const peopleReads = (queries: readonly string[]) =>
  queries
    .filter((query) => query.includes('serviceUsers'))
    .map((query) => /query (\w+)/.exec(query)?.[1] ?? query);

/** The service's section on the People screen, by its heading. */
const serviceSection = (page: Page, service: string) =>
  page.locator('#main section', { has: page.getByRole('heading', { name: service, level: 2, exact: true }) });

/** Presses a service's “List its people”, as a person would, and waits for its people to be listed. */
async function listPeopleOf(page: Page, service: string): Promise<void> {
  const button = serviceSection(page, service).getByRole('button', { name: 'List its people' });
  expect(await button.count(), `${service} offers to list its people`).toBe(1);
  await button.click();
  await button.waitFor({ state: 'detached' });
  await settled(page);
}

/** The services listed by case reference in the test world, each of whose people the IG lead lists in turn. */
const BY_REFERENCE = ['Community outreach', 'Day centre south', 'Supported living north'];

/** Presses every service's “List its people”. */
async function listEveryone(page: Page, services: readonly string[] = BY_REFERENCE): Promise<void> {
  for (const service of services) await listPeopleOf(page, service);
}

/** Waits for a person's screen, the one of `id`, and says so. */
async function onPersonScreen(page: Page, id: string): Promise<void> {
  await page.getByRole('heading', { name: `Who looked at person …${tail(id)}`, level: 1 }).waitFor();
  await settled(page);
  expect(new URL(page.url()).hash).toBe(personRoute(id));
}

describe('the People screen, for a service manager', () => {
  it('lists each of their services’ people, by name, case reference and case status, and opens each one’s screen from the navigation alone', async () => {
    // Prepare
    const { page, close } = await freshPage();
    await signInAs(page, 'manager');

    // Act
    await follow(page, 'People', 'People');

    // Assess: their four people, in their services' sections; another service's person is not offered
    const main = page.locator('#main');
    await expect(main.getByRole('heading', { level: 2 }).allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['Community outreach', 'Supported living north', 'Go to a person']),
    );
    const north = main.locator('section', {
      has: page.getByRole('heading', { name: 'Supported living north' }),
    });
    await expect(north.getByRole('link').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining(['Ada North One', 'Ben North Two', CLOSED]),
    );
    const links = await personLinks(page);
    expect(new Set(links)).toEqual(new Set([...people.values()].map(personRoute)));
    expect(links).not.toContain(personRoute(southPerson));
    const closedRow = main.getByRole('row', { name: new RegExp(CLOSED) });
    await expect(closedRow.innerText()).resolves.toMatch(/SU-\w+\s+Closed/);
    const openRow = main.getByRole('row', { name: /Ada North One/ });
    await expect(openRow.innerText()).resolves.toMatch(/SU-\w+\s+Open/);
    await expectAccessible(page, 'people-manager');

    // Act and assess: each person's screen, through the navigation and the list only, with the manager's case actions
    for (const [name, id] of people) {
      await follow(page, 'People', 'People');
      const link = main.getByRole('link', { name, exact: true });
      expect(await link.count(), `the People screen links to ${name}`).toBe(1);
      await link.click();
      await onPersonScreen(page, id);
      await expect(page.locator('section.case-actions').count()).resolves.toBe(1);
    }
    await close();
  });

  it('shows a person whose name the API refuses by their case reference, and still lists the rest', async () => {
    // Prepare: the API's answer as it is when a field is refused (null, with an error entry for that field only),
    // for the first person of each page of a service's people
    const { page, close } = await freshPage();
    await page.route('**/graphql', async (route) => {
      if (!route.request().postData()?.includes('ConsoleManagedServicePeople')) return route.continue();
      const response = await route.fetch();
      const body = (await response.json()) as {
        data?: { serviceUsers?: { edges: { node: { name: string | null } }[] } };
        errors?: unknown[];
      };
      const first = body.data?.serviceUsers?.edges[0];
      if (first) {
        first.node.name = null;
        body.errors = [
          ...(body.errors ?? []),
          {
            message: 'Forbidden',
            path: ['serviceUsers', 'edges', 0, 'node', 'name'],
            extensions: { code: 'FORBIDDEN' },
          },
        ];
      }
      return route.fulfill({ response, json: body });
    });
    await signInAs(page, 'manager');

    // Act
    await follow(page, 'People', 'People');

    // Assess: every person listed and linked; the refused names told apart, by case reference
    expect(new Set(await personLinks(page))).toEqual(new Set([...people.values()].map(personRoute)));
    const refused = page
      .locator('#main')
      .getByRole('link', { name: /^Case SU-\w+ \(name not shown to you\)$/ });
    await expect(refused.count()).resolves.toBe(2);
    await expect(page.locator('#main').innerText()).resolves.toContain(
      'Some details of some people are not shown to you',
    );
    await expect(page.locator('#main').getByRole('alert').count()).resolves.toBe(0);
    await expectAccessible(page, 'people-name-refused');
    await close();
  });

  it('opens a person’s screen from their row on the Disclosures screen', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'manager');
    await follow(page, 'Disclosures', 'Disclosures');
    const id = people.get('Dee Outreach Four') ?? '';

    // Act
    const link = page.locator('#main').getByRole('link', { name: `Who looked at person …${tail(id)}` });
    expect(await link.count(), 'the row links to the person’s screen').toBe(1);
    await link.click();

    // Assess
    await onPersonScreen(page, id);
    await close();
  });
});

describe('the People screen, for the IG lead', () => {
  it('lists every service, reads no one’s people until asked, then lists a service’s people by case reference and case status, never by name, and opens a person’s screen from the list through the navigation alone', async () => {
    // Prepare
    const { page, close } = await freshPage();
    const queries = sentQueries(page);
    await signInAs(page, 'ig');

    // Act
    await follow(page, 'People', 'People');

    // Assess: every service, each with a way to list its people, and no one's people read (a visit records no read of
    // anyone's reference)
    const main = page.locator('#main');
    await expect(main.getByRole('heading', { level: 2 }).allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([
        'Supported living north',
        'Community outreach',
        'Day centre south',
        'Go to a person',
      ]),
    );
    expect(peopleReads(queries), 'no one’s people are read on arrival').toEqual([]);
    expect(await personLinks(page)).toEqual([]);
    await expect(main.getByRole('button', { name: 'List its people' }).count()).resolves.toBe(3);
    await expectAccessible(page, 'people-ig-services');

    // Act: one service's people listed
    await listPeopleOf(page, 'Supported living north');

    // Assess: that service's people only, read by one query of that service
    const north = ['Ada North One', 'Ben North Two', CLOSED].map((name) => people.get(name) ?? '');
    expect(new Set(await personLinks(page))).toEqual(new Set(north.map(personRoute)));
    expect(peopleReads(queries)).toEqual(['ConsoleServicePeopleByReference']);
    await expect(serviceSection(page, 'Community outreach').getByRole('button').count()).resolves.toBe(1);

    // Act: the others', in turn
    await listEveryone(page, ['Community outreach', 'Day centre south']);

    // Assess: every service's people, each linked by their case reference; no name shown, nor asked for
    expect(new Set(await personLinks(page))).toEqual(new Set(everyone().map(personRoute)));
    expect(await personLinks(page)).toHaveLength(everyone().length);
    for (const id of everyone()) {
      const link = main.getByRole('link', { name: `Case ${referenceOf(id)}`, exact: true });
      await expect(link.getAttribute('href')).resolves.toBe(personRoute(id));
    }
    const closedRow = main.getByRole('row', { name: new RegExp(referenceOf(people.get(CLOSED) ?? '')) });
    await expect(closedRow.innerText()).resolves.toMatch(/Closed/);
    const text = await pageText(page);
    for (const name of NAMES) expect(text, `the page names no one (${name})`).not.toContain(name);
    const peopleQueries = queries.filter((query) => query.includes('serviceUsers'));
    expect(peopleQueries.length).toBeGreaterThan(0);
    for (const query of peopleQueries) expect(query, 'no name is asked for').not.toMatch(/\bname\b/);
    await expect(main.getByRole('alert').count()).resolves.toBe(0);
    await expectAccessible(page, 'people-ig-by-reference');

    // Act: a person's screen, from their case reference in the list
    const id = people.get('Ben North Two') ?? '';
    await main.getByRole('link', { name: `Case ${referenceOf(id)}`, exact: true }).click();

    // Assess: their screen, with what the IG lead does there
    await onPersonScreen(page, id);
    await expect(page.getByRole('button', { name: 'Place the hold' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Propose the erasure' }).count()).resolves.toBe(1);
    await close();
  });

  it('narrows the list to the people whose case reference holds what was typed', async () => {
    // Prepare
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await follow(page, 'People', 'People');
    await listEveryone(page);
    const main = page.locator('#main');
    const card = main.locator('section', {
      has: page.getByRole('heading', { name: 'Find a person by case reference' }),
    });
    const filter = card.getByLabel('Filter by case reference');
    const said = () => card.getByRole('status').innerText();
    const id = people.get('Dee Outreach Four') ?? '';

    // Act: their reference, as someone might type it
    await filter.fill(` ${referenceOf(id).toLowerCase()} `);

    // Assess: that one person, and in words how many of how many
    expect(await shownPersonLinks(page)).toEqual([personRoute(id)]);
    await expect(said()).resolves.toBe(
      `1 of 5 people listed: those whose case reference holds “${referenceOf(id)}”.`,
    );
    await expect(main.getByRole('heading', { name: 'Supported living north' }).isVisible()).resolves.toBe(
      false,
    );
    await expectAccessible(page, 'people-ig-filtered');

    // Act and assess: a text no reference holds, then nothing
    await filter.fill('no such reference');
    expect(await shownPersonLinks(page)).toEqual([]);
    await expect(said()).resolves.toBe('No listed person’s case reference holds “NOSUCHREFERENCE”.');
    await filter.fill('');
    expect(new Set(await shownPersonLinks(page))).toEqual(new Set(everyone().map(personRoute)));
    await expect(said()).resolves.toBe('All 5 people are listed.');

    // Act: the one person left, opened
    await filter.fill(referenceOf(id));
    await main.getByRole('link', { name: `Case ${referenceOf(id)}`, exact: true }).click();

    // Assess
    await onPersonScreen(page, id);
    await close();
  });

  it('says when the list was cut short', async () => {
    // Prepare: the API's answer when a service's people go on past what the screen reads (each page after the first
    // empty, and more after it)
    const { page, close } = await freshPage();
    await page.route('**/graphql', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as {
        query?: string;
        variables?: { after?: string | null };
      };
      if (!body.query?.includes('serviceUsers')) return route.continue();
      if (body.variables?.after) {
        return route.fulfill({
          json: { data: { serviceUsers: { pageInfo: { hasNextPage: true, endCursor: 'more' }, edges: [] } } },
        });
      }
      const response = await route.fetch();
      const json = (await response.json()) as {
        data?: { serviceUsers?: { pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
      };
      if (json.data?.serviceUsers) json.data.serviceUsers.pageInfo = { hasNextPage: true, endCursor: 'more' };
      return route.fulfill({ response, json });
    });
    await signInAs(page, 'ig');

    // Act
    await follow(page, 'People', 'People');
    await listEveryone(page);

    // Assess: everyone read is listed, and the screen says that the list is not the whole of it
    expect(new Set(await personLinks(page))).toEqual(new Set(everyone().map(personRoute)));
    const text = await page.locator('#main').innerText();
    expect(text).toContain('The list was cut short');
    expect(text).toMatch(/The first 3 people of Supported living north \(it has more, not shown here\)/);
    await expect(page.locator('#main').getByRole('alert').count()).resolves.toBe(0);
    await close();
  });

  it('opens a person’s screen by the id the API gives, and says in words what is not an id', async () => {
    // Prepare
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await follow(page, 'People', 'People');
    const main = page.locator('#main');
    const form = main.locator('section', { has: page.getByRole('heading', { name: 'Go to a person' }) });
    const field = form.getByLabel('Person’s id');
    const go = form.getByRole('button', { name: 'Open their screen' });
    const said = () => form.getByRole('alert').innerText();
    await expectAccessible(page, 'people-ig');

    // Act and assess: a case reference, a name and nothing are refused in words, and nothing is opened
    await field.fill('SU-7KQ2M9XA');
    await go.click();
    await expect(said()).resolves.toBe(PERSON_ID_PROBLEMS.caseReference);
    await field.fill('Ada North One');
    await go.click();
    await expect(said()).resolves.toBe(PERSON_ID_PROBLEMS.notAnId);
    await field.fill('');
    await go.click();
    await expect(said()).resolves.toBe(PERSON_ID_PROBLEMS.missing);
    expect(new URL(page.url()).hash).toBe('#/people');
    await expectAccessible(page, 'people-ig-bad-id');

    // Act: the id as it was copied, with spaces around it
    const id = people.get('Ben North Two') ?? '';
    await field.fill(`  ${id}\n`);
    await go.click();

    // Assess: their screen, with what the IG lead does there
    await onPersonScreen(page, id);
    await expect(page.getByRole('button', { name: 'Place the hold' }).count()).resolves.toBe(1);
    await expect(page.getByRole('button', { name: 'Propose the erasure' }).count()).resolves.toBe(1);
    await close();
  });

  it('opens a person’s screen from its address, pasted', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'ig');
    await follow(page, 'People', 'People');
    const id = people.get('Ada North One') ?? '';

    // Act
    await page.getByLabel('Person’s id').fill(`${suite.url}${personRoute(id)}`);
    await page.getByRole('button', { name: 'Open their screen' }).click();

    // Assess
    await onPersonScreen(page, id);
    await close();
  });
});

describe('who is offered the People screen', () => {
  it('is offered to those the person’s screen is for: the Guardian yes, with every service and, asked, its people by reference; a senior manager and a support worker no', async () => {
    const { page, close } = await freshPage();
    const queries = sentQueries(page);
    await signInAs(page, 'guardian');
    await follow(page, 'People', 'People');
    await expect(page.getByRole('heading', { name: 'Go to a person', level: 2 }).count()).resolves.toBe(1);
    expect(peopleReads(queries), 'no one’s people are read on arrival').toEqual([]);
    expect(await personLinks(page)).toEqual([]);
    await listEveryone(page);
    expect(new Set(await personLinks(page))).toEqual(new Set(everyone().map(personRoute)));
    const id = people.get('Ada North One') ?? '';
    await expect(
      page
        .locator('#main')
        .getByRole('link', { name: `Case ${referenceOf(id)}`, exact: true })
        .count(),
    ).resolves.toBe(1);
    const text = await pageText(page);
    for (const name of NAMES) expect(text, `the page names no one (${name})`).not.toContain(name);
    await expectAccessible(page, 'people-guardian');
    await close();
    for (const handle of ['senior', 'support']) {
      const other = await freshPage();
      await signInAs(other.page, handle);
      await expect(
        other.page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'People' }).count(),
      ).resolves.toBe(0);
      await other.close();
    }
  });
});

describe('the People screen, for a service’s manager who is also the IG lead', () => {
  it('lists the people of the service they manage by name, and everyone else by case reference when asked, each once', async () => {
    // Prepare
    const { page, close } = await freshPage();
    const queries = sentQueries(page);
    await signInAs(page, 'manager-ig');

    // Act
    await follow(page, 'People', 'People');

    // Assess: the south's person by name (they manage it), read on arrival; the other services' people not read
    const main = page.locator('#main');
    expect(peopleReads(queries)).toEqual(['ConsoleManagedServicePeople']);
    expect(await personLinks(page)).toEqual([personRoute(southPerson)]);
    await expect(
      serviceSection(page, 'Day centre south').getByRole('button', { name: 'List its people' }).count(),
    ).resolves.toBe(0);

    // Act: the other services' people, by reference
    await listEveryone(page, ['Community outreach', 'Supported living north']);

    // Assess: the rest by reference; nobody twice
    const links = await personLinks(page);
    expect(new Set(links)).toEqual(new Set(everyone().map(personRoute)));
    expect(links).toHaveLength(everyone().length);
    await expect(main.getByRole('link', { name: 'Eve South Five', exact: true }).count()).resolves.toBe(1);
    await expect(
      main.getByRole('link', { name: `Case ${referenceOf(southPerson)}`, exact: true }).count(),
    ).resolves.toBe(0);
    await expect(main.getByRole('heading', { name: 'Day centre south', level: 2 }).count()).resolves.toBe(1);
    for (const id of people.values()) {
      await expect(
        main.getByRole('link', { name: `Case ${referenceOf(id)}`, exact: true }).count(),
      ).resolves.toBe(1);
    }
    const text = await pageText(page);
    for (const name of NAMES.filter((name) => name !== 'Eve South Five')) expect(text).not.toContain(name);
    await expectAccessible(page, 'people-manager-and-ig');
    await close();
  });
});
