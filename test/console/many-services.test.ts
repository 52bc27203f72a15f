import { beforeAll, describe, expect, it } from 'vitest';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { ConsoleSuite } from './console-suite';

/**
 * An organisation with more services than one page of the API holds (100): the screens that list its services (the
 * Services screen, the Disclosures screen's people, the heat-map's service picker) read every page, so the service the
 * API lists past its first page is never left out. In headless Chromium against the local stack through the api that
 * runs registered documents only. The bound on the pages a screen reads (20, so 2,000 services) is proved by
 * console/src/connection-pages.test.ts: that many services take too long to create here.
 */

const suite = new ConsoleSuite('Many services charity');
const { api, person, freshPage, signInAt } = suite;

/** One more than the longest page the API gives (100), so the console must follow a cursor. */
const SERVICES = 101;
/** How many services the senior manager creates at once. */
const AT_ONCE = 10;

const serviceName = (index: number) => `Service ${String(index).padStart(3, '0')}`;

/** The service the API lists 101st, on its second page, and the one person registered there. */
const pastFirstPage = { id: '', name: '', person: '' };

beforeAll(async () => {
  // Prepare: a senior manager and the fixture's service, the other services created by the senior manager through
  // the API a few at a time; a manager and a Guardian.
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('senior', own.senior, ['ORG_ADMIN', 'SENIOR_MANAGER']);
  const [manager] = await Promise.all([
    person('manager', ['SERVICE_MANAGER']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
  ]);
  for (let start = 1; start < SERVICES; start += AT_ONCE) {
    await Promise.all(
      Array.from({ length: Math.min(AT_ONCE, SERVICES - start) }, async (_, offset) =>
        expectNoErrors(
          await api.graphql('mutation ($name: String!) { createService(name: $name) { id } }', {
            token: own.senior.token,
            variables: { name: serviceName(start + offset) },
          }),
        ),
      ),
    );
  }

  // The service past the API's first page, as the API lists them.
  const firstPage = await api.graphql<{ servicesConnection: { pageInfo: { endCursor: string } } }>(
    'query { servicesConnection(first: 100) { pageInfo { endCursor } } }',
    { token: own.senior.token },
  );
  expectNoErrors(firstPage);
  const secondPage = await api.graphql<{
    servicesConnection: { edges: { node: { id: string; name: string } }[] };
  }>(
    'query ($after: String!) { servicesConnection(first: 100, after: $after) { edges { node { id name } } } }',
    {
      token: own.senior.token,
      variables: { after: firstPage.data?.servicesConnection.pageInfo.endCursor },
    },
  );
  expectNoErrors(secondPage);
  const last = secondPage.data?.servicesConnection.edges.map(({ node }) => node) ?? [];
  expect(last).toHaveLength(1);
  Object.assign(pastFirstPage, last[0]);

  // A person registered there by its manager, the only person of the organisation.
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      { token: own.senior.token, variables: { s: pastFirstPage.id, m: manager.globalId } },
    ),
  );
  pastFirstPage.person = await registerServiceUser(api, manager, pastFirstPage.id, { name: 'Past the page' });
  await suite.serve();
});

/** A new page that also fails on any refused request: nothing here provokes one. */
const freshPageNoRefusals = () => freshPage({ failOnRefusals: true });

describe('an organisation with more services than one page of the API holds', () => {
  it('the Services screen lists every service for a senior manager, the one past the first page too', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'senior', '/services', 'Services');

    // Assess: a card for each service, and no word of a list cut short
    const cards = page.locator('main section.card');
    await expect(cards.locator('h2').allInnerTexts()).resolves.toContain(pastFirstPage.name);
    await expect(cards.count()).resolves.toBe(SERVICES);
    await expect(page.locator('main .notice').count()).resolves.toBe(0);
    await close();
  });

  it('the Disclosures screen shows the person of the service past the first page', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'guardian', '/disclosures', 'Disclosures');

    // Assess: that service's card, with its person
    const card = page.locator(`main section[aria-label="${pastFirstPage.name}"]`);
    await expect(
      card.locator(`a[href="#/disclosures/${encodeURIComponent(pastFirstPage.person)}"]`).count(),
    ).resolves.toBe(1);
    await expect(page.locator('main section.card').count()).resolves.toBe(1);
    await expect(page.locator('main .notice').count()).resolves.toBe(0);
    await close();
  });

  it('the heat-map offers every service to narrow it to, the one past the first page too', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'guardian', '/access', 'Access at a glance');

    // Assess: "Every service", then each service
    const options = page.locator('#heat-map-service option');
    await expect(options.allInnerTexts()).resolves.toContain(pastFirstPage.name);
    await expect(options.count()).resolves.toBe(SERVICES + 1);
    await expect(page.locator('main .notice').count()).resolves.toBe(0);
    await close();
  });
});
