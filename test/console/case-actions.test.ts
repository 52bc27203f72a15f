import { pendingSubjectWords } from '@confide/console/logic';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvalIdOf, closeCase, proposeErasure } from '../retention/retention-support';
import {
  allocate,
  codes,
  createServiceWithManager,
  expectNoErrors,
  type Person,
  registerServiceUser,
} from '../support/care-fixtures';
import { createService } from '../support/records-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * Issue 19, "every action the API offers for these roles is available, and what a role may not do is absent": a
 * person's case (closed and reopened, a safeguarding investigation opened and closed, a conflict of interest declared
 * and cleared) on their screen for their service's manager; a QA review assigned on the Services screen; a breach
 * reported on the register; subject access requests recorded by the IG lead (register) and a manager (person's
 * screen); the heat-map by service; and two pending erasures told apart by whom they erase. In headless Chromium
 * against the local stack through the api that runs registered documents only; each outcome is read back from the
 * API. axe-core on every screen; screenshots in test/console/screenshots.
 */

const suite = new ConsoleSuite('Case actions charity');
const { api, person, who, freshPage, signInAs, signInAt, open } = suite;
/** The manager's first service ("Supported living north") and second ("Community outreach"). */
let north = '';
let outreach = '';
/** Another manager's service. */
let southService = '';
/** People of the first service. */
let caseClient = '';
let conflictClient = '';
let sarByIg = '';
let sarByManager = '';
/** Two closed cases the IG lead proposed to erase: the Guardian approves one of them by whom it erases. */
let eraseFirst = '';
let eraseSecond = '';

const readReference = (reader: string, id: string) =>
  api.graphql<{ serviceUser: { reference: string | null } | null }>(
    'query ($id: ID!) { serviceUser(id: $id) { reference } }',
    { token: who(reader).token, variables: { id } },
  );

const caseStatus = async (id: string) => {
  const result = await api.graphql<{ serviceUser: { caseStatus: string } }>(
    'query ($id: ID!) { serviceUser(id: $id) { caseStatus } }',
    { token: who('manager').token, variables: { id } },
  );
  expectNoErrors(result);
  return result.data?.serviceUser.caseStatus;
};

beforeAll(async () => {
  // Prepare: a manager of two services; a worker, a safeguarding lead and a team leader in their teams; another
  // manager of a third service; the IG lead, the Guardian and a support worker with no governance work.
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  north = own.serviceId;
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  suite.list('senior', own.senior, ['ORG_ADMIN', 'SENIOR_MANAGER']);
  outreach = await createService(api, { org, ...own }, own.manager);
  const south = await api.graphql<{ createService: { id: string } }>(
    'mutation { createService(name: "Day centre south") { id } }',
    { token: own.senior.token },
  );
  expectNoErrors(south);
  southService = south.data?.createService.id ?? '';
  const [otherManager, worker, lead, teamLeader] = await Promise.all([
    person('other-manager', ['SERVICE_MANAGER']),
    person('worker', ['SUPPORT_WORKER']),
    person('lead', ['SAFEGUARDING_LEAD']),
    person('team-leader', ['TEAM_LEADER']),
    person('ig', ['IG_LEAD']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
    person('support', ['SUPPORT_WORKER']),
  ]);
  const team = (serviceId: string, staff: Person, by: string) =>
    api.graphql('mutation ($s: ID!, $m: ID!) { addServiceStaff(serviceId: $s, staffId: $m) { id } }', {
      token: by,
      variables: { s: serviceId, m: staff.globalId },
    });
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      { token: own.senior.token, variables: { s: southService, m: otherManager.globalId } },
    ),
  );
  for (const [serviceId, staff] of [
    [north, worker],
    [north, lead],
    [outreach, teamLeader],
  ] as const) {
    expectNoErrors(await team(serviceId, staff, own.manager.token));
  }
  const register = (name: string) => registerServiceUser(api, own.manager, north, { name });
  [caseClient, conflictClient, sarByIg, sarByManager, eraseFirst, eraseSecond] = await Promise.all([
    register('Case One'),
    register('Conflict Two'),
    register('Subject Three'),
    register('Subject Four'),
    register('Erase Five'),
    register('Erase Six'),
  ]);
  await allocate(api, own.manager, conflictClient, worker);
  for (const id of [eraseFirst, eraseSecond]) {
    expectNoErrors(await closeCase(api, own.manager, id));
    approvalIdOf(await proposeErasure(api, who('ig').token, id));
  }
  // Reads for the heat-map: the worker reads their person; the other manager reads their own service's person.
  expectNoErrors(await readReference('worker', conflictClient));
  const southClient = await registerServiceUser(api, otherManager, southService, { name: 'South Seven' });
  expectNoErrors(await readReference('other-manager', southClient));

  await suite.serve();
});

const personRoute = (id: string) => `/person/${encodeURIComponent(id)}`;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Presses Tab until the focused element is named `name` (at most 60 times), as a keyboard user moves. */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let step = 0; step < 60; step++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === name) return;
  }
  throw new Error(`Tab never reached “${name}”`);
}

/**
 * Does `act` (a click, a key) and returns the words of the answer it brings: a notice `scope`'s outcome did not show
 * before. Whatever the answer says, the test's assertion reads it, so an unexpected one (a refusal, a fault) fails at
 * once with its words instead of leaving a wait for other words to hang.
 */
async function answerTo(scope: Locator, act: () => Promise<void>): Promise<string> {
  await scope.evaluate((element) => {
    for (const shown of element.querySelectorAll('.outcome .notice')) shown.setAttribute('data-seen', '');
  });
  await act();
  const notice = scope.locator('.outcome .notice:not([data-seen])').first();
  await notice.waitFor();
  return notice.innerText();
}

describe('a person’s case, for their service’s manager', () => {
  it('closes and reopens the case', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', personRoute(caseClient), /^Who looked at /);
    const card = page.locator('section.case-actions');
    await expect(card.innerText()).resolves.toMatch(/Service\s+Supported living north\s+Case\s+open/);
    await expectAccessible(page, 'case-open');

    // Act: close it today
    await expect(
      answerTo(card, () => card.getByRole('button', { name: 'Close the case' }).click()),
    ).resolves.toMatch(/^The case of person …\w+ is closed\.$/);
    expect(await caseStatus(caseClient)).toBe('CLOSED');
    await expectAccessible(page, 'case-closed');

    // Act: reopen it
    await expect(
      answerTo(card, () => card.getByRole('button', { name: 'Reopen the case' }).click()),
    ).resolves.toMatch(/is open again\.$/);
    expect(await caseStatus(caseClient)).toBe('OPEN');
    await close();
  });

  it('opens a safeguarding investigation naming the service’s safeguarding lead, and closes it by its reference', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', personRoute(caseClient), /^Who looked at /);
    const card = page.locator('section.case-actions');

    // Act: open, naming the lead (the only safeguarding lead in the service's team)
    await card
      .getByLabel('Investigating safeguarding lead')
      .selectOption({ label: 'Staff lead (safeguarding lead, lead)' });
    const opened = await answerTo(card, () =>
      card.getByRole('button', { name: 'Open the investigation' }).click(),
    );
    const reference = /Its reference is (\S+):/.exec(opened)?.[1] ?? '';
    expect(reference).not.toBe('');
    await expectAccessible(page, 'investigation-opened');

    // Act: a reference of no investigation of this person is refused in words, with its code
    await card.getByLabel('Investigation reference').fill('inv_NOTAREALREFERENCE');
    await expect(
      answerTo(card, () => card.getByRole('button', { name: 'Close the investigation' }).click()),
    ).resolves.toBe('No investigation of this person has that reference. (code BAD_USER_INPUT)');

    // Act: close it with the reference it was given
    await card.getByLabel('Investigation reference').fill(reference);
    await expect(
      answerTo(card, () => card.getByRole('button', { name: 'Close the investigation' }).click()),
    ).resolves.toContain(`Investigation ${reference} on person`);

    // Assess: the API holds it closed (closing again is its CONFLICT)
    const again = await api.graphql(
      'mutation ($c: [ID!]!, $i: ID!) { closeSafeguardingInvestigation(serviceUserIds: $c, investigationId: $i) }',
      { token: who('manager').token, variables: { c: [caseClient], i: reference } },
    );
    expect(codes(again)).toEqual(['CONFLICT']);
    await close();
  });

  it('declares a conflict of interest that bars the allocated worker, then clears it', async () => {
    expectNoErrors(await readReference('worker', conflictClient));
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', personRoute(conflictClient), /^Who looked at /);
    const card = page.locator('section.case-actions');

    // Act: declare
    await card
      .getByLabel('Staff member connected to this person')
      .selectOption({ label: 'Staff worker (support worker, worker)' });
    await card.getByLabel('How they are connected').selectOption({ label: 'A relative' });
    await expect(
      answerTo(card, () => card.getByRole('button', { name: 'Declare the conflict' }).click()),
    ).resolves.toMatch(/^Conflict declared: Staff worker/);
    await expectAccessible(page, 'conflict-declared');

    // Assess: the worker is refused the person now
    expect(codes(await readReference('worker', conflictClient))).toEqual(['NOT_FOUND']);

    // Act: clear
    await card
      .getByLabel('Staff member whose conflict ends')
      .selectOption({ label: 'Staff worker (support worker, worker)' });
    await expect(
      answerTo(card, () => card.getByRole('button', { name: 'Clear the conflict' }).click()),
    ).resolves.toMatch(/^Conflict cleared: Staff worker/);
    await close();

    // Assess: their allocation opens the person again
    expectNoErrors(await readReference('worker', conflictClient));
  });

  it('works by keyboard alone', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', personRoute(caseClient), /^Who looked at /);
    const card = page.locator('section.case-actions');

    // Act: Tab to the button (through every control before it) and press Enter, then again to reopen
    await tabTo(page, 'Close the case');
    await expect(answerTo(card, () => page.keyboard.press('Enter'))).resolves.toMatch(/is closed\.$/);
    expect(await caseStatus(caseClient)).toBe('CLOSED');
    await tabTo(page, 'Reopen the case');
    await expect(answerTo(card, () => page.keyboard.press('Enter'))).resolves.toMatch(/is open again\.$/);
    await close();

    // Assess
    expect(await caseStatus(caseClient)).toBe('OPEN');
  });

  it('is offered to nobody else: not the IG lead, the Guardian or another service’s manager', async () => {
    for (const handle of ['ig', 'guardian', 'other-manager']) {
      const { page, close } = await freshPage();
      await signInAt(page, handle, personRoute(caseClient), /^Who looked at /);
      expect(await page.locator('section.case-actions').count(), handle).toBe(0);
      expect(
        await page.getByRole('button', { name: /Close the case|Open the investigation|Declare/ }).count(),
      ).toBe(0);
      await close();
    }
  });
});

describe('QA reviews on the Services screen', () => {
  it('a manager assigns a team leader of their other service to review the first, who may then read its people', async () => {
    // Prepare: the team leader works in the second service only, so the first's people are not theirs
    expect(codes(await readReference('team-leader', caseClient))).toEqual(['NOT_FOUND']);
    const { page, close } = await freshPage();
    await signInAs(page, 'manager');
    await page.getByRole('link', { name: 'Services' }).click();
    await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
    await settled(page);
    await expect(page.getByRole('heading', { level: 2 }).allInnerTexts()).resolves.toEqual([
      'Community outreach',
      'Supported living north',
    ]);
    await expectAccessible(page, 'services-qa');

    // Act
    await page
      .getByLabel('Team leader to review Supported living north')
      .selectOption({ label: 'Staff team-leader (team leader, team-leader)' });
    const card = page.locator('section', {
      has: page.getByRole('heading', { name: 'Supported living north' }),
    });
    await expect(
      answerTo(card, () =>
        page.getByRole('button', { name: 'Assign the QA review of Supported living north' }).click(),
      ),
    ).resolves.toMatch(
      /^QA review assigned: Staff team-leader .* may read Supported living north’s records from /,
    );
    await close();

    // Assess: read-only access to the service's people
    expectNoErrors(await readReference('team-leader', caseClient));
  });

  it('offers a last day at most 89 days after the first, as the API takes a review to its end (90 days in all)', async () => {
    // Prepare
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', '/services', 'Services');
    const card = page.locator('section', {
      has: page.getByRole('heading', { name: 'Supported living north' }),
    });
    const first = card.getByLabel('First day of the review of Supported living north');
    const last = card.getByLabel('Last day of the review of Supported living north');
    const daysAfter = (date: string, days: number) =>
      new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);
    const firstDay = daysAfter(await first.inputValue(), 10);

    // Act
    await first.fill(firstDay);
    await last.fill(daysAfter(firstDay, 90));
    const ninetyOneDays = await last.evaluate((input: HTMLInputElement) => input.validity.rangeOverflow);
    await last.fill(daysAfter(firstDay, 89));
    await card
      .getByLabel('Team leader to review Supported living north')
      .selectOption({ label: 'Staff team-leader (team leader, team-leader)' });
    const answer = await answerTo(card, () =>
      card.getByRole('button', { name: 'Assign the QA review of Supported living north' }).click(),
    );

    // Assess: the hint says what the field holds to, and the API takes the latest day it allows
    expect(ninetyOneDays).toBe(true);
    await expect(last.getAttribute('max')).resolves.toBe(daysAfter(firstDay, 89));
    const hint = page.locator(`#${await last.getAttribute('aria-describedby')}`);
    await expect(hint.innerText()).resolves.toBe(
      'At most 89 days after the first: 90 days, both included. Their access ends at the end of this day (UK time).',
    );
    expect(answer).toMatch(
      /^QA review assigned: Staff team-leader .* may read Supported living north’s records from /,
    );
    await close();
  });

  it('a senior manager is offered every service', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'senior', '/services', 'Services');
    await expect(page.getByRole('heading', { level: 2 }).allInnerTexts()).resolves.toEqual([
      'Community outreach',
      'Day centre south',
      'Supported living north',
    ]);
    expect(await page.getByRole('button', { name: /^Assign the QA review of / }).count()).toBe(3);
    await close();
  });

  it('is not offered to the IG lead or the Guardian', async () => {
    for (const handle of ['ig', 'guardian']) {
      const { page, close } = await freshPage();
      await signInAs(page, handle);
      expect(await page.getByRole('link', { name: 'Services' }).count()).toBe(0);
      await open(page, '/services', 'Not available');
      await close();
    }
  });
});

describe('a breach reported on the register', () => {
  it('a manager reports one (a missing kind of data is said in words first); the IG lead reads it in the register', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'manager');
    await page.getByRole('link', { name: 'Breach register' }).click();
    await page.getByRole('heading', { name: 'Breach register', level: 1 }).waitFor();
    await settled(page);
    await page.getByText('Report a breach', { exact: true }).click();
    await expectAccessible(page, 'breach-report-form');
    const nature = `Laptop left on a train ${Date.now().toString(36)}`;
    await page.getByLabel('What happened').fill(nature);
    await page.getByLabel('About how many people are affected').fill('12');
    await expect(
      answerTo(page.locator('main'), () => page.getByRole('button', { name: 'Report the breach' }).click()),
    ).resolves.toBe('Choose at least one kind of data affected.');

    // Act
    await page.getByLabel('Care and support notes').check();
    await page.getByLabel('Contact details').check();
    await page.getByRole('button', { name: 'Report the breach' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Breach reported\. The regulator must be told by / })
      .waitFor();
    await expect(page.locator('table').innerText()).resolves.toContain(nature);
    await expectAccessible(page, 'breach-reported');
    await close();

    // Assess: in the IG lead's register, as entered
    const register = await api.graphql<{
      breachesConnection: {
        edges: { node: { nature: string; categories: string[]; approximateSubjects: number } }[];
      };
    }>('{ breachesConnection(first: 50) { edges { node { nature categories approximateSubjects } } } }', {
      token: who('ig').token,
    });
    expectNoErrors(register);
    expect(register.data?.breachesConnection.edges.map(({ node }) => node)).toContainEqual({
      nature,
      categories: ['CARE', 'CONTACT'],
      approximateSubjects: 12,
    });
  });
});

describe('subject access requests recorded by staff', () => {
  const requestsFor = async (id: string) => {
    const result = await api.graphql<{
      subjectAccessRequestsConnection: {
        edges: {
          node: { serviceUserId: string; identityCheck: string; status: string; recordedBy: string };
        }[];
      };
    }>(
      '{ subjectAccessRequestsConnection(first: 100) { edges { node { serviceUserId identityCheck status recordedBy } } } }',
      {
        token: who('guardian').token,
      },
    );
    expectNoErrors(result);
    return result.data?.subjectAccessRequestsConnection.edges
      .map(({ node }) => node)
      .filter((node) => node.serviceUserId === id);
  };

  it('the IG lead records one from the person’s screen on the subject access register', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', personRoute(sarByIg), /^Who looked at /);
    await page.getByRole('link', { name: 'Record a subject access request for this person' }).click();
    await page.getByRole('heading', { name: /^Record a subject access request for person …/ }).waitFor();
    await expectAccessible(page, 'subject-access-record');

    // Act
    await page.getByLabel('Photo identity document seen').check();
    await page.getByRole('button', { name: 'Record the request' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Subject access request recorded for person …\w+: answer by / })
      .waitFor();
    expect(new URL(page.url()).hash).toBe('#/registers/subject-access');
    await close();

    // Assess
    expect(await requestsFor(sarByIg)).toEqual([
      { serviceUserId: sarByIg, identityCheck: 'PHOTO_ID', status: 'OPEN', recordedBy: who('ig').globalId },
    ]);
  });

  it('a manager records one on their service’s person’s screen', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', personRoute(sarByManager), /^Who looked at /);
    await page.getByLabel('Signed letter from the person').check();
    await page.getByRole('button', { name: 'Record the request' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Subject access request recorded for person …\w+: answer by / })
      .waitFor();
    await close();
    expect(await requestsFor(sarByManager)).toEqual([
      {
        serviceUserId: sarByManager,
        identityCheck: 'SIGNED_LETTER',
        status: 'OPEN',
        recordedBy: who('manager').globalId,
      },
    ]);
  });

  it('the Guardian is offered neither', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'guardian', personRoute(sarByManager), /^Who looked at /);
    expect(await page.getByRole('link', { name: /Record a subject access request/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Record the request' }).count()).toBe(0);
    await close();
  });
});

describe('the heat-map by service', () => {
  it('shows the IG lead a row per service and a manager only their own', async () => {
    const ig = await freshPage();
    await signInAt(ig.page, 'ig', '/access', 'Access at a glance');
    await ig.page.getByLabel('Rows').selectOption({ label: 'Services' });
    await ig.page.getByRole('button', { name: 'Show the map' }).click();
    await ig.page.getByRole('table', { name: /^Reads by service and day/ }).waitFor();
    const igRows = await ig.page.locator('table.heat-map tbody th').allInnerTexts();
    expect(igRows).toEqual(expect.arrayContaining(['Supported living north', 'Day centre south']));
    await expectAccessible(ig.page, 'heat-map-by-service');
    // A service's cell opens its staff rows.
    await ig.page.locator('tr', { hasText: 'Day centre south' }).locator('a').first().click();
    await ig.page.getByRole('table', { name: /^Reads by staff member and day/ }).waitFor();
    await expect(ig.page.locator('table.heat-map tbody th').allInnerTexts()).resolves.toContain(
      'Staff other-manager (service manager, other-manager)',
    );
    await ig.close();

    const manager = await freshPage();
    await signInAt(manager.page, 'other-manager', '/access/14/by-service', 'Access at a glance');
    await manager.page.getByRole('table', { name: /^Reads by service and day/ }).waitFor();
    await expect(manager.page.locator('table.heat-map tbody th').allInnerTexts()).resolves.toEqual([
      'Day centre south',
    ]);
    await manager.close();
  });
});

describe('pending changes told apart by their subject', () => {
  it('the Guardian approves the erasure of one named person, and only that person is erased', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'guardian', '/pending-changes', 'Changes waiting for you');
    const first = pendingSubjectWords('SERVICE_USER', eraseFirst) ?? '';
    const second = pendingSubjectWords('SERVICE_USER', eraseSecond) ?? '';
    await expect(page.locator('li.pending-change').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([
        expect.stringContaining(`About ${first}`),
        expect.stringContaining(`About ${second}`),
      ]),
    );
    await expectAccessible(page, 'pending-changes-with-subjects');

    // Act
    await page.getByRole('button', { name: new RegExp(`^Approve: .*, about ${escaped(first)}$`) }).click();
    await page.getByRole('button', { name: `Erase for good: ${first}` }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `It has run as proposed. (${first})` })
      .waitFor();
    await close();

    // Assess: that person is gone for their manager, the other is still there
    expect(codes(await readReference('manager', eraseFirst))).toEqual(['NOT_FOUND']);
    expectNoErrors(await readReference('manager', eraseSecond));
  });
});

describe('a support worker', () => {
  it('sees none of these screens, whatever address they open', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'support');
    for (const route of [
      '/services',
      '/registers/breaches',
      personRoute(caseClient),
      '/access/14/by-service',
    ]) {
      await page.goto(`${suite.url}#${route}`);
      await page.getByRole('heading', { name: 'Nothing to review', level: 1 }).waitFor();
      expect(await page.locator('form').count()).toBe(0);
    }
    await close();
  });
});
