import { tenantScope } from '@confide/store';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { localIdOf } from '../support/fixtures';
import { settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * Registers and queues longer than one page of the API, in headless Chromium against the local stack: the subject
 * access requests (the store lists them oldest first, so the newest is on the last page), the breach register, the
 * disclosure register (newest first, so the oldest is on the last page) and the people of a service to open one's
 * disclosures. The console reads them whole, or says it has not, and never presents a first page as the whole; a
 * link to an entry past the first page still opens it.
 */

const suite = new ConsoleSuite('Long registers charity');
const { api, who, person, freshPage, signInAs, signInAt } = suite;

/** More than one page of the longest page the API gives (100), so the console must follow a cursor. */
const ANSWERED_REQUESTS = 120;
const BREACHES = 120;
const DISCLOSURES = 105;
const SERVICE_PEOPLE = 105;

/** The people of a service longer than one page of its list, and the manager who alone sees them. */
const longService = { id: '', people: [] as string[] };

/** The person whose request is the only open one, received today: the last the store lists. */
let askingNow = '';
/** The first breach discovered: the last of the register, newest discovery first. */
let oldestBreach = { id: '', nature: '' };

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

beforeAll(async () => {
  // Prepare: a service whose manager shares a person's note without consent many times, an IG lead and a Guardian.
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  await Promise.all([person('ig', ['IG_LEAD']), person('guardian', ['CALDICOTT_GUARDIAN'])]);
  const askedBefore = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Asked before' });
  askingNow = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Asking now' });

  // Subject access: answered requests received on each of the last 120 days (seeded through the store, as volume
  // tests do), then one open request received today, recorded through the API.
  const scope = tenantScope(org.orgId);
  for (let start = 0; start < ANSWERED_REQUESTS; start += 10) {
    await Promise.all(
      Array.from({ length: 10 }, async (_, offset) => {
        const opened = await api.services.subjectAccess.open(scope, {
          clientId: localIdOf(askedBefore),
          receivedOn: daysAgo(ANSWERED_REQUESTS - start - offset)
            .toISOString()
            .slice(0, 10),
          requestedBy: own.manager.staffId,
          openedByPerson: false,
          identityCheck: 'PHOTO_ID',
        });
        await api.services.subjectAccess.complete(scope, opened);
      }),
    );
  }
  expectNoErrors(
    await api.graphql(
      'mutation ($c: ID!, $r: String!) { requestSubjectAccess(serviceUserId: $c, receivedOn: $r, identityCheck: PHOTO_ID) { id } }',
      { token: own.manager.token, variables: { c: askingNow, r: new Date().toISOString().slice(0, 10) } },
    ),
  );

  // Breaches: one discovered each hour, the first 120 hours ago.
  const reported: { id: string; nature: string }[] = [];
  for (let start = 0; start < BREACHES; start += 10) {
    const batch = await Promise.all(
      Array.from({ length: 10 }, async (_, offset) => {
        const index = start + offset;
        const result = await api.graphql<{ reportBreach: { id: string; nature: string } }>(
          'mutation ($input: ReportBreachInput!) { reportBreach(input: $input) { id nature } }',
          {
            token: who('ig').token,
            variables: {
              input: {
                nature: `Letter sent to the wrong address, number ${index + 1}`,
                categories: ['CONTACT'],
                approximateSubjects: 1,
                discoveredAt: new Date(Date.now() - (BREACHES - index) * 3_600_000).toISOString(),
              },
            },
          },
        );
        expectNoErrors(result);
        return result.data?.reportBreach ?? { id: '', nature: '' };
      }),
    );
    reported.push(...batch);
  }
  oldestBreach = reported[0] ?? oldestBreach;

  // Disclosures: the manager shares the person's note without consent, more times than one page holds.
  const note = await recordNote(
    api,
    own.manager,
    askedBefore,
    'DAILY_SUPPORT',
    'Said they felt unsafe at home.',
  );
  for (let start = 0; start < DISCLOSURES; start += 15) {
    await Promise.all(
      Array.from({ length: Math.min(15, DISCLOSURES - start) }, async () =>
        expectNoErrors(
          await api.graphql(
            'mutation ($input: ExceptionalDisclosureInput!) { recordExceptionalDisclosure(input: $input) { requestId } }',
            {
              token: own.manager.token,
              variables: {
                input: {
                  serviceUserId: askedBefore,
                  recipient: 'Adult social care duty team',
                  legalBasis: 'SAFEGUARDING',
                  reasoning: 'A risk of serious harm that could not wait for consent.',
                  itemIds: [note],
                  clientInformed: true,
                },
              },
            },
          ),
        ),
      ),
    );
  }
  // People: a service of its own with more people than one page of its list holds, registered by its manager.
  const long = await createServiceWithManager(api, org);
  suite.list('long-service-manager', long.manager, ['SERVICE_MANAGER']);
  longService.id = long.serviceId;
  for (let start = 0; start < SERVICE_PEOPLE; start += 15) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(15, SERVICE_PEOPLE - start) }, (_, offset) =>
        registerServiceUser(api, long.manager, long.serviceId, { name: `Person ${start + offset + 1}` }),
      ),
    );
    longService.people.push(...batch);
  }
  await suite.serve();
});

/** A new page that also fails on any refused request: nothing here provokes one. */
const freshPageNoRefusals = () => freshPage({ failOnRefusals: true });

const caption = (page: Page) => page.locator('main table caption').innerText();

describe('registers longer than one page', () => {
  it('Today shows the open subject access request the store lists after a hundred answered ones', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAs(page, 'ig');

    // Assess: the one open request, counted as the whole, not "none open"
    const queue = page.locator('#subject-access');
    await expect(queue.locator('.count').getAttribute('data-count')).resolves.toBe('1');
    await expect(queue.locator('.count').innerText()).resolves.toBe('(1)');
    await expect(queue.innerText()).resolves.not.toContain('No subject access request is open.');
    await expect(queue.locator('.item-detail').innerText()).resolves.toContain(
      `person …${askingNow.replaceAll('=', '').slice(-8)}`,
    );
    await close();
  });

  it('the subject access register lists every request, the newest open one first', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'guardian', '/registers/subject-access', 'Subject access requests');

    // Assess
    await expect(caption(page)).resolves.toBe(
      `${ANSWERED_REQUESTS + 1} requests, open ones first, soonest deadline first`,
    );
    const first = page.locator('main tbody tr').first();
    await expect(first.locator(`a[href="#/person/${encodeURIComponent(askingNow)}"]`).count()).resolves.toBe(
      1,
    );
    await expect(first.innerText()).resolves.toContain('open');
    await close();
  });

  it('the breach register lists every entry and opens the first one discovered by its link', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'ig', '/registers/breaches', 'Breach register');

    // Assess: every entry, the oldest last, with its link
    await expect(caption(page)).resolves.toBe(`${BREACHES} entries, newest discovery first`);
    await expect(page.locator('main tbody tr').last().innerText()).resolves.toContain(oldestBreach.nature);

    // Act: its link
    await page.locator('main tbody tr').last().getByRole('link', { name: 'Assess' }).click();
    await page.getByRole('heading', { name: 'Breach', level: 1 }).waitFor();
    await settled(page);

    // Assess: the entry, ready to assess
    await expect(page.locator('.facts').innerText()).resolves.toContain(oldestBreach.nature);
    await expect(page.getByRole('button', { name: 'Record the assessment' }).count()).resolves.toBe(1);
    await close();
  });

  it('a link straight to a breach past the first page opens it', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'ig', `/registers/breaches/${encodeURIComponent(oldestBreach.id)}`, 'Breach');

    // Assess
    await expect(page.locator('main').innerText()).resolves.not.toContain('No such entry.');
    await expect(page.locator('.facts').innerText()).resolves.toContain(oldestBreach.nature);
    await close();
  });

  it('the disclosure register lists every disclosure of the period', async () => {
    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'ig', '/registers/disclosures', 'Disclosure register');

    // Assess
    await expect(caption(page)).resolves.toBe(`${DISCLOSURES} disclosures`);
    await expect(page.locator('main tbody tr').count()).resolves.toBe(DISCLOSURES);
    await close();
  });

  it('the Disclosures list shows every person of a service longer than one page, and opens one past the first', async () => {
    // Prepare: a person the API's first page of the service's list (100, as the console asks) does not hold.
    const firstPage = await api.graphql<{ serviceUsers: { edges: { node: { id: string } }[] } }>(
      'query ($s: ID!) { serviceUsers(serviceId: $s, first: 100) { edges { node { id } } } }',
      { token: who('long-service-manager').token, variables: { s: longService.id } },
    );
    expectNoErrors(firstPage);
    const onFirstPage = new Set(firstPage.data?.serviceUsers.edges.map(({ node }) => node.id));
    const pastFirstPage = longService.people.find((id) => !onFirstPage.has(id)) ?? '';
    expect(pastFirstPage).not.toBe('');

    // Act
    const { page, close } = await freshPageNoRefusals();
    await signInAt(page, 'long-service-manager', '/disclosures', 'Disclosures');

    // Assess: every person of the service, and no word of a list cut short
    const section = page.locator('main section.card');
    await expect(section.count()).resolves.toBe(1);
    await expect(section.locator('li a[href^="#/disclosures/"]').count()).resolves.toBe(SERVICE_PEOPLE);
    await expect(section.locator('li a[href^="#/person/"]').count()).resolves.toBe(SERVICE_PEOPLE);
    await expect(page.locator('main .notice').count()).resolves.toBe(0);

    // Act: open the person past the first page
    await section.locator(`a[href="#/disclosures/${encodeURIComponent(pastFirstPage)}"]`).click();
    await page
      .getByRole('heading', {
        name: `Disclosures about person …${pastFirstPage.replaceAll('=', '').slice(-8)}`,
      })
      .waitFor();
    await settled(page);

    // Assess: their disclosures, with the actions the manager may take
    await expect(
      page.getByRole('heading', { name: 'Requests and disclosures', level: 2 }).count(),
    ).resolves.toBe(1);
    await close();
  });
});
