import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvalIdOf, closeCase, proposeErasure } from '../retention/retention-support';
import { createServiceWithManager, expectNoErrors, registerServiceUser } from '../support/care-fixtures';
import { createService } from '../support/records-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * Issue 19, "every action the API offers for these roles is available, and what a role may not do is absent": legal
 * holds (placed from a person's screen, listed and lifted on their register) and changes waiting for a second person
 * (on Today, approved or rejected), in headless Chromium against the local stack through the api that runs
 * registered documents only. axe-core on every screen; screenshots in test/console/screenshots.
 */

const suite = new ConsoleSuite('Holds test charity');
const { api, people, person, token, freshPage, signInAs, signInAt, open } = suite;
/** A person of the first service: the IG lead holds them, the Guardian lifts it. */
let heldByIg = '';
/** Another of the first service: their own manager holds them, a senior manager lifts it. */
let heldByManager = '';
/** Closed cases the IG lead proposed to erase: the Guardian approves one and rejects the other. */
let toErase = '';
let toKeep = '';
/** A closed case the IG lead proposes to erase from the console, and the Guardian approves. */
let proposedInConsole = '';
/** A closed case under a legal hold: the IG lead's proposal to erase it is refused. */
let heldAndClosed = '';
/** The first service, whose manager registers its people. */
let ownService = '';

beforeAll(async () => {
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  ownService = own.serviceId;
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  suite.list('senior', own.senior, ['ORG_ADMIN', 'SENIOR_MANAGER']);
  await createService(api, { org, ...own }, await person('other-manager', ['SERVICE_MANAGER']));
  await Promise.all([
    person('worker', ['SUPPORT_WORKER']),
    person('ig', ['IG_LEAD']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
  ]);
  heldByIg = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Held by IG' });
  heldByManager = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Held by manager' });
  toErase = await registerServiceUser(api, own.manager, own.serviceId, { name: 'To be erased' });
  toKeep = await registerServiceUser(api, own.manager, own.serviceId, { name: 'To be kept' });
  for (const id of [toErase, toKeep]) {
    expectNoErrors(await closeCase(api, own.manager, id));
    approvalIdOf(await proposeErasure(api, token('ig'), id));
  }
  proposedInConsole = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Proposed here' });
  expectNoErrors(await closeCase(api, own.manager, proposedInConsole));
  heldAndClosed = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Held and closed' });
  expectNoErrors(await closeCase(api, own.manager, heldAndClosed));
  expectNoErrors(
    await api.graphql(
      'mutation ($c: ID!) { placeLegalHold(serviceUserId: $c, reason: "Claim 26-0999") { placedAt } }',
      { token: token('ig'), variables: { c: heldAndClosed } },
    ),
  );
  await suite.serve();
});

async function activeHolds(): Promise<{ serviceUserId: string; placedBy: string }[]> {
  const result = await api.graphql<{
    legalHolds: { edges: { node: { serviceUserId: string; placedBy: string } }[] };
  }>('{ legalHolds(first: 50) { edges { node { serviceUserId placedBy } } } }', { token: token('guardian') });
  expectNoErrors(result);
  return result.data?.legalHolds.edges.map(({ node }) => node) ?? [];
}

const holdCard = (page: Page, serviceUserId: string) =>
  page.locator('section.legal-hold', {
    has: page.locator(`a[href="#/person/${encodeURIComponent(serviceUserId)}"]`),
  });

describe('legal holds in the console', () => {
  it('the IG lead places a hold from the person’s screen, and the Guardian reads who placed it and lifts it', async () => {
    // Act: the IG lead, on the person's screen
    const ig = await freshPage();
    await signInAt(ig.page, 'ig', `/person/${encodeURIComponent(heldByIg)}`, /^Who looked at /);
    await ig.page.getByLabel('Why (the proceedings the records are material to)').fill('Claim 26-0412');
    await expectAccessible(ig.page, 'legal-hold-place');
    await ig.page.getByRole('button', { name: 'Place the hold' }).click();
    await ig.page
      .getByRole('status')
      .filter({
        hasText: /^Legal hold placed on person …\w+ .* by Staff ig \(information governance lead, ig\)\./,
      })
      .waitFor();
    await expectAccessible(ig.page, 'legal-hold-placed');
    await ig.close();
    expect(await activeHolds()).toContainEqual({
      serviceUserId: heldByIg,
      placedBy: people.get('ig')?.globalId,
    });

    // Act: the Guardian, through the register
    const guardian = await freshPage();
    await signInAs(guardian.page, 'guardian');
    await guardian.page.getByRole('link', { name: 'Legal holds' }).click();
    await guardian.page.getByRole('heading', { name: 'Legal holds', level: 1 }).waitFor();
    await settled(guardian.page);
    const card = holdCard(guardian.page, heldByIg);
    await expect(card.innerText()).resolves.toMatch(
      /Placed by\s+Staff ig \(information governance lead, ig\)\s+Why\s+Claim 26-0412/,
    );
    await expectAccessible(guardian.page, 'legal-holds-register');
    await card.getByLabel(/^Why the hold on person …\w+ ends$/).fill('The claim was settled.');
    await card.getByRole('button', { name: /^Lift the hold on / }).click();
    await guardian.page
      .getByRole('status')
      .filter({ hasText: /was lifted .* by Staff guardian \(Caldicott Guardian, guardian\)\./ })
      .waitFor();
    expect(await holdCard(guardian.page, heldByIg).count()).toBe(0);
    await expectAccessible(guardian.page, 'legal-hold-lifted');
    await guardian.close();

    // Assess: the API holds it no more
    expect((await activeHolds()).map(({ serviceUserId }) => serviceUserId)).not.toContain(heldByIg);
  });

  it('a service manager places a hold on their service’s person but has no register; a senior manager lifts it', async () => {
    const manager = await freshPage();
    await signInAs(manager.page, 'manager');
    expect(await manager.page.getByRole('link', { name: 'Legal holds' }).count()).toBe(0);
    await open(manager.page, `/person/${encodeURIComponent(heldByManager)}`, /^Who looked at /);
    await manager.page.getByLabel('Why (the proceedings the records are material to)').fill('Tribunal 7781');
    await manager.page.getByRole('button', { name: 'Place the hold' }).click();
    await manager.page
      .getByRole('status')
      .filter({ hasText: /^Legal hold placed on / })
      .waitFor();
    await open(manager.page, '/registers/legal-holds', 'Not available');
    expect(await manager.page.locator('section.legal-hold').count()).toBe(0);
    await manager.close();
    expect(await activeHolds()).toContainEqual({
      serviceUserId: heldByManager,
      placedBy: people.get('manager')?.globalId,
    });

    // The senior manager has the register (no person screens: the hold is named by its label, not a link).
    const senior = await freshPage();
    await signInAs(senior.page, 'senior');
    await senior.page.getByRole('link', { name: 'Legal holds' }).click();
    await senior.page.getByRole('heading', { name: 'Legal holds', level: 1 }).waitFor();
    await settled(senior.page);
    const card = senior.page.locator('section.legal-hold').filter({ hasText: 'Tribunal 7781' });
    await expect(card.innerText()).resolves.toMatch(/Placed by\s+Staff (staff-\w+) \(service manager, \1\)/);
    expect(await card.locator('a').count()).toBe(0);
    await expectAccessible(senior.page, 'legal-holds-register-senior');
    await card.getByLabel(/^Why the hold on /).fill('The tribunal closed.');
    await card.getByRole('button', { name: /^Lift the hold on / }).click();
    // The outcome's notice, whichever it is, so a refusal fails with its words.
    await senior.page.locator('.outcome .notice').waitFor();
    await expect(senior.page.locator('.outcome .notice').innerText()).resolves.toMatch(
      // The fixtures' senior manager has a generated handle (staff-…), their name built from it.
      /was lifted .* by Staff (staff-\w+) \(senior manager, account administrator, \1\)\./,
    );
    await senior.close();
    expect((await activeHolds()).map(({ serviceUserId }) => serviceUserId)).not.toContain(heldByManager);
  });

  it('another service’s manager is offered no hold on a person outside their services', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'other-manager', `/person/${encodeURIComponent(heldByManager)}`, /^Who looked at /);
    expect(await page.getByRole('button', { name: 'Place the hold' }).count()).toBe(0);
    expect(await page.getByLabel(/proceedings/).count()).toBe(0);
    await close();
  });

  it('a person’s screen says a hold is in place and offers no second one; an erasure is refused with the API’s reason', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', `/person/${encodeURIComponent(heldAndClosed)}`, /^Who looked at /);

    // Assess: the hold is said, and not offered again
    await page.getByRole('heading', { name: 'Legal hold', level: 2 }).waitFor();
    await expect(
      page.locator('section', { has: page.getByRole('heading', { name: 'Legal hold' }) }).innerText(),
    ).resolves.toMatch(/A legal hold is in place on person …\w+/);
    expect(await page.getByRole('button', { name: 'Place the hold' }).count()).toBe(0);
    await expectAccessible(page, 'legal-hold-in-place');

    // Act: propose its erasure
    await page.getByLabel('Why (for example the erasure request it answers)').fill('Erasure request ER-9');
    await page.getByRole('button', { name: 'Propose the erasure' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();

    // Assess: the API's own reason, with its code, focused
    const words = await refusal.innerText();
    expect(words).toBe(
      'This person cannot be erased now: The records are under a legal hold and cannot be erased. (code CONFLICT)',
    );
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(words);
    await close();
  });

  it('a support worker sees nothing of holds or pending changes, whatever address they open', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'worker');
    for (const route of ['/registers/legal-holds', '/pending-changes', `/person/${heldByIg}`]) {
      await page.goto(`${suite.url}#${route}`);
      await page.getByRole('heading', { name: 'Nothing to review', level: 1 }).waitFor();
      expect(await page.locator('form, button:not(.secondary)').count()).toBe(0);
    }
    await close();
  });
});

describe('changes waiting for a second person in the console', () => {
  it('the proposer sees none of their own proposals, and a manager has no such queue', async () => {
    const ig = await freshPage();
    await signInAs(ig.page, 'ig');
    await expect(ig.page.locator('#pending-changes .count').innerText()).resolves.toBe('(0)');
    await expectAccessible(ig.page, 'today-ig-pending-changes-none');
    await open(ig.page, '/pending-changes', 'Changes waiting for you');
    expect(await ig.page.getByRole('button', { name: /^(Approve|Reject)/ }).count()).toBe(0);
    await ig.close();

    const manager = await freshPage();
    await signInAs(manager.page, 'manager');
    expect(await manager.page.locator('#pending-changes').count()).toBe(0);
    await open(manager.page, '/pending-changes', 'Not available');
    await manager.close();
  });

  it('the Guardian sees both erasures on Today with their age, approves one and rejects the other', async () => {
    const { page, close } = await freshPage();
    await signInAs(page, 'guardian');
    const queue = page.locator('#pending-changes');
    await expect(queue.locator('.count').innerText()).resolves.toBe('(2)');
    await expect(queue.locator('.queue-age').innerText()).resolves.toMatch(/^Oldest (just now|waiting )/);
    await expect(queue.locator('li').first().innerText()).resolves.toMatch(
      /Erase a person’s records\s+Proposed by Staff ig \(information governance lead, ig\)/,
    );
    await expectAccessible(page, 'today-guardian-pending-changes');
    await queue
      .getByRole('link', { name: /^Decide: / })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Changes waiting for you', level: 1 }).waitFor();
    await settled(page);
    await expectAccessible(page, 'pending-changes-guardian');
    const approvals = page.getByRole('button', {
      name: /^Approve: Erase a person’s records, proposed by Staff ig/,
    });
    await expect(approvals.count()).resolves.toBe(2);

    // The two differ only in their person (same proposer, same reason), so which runs is the API's order: find out
    // afterwards which went.
    await approvals.first().click();
    await page.getByRole('button', { name: /^Erase for good/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Approved: Erase a person’s records. It has run' })
      .waitFor();
    await page.getByRole('button', { name: /^Reject: / }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Rejected: Erase a person’s records. It will not run.' })
      .waitFor();
    await expect(page.locator('main').innerText()).resolves.toContain('No change is waiting for you.');
    await expectAccessible(page, 'pending-changes-decided');
    await close();

    // Assess: exactly one of the two people is erased, the other's record is still there
    const read = (id: string) =>
      api.graphql<{ serviceUser: { reference: string } | null }>(
        'query ($id: ID!) { serviceUser(id: $id) { reference } }',
        { token: people.get('manager')?.token ?? '', variables: { id } },
      );
    const outcomes = await Promise.all([toErase, toKeep].map(read));
    const remaining = outcomes.filter((result) => result.data?.serviceUser?.reference);
    expect(remaining).toHaveLength(1);
    const pending = await api.graphql<{ pendingChangesConnection: { edges: unknown[] } }>(
      '{ pendingChangesConnection(first: 10) { edges { node { id } } } }',
      { token: token('guardian') },
    );
    expect(pending.data?.pendingChangesConnection.edges).toEqual([]);
  });

  it('approving an erasure asks to confirm it, in the page, before anything is sent', async () => {
    // Prepare: one erasure waiting for the Guardian
    const person = await registerServiceUser(api, suite.who('manager'), ownService, {
      name: 'To be confirmed',
    });
    expectNoErrors(await closeCase(api, suite.who('manager'), person));
    approvalIdOf(await proposeErasure(api, token('ig'), person));
    const { page, close } = await freshPage();
    await signInAt(page, 'guardian', '/pending-changes', 'Changes waiting for you');
    const sent: string[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { query?: string } | null;
      if (body?.query?.startsWith('mutation')) sent.push(body.query);
    });
    const item = page.locator('li.pending-change', {
      has: page.locator(`a[href="#/person/${encodeURIComponent(person)}"]`),
    });

    // Act
    await item.getByRole('button', { name: /^Approve: / }).click();

    // Assess: a second, explicit step, focused, that says it cannot be undone; nothing sent yet
    const confirmation = item.getByRole('group', { name: /^Confirm the erasure/ });
    await confirmation.waitFor();
    await expect(confirmation.innerText()).resolves.toMatch(/cannot be undone/);
    await expect(
      page.evaluate(
        () => document.activeElement?.closest('[role="group"]')?.getAttribute('aria-label') ?? '',
      ),
    ).resolves.toMatch(/^Confirm the erasure/);
    expect(sent).toEqual([]);
    await expectAccessible(page, 'pending-changes-confirm-erasure');

    // Act: cancel, then approve and confirm
    await confirmation.getByRole('button', { name: /^Cancel/ }).click();
    expect(await confirmation.count()).toBe(0);
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Approve');
    expect(sent).toEqual([]);
    await item.getByRole('button', { name: /^Approve: / }).click();
    await item.getByRole('button', { name: /^Erase for good/ }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Approved: Erase a person’s records/ })
      .waitFor();
    await close();

    // Assess: erased
    const read = await api.graphql<{ serviceUser: { reference: string } | null }>(
      'query ($id: ID!) { serviceUser(id: $id) { reference } }',
      { token: token('manager'), variables: { id: person } },
    );
    expect(read.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  it('the IG lead proposes an erasure from the person’s screen; the Guardian approves it and it runs', async () => {
    // A manager and the Guardian are not offered the proposal: only the IG lead proposes an erasure.
    const guardianFirst = await freshPage();
    await signInAt(
      guardianFirst.page,
      'guardian',
      `/person/${encodeURIComponent(proposedInConsole)}`,
      /^Who looked at /,
    );
    expect(await guardianFirst.page.getByRole('button', { name: 'Propose the erasure' }).count()).toBe(0);
    await guardianFirst.close();

    const ig = await freshPage();
    await signInAt(ig.page, 'ig', `/person/${encodeURIComponent(proposedInConsole)}`, /^Who looked at /);
    await ig.page.getByLabel('Why (for example the erasure request it answers)').fill('Erasure request ER-7');
    await ig.page.getByRole('button', { name: 'Propose the erasure' }).click();
    await ig.page.locator('.outcome .notice').waitFor();
    await expect(ig.page.locator('.outcome .notice').innerText()).resolves.toMatch(
      /^Erasure of person …\w+ proposed\. It runs only when the Caldicott Guardian or another IG lead approves it\.$/,
    );
    await expectAccessible(ig.page, 'erasure-proposed');
    await ig.close();

    const guardian = await freshPage();
    await signInAs(guardian.page, 'guardian');
    await expect(guardian.page.locator('#pending-changes .count').innerText()).resolves.toBe('(1)');
    await open(guardian.page, '/pending-changes', 'Changes waiting for you');
    // The Guardian reads why it was proposed, in the IG lead's words (decision 0149).
    const change = guardian.page.locator('li.pending-change', {
      has: guardian.page.locator(`a[href="#/person/${encodeURIComponent(proposedInConsole)}"]`),
    });
    await expect(change.innerText()).resolves.toMatch(/\nWhy: Erasure request ER-7\n/);
    await expectAccessible(guardian.page, 'pending-changes-reason');
    await guardian.page.getByRole('button', { name: /^Approve: Erase a person’s records/ }).click();
    await guardian.page.getByRole('button', { name: /^Erase for good/ }).click();
    await guardian.page
      .getByRole('status')
      .filter({ hasText: /^Approved: / })
      .waitFor();
    await guardian.close();

    const read = await api.graphql<{ serviceUser: { reference: string } | null }>(
      'query ($id: ID!) { serviceUser(id: $id) { reference } }',
      { token: people.get('manager')?.token ?? '', variables: { id: proposedInConsole } },
    );
    // Erased: the person is gone for their own manager, who read them before (not a refusal of some other kind).
    expect(read.data?.serviceUser?.reference).toBeUndefined();
    expect(read.errors?.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND']);
  });
});

describe('alert settings in the console', () => {
  it('the IG lead changes the working hours and a threshold; the Guardian has no such screen', async () => {
    const ig = await freshPage();
    await signInAs(ig.page, 'ig');
    await ig.page.getByRole('link', { name: 'Alert settings' }).click();
    await ig.page.getByRole('heading', { name: 'Alert settings', level: 1 }).waitFor();
    await settled(ig.page);
    await expectAccessible(ig.page, 'alert-settings');
    await ig.page.getByLabel('Working hours end (before the start means overnight)').fill('19:30');
    // Every day is a working day until changed: Sunday becomes out of hours.
    await ig.page.getByLabel('Sunday').uncheck();
    await ig.page.getByLabel(/^Refused attempts that raise an alert/).fill('7');
    await ig.page.getByRole('button', { name: 'Save the settings' }).click();
    await ig.page.locator('.outcome .notice').waitFor();
    await expect(ig.page.locator('.outcome .notice').innerText()).resolves.toBe(
      'Settings saved. New alerts use them.',
    );
    await expect(
      ig.page.getByLabel('Working hours end (before the start means overnight)').inputValue(),
    ).resolves.toBe('19:30');
    await ig.close();

    const settings = await api.graphql<{
      accessMonitoringSettings: {
        workingHoursEnd: string;
        workingDays: number[];
        deniedAttemptsThreshold: number;
      };
    }>('{ accessMonitoringSettings { workingHoursEnd workingDays deniedAttemptsThreshold } }', {
      token: token('guardian'),
    });
    expect(settings.data?.accessMonitoringSettings).toMatchObject({
      workingHoursEnd: '19:30',
      deniedAttemptsThreshold: 7,
    });
    expect(settings.data?.accessMonitoringSettings.workingDays).toEqual([1, 2, 3, 4, 5, 6]);

    const guardian = await freshPage();
    await signInAs(guardian.page, 'guardian');
    expect(await guardian.page.getByRole('link', { name: 'Alert settings' }).count()).toBe(0);
    await open(guardian.page, '/settings/monitoring', 'Not available');
    expect(await guardian.page.locator('form').count()).toBe(0);
    await guardian.close();
  });
});
