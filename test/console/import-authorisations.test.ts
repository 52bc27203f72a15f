import { Authenticator } from '@confide/api';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTransfer } from '../../services/transfer/src/transfer';
import { codes, createServiceWithManager, expectNoErrors, type Person } from '../support/care-fixtures';
import { createService, localIdOf } from '../support/records-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * Decision 0146: an import into a deployed stage runs under a service manager's authorisation, which they give through
 * the API (`authoriseImport`) and may withdraw (`withdrawImportAuthorisation`); in production the API runs registered
 * documents only (decision 0036), so the console's Imports screen is how a manager gives one. A manager authorises an
 * import into a service they manage, reads the id to hand the operator, and withdraws it; the id is checked as the
 * stage's transfer function checks it (`runTransfer`'s `import.context`, with an operator's token). Nobody without a
 * management role is offered the screen. In headless Chromium against the local stack through the api that runs
 * registered documents only; axe-core on every screen; screenshots in test/console/screenshots.
 */

const suite = new ConsoleSuite('Import authorisations charity');
const { api, person, who, freshPage, signInAs } = suite;

/** The manager's services ("Supported living north", "Community outreach"), another manager's, and the slug. */
let north = '';
let outreach = '';
let south = '';
/** A service whose manager is taken off it while their Imports screen is open. */
let leaving = '';
/** A service with two managers ("lister" and "co-lister"), whose authorisations its Imports screen lists. */
let west = '';

const ID = /^ima_[a-z2-7]{26}$/;

/** What the stage's transfer function answers an operator's `import.context` naming this authorisation. */
async function importContext(serviceId: string, authorisation: string) {
  return runTransfer(
    { services: api.services, authenticator: new Authenticator(api.services) },
    {
      operation: 'import.context',
      token: await api.operatorToken('operator-1'),
      input: { slug: suite.org.slug, service: localIdOf(serviceId), authorisation },
    },
  );
}

/** An authorisation withdrawn through the API by its grantor; answers when. */
async function withdrawnThroughTheApi(grantor: Person, authorisationId: string): Promise<string> {
  const result = await api.graphql<{ withdrawImportAuthorisation: { withdrawnAt: string } }>(
    'mutation ($input: WithdrawImportAuthorisationInput!) { withdrawImportAuthorisation(input: $input) { withdrawnAt } }',
    { token: grantor.token, variables: { input: { authorisationId } } },
  );
  expectNoErrors(result);
  return result.data?.withdrawImportAuthorisation.withdrawnAt ?? '';
}

/** An authorisation given through the API by `manager` (the fixtures' way), to withdraw on the screen by its id. */
async function authorisedThroughTheApi(manager: Person, serviceId: string): Promise<string> {
  const result = await api.graphql<{ authoriseImport: { id: string } }>(
    'mutation ($input: AuthoriseImportInput!) { authoriseImport(input: $input) { id } }',
    { token: manager.token, variables: { input: { serviceId } } },
  );
  expectNoErrors(result);
  return result.data?.authoriseImport.id ?? '';
}

beforeAll(async () => {
  // Prepare: a manager of two services; another manager of a third; a manager to be taken off their service; the
  // senior manager, the IG lead and a support worker.
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  north = own.serviceId;
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  suite.list('senior', own.senior, ['ORG_ADMIN', 'SENIOR_MANAGER']);
  outreach = await createService(api, { org, ...own }, own.manager);
  const [otherManager, leavingManager, lister, coLister] = await Promise.all([
    person('other-manager', ['SERVICE_MANAGER']),
    person('leaving-manager', ['SERVICE_MANAGER']),
    person('lister', ['SERVICE_MANAGER']),
    person('co-lister', ['SERVICE_MANAGER']),
    person('ig', ['IG_LEAD']),
    person('support', ['SUPPORT_WORKER']),
  ]);
  const created = async (name: string, manager: Person) => {
    const service = await api.graphql<{ createService: { id: string } }>(
      'mutation ($name: String!) { createService(name: $name) { id } }',
      { token: own.senior.token, variables: { name } },
    );
    expectNoErrors(service);
    const id = service.data?.createService.id ?? '';
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
        { token: own.senior.token, variables: { s: id, m: manager.globalId } },
      ),
    );
    return id;
  };
  [south, leaving, west] = await Promise.all([
    created('Day centre south', otherManager),
    created('Befriending east', leavingManager),
    created('Shared lives west', lister),
  ]);
  expectNoErrors(
    await api.graphql(
      'mutation ($s: ID!, $m: ID!) { assignServiceManager(serviceId: $s, staffId: $m) { id } }',
      { token: own.senior.token, variables: { s: west, m: coLister.globalId } },
    ),
  );
  // An import needs the organisation's confidentiality policy, acknowledged by its importer (decision 0032).
  expectNoErrors(
    await api.graphql('mutation ($t: String!) { publishConfidentialityPolicy(title: $t) { id } }', {
      token: org.adminToken,
      variables: { t: 'Confidentiality policy 2026' },
    }),
  );
  const version = (await api.services.directory.organisation(org.orgId))?.policyVersion;
  for (const handle of suite.people.keys()) {
    expectNoErrors(
      await api.graphql('mutation ($v: Int!) { acknowledgePolicy(version: $v) }', {
        token: who(handle).token,
        variables: { v: version },
      }),
    );
  }
  await suite.serve();
});

/**
 * Does `act` and returns the words of the notice it brings to `scope`'s outcome: one not shown before. An unexpected
 * answer (a refusal, a fault) fails the assertion with its words rather than leaving a wait to hang.
 */
async function answerTo(scope: Locator, act: () => Promise<void>): Promise<string> {
  await scope.evaluate((element) => {
    for (const shown of element.querySelectorAll('.notice')) shown.setAttribute('data-seen', '');
  });
  await act();
  const notice = scope.locator('.notice:not([data-seen])').first();
  await notice.waitFor();
  return notice.innerText();
}

/**
 * Signs in as `handle` at the Imports screen's address, which a console without the screen (or a role without it)
 * answers "Not available": that fails at once, not when the wait for the heading times out.
 */
async function signInAtImports(page: Page, handle: string): Promise<void> {
  await suite.signInAt(page, handle, '/imports', /^(Imports|Not available)$/);
  await expect(page.locator('h1').innerText()).resolves.toBe('Imports');
}

/** Opens the Imports screen from the navigation, as a manager would; fails at once where the console has none. */
async function openImports(page: Page): Promise<void> {
  const link = page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Imports' });
  expect(await link.count(), 'the navigation offers Imports').toBe(1);
  await link.click();
  await page.getByRole('heading', { name: 'Imports', level: 1 }).waitFor();
  await settled(page);
}

describe('the Imports screen, for a manager of a service', () => {
  it('authorises an import into a service they manage, by keyboard; the id it shows is what the stage’s import runs under, until it is withdrawn', async () => {
    // Prepare
    const { page, close } = await freshPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(suite.url).origin,
    });
    await signInAs(page, 'manager');
    await openImports(page);
    // Their own services only, by name; four hours unless they choose otherwise.
    await expect(
      page.getByLabel('Service to import into').locator('option').allInnerTexts(),
    ).resolves.toEqual(['Choose a service', 'Community outreach', 'Supported living north']);
    await expect(
      page.getByLabel('How long the authorisation lasts').evaluate((select: HTMLSelectElement) => {
        return select.selectedOptions[0]?.textContent;
      }),
    ).resolves.toBe('4 hours');
    await expectAccessible(page, 'import-authorisation');

    // Act: choose the service and two hours with the keyboard, and press Enter on the button
    await page.getByLabel('Service to import into').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Authorise the import');
    const given = page.locator('section.import-authorisation').first();
    const before = Date.now();
    await page.keyboard.press('Enter');
    await given.waitFor();

    // Assess: the id, plainly, with what it allows and until when; focus on the outcome
    const id = (await given.locator('code.authorisation-id').innerText()).trim();
    expect(id).toMatch(ID);
    await expect(given.getByRole('heading', { level: 2 }).innerText()).resolves.toBe(
      'Import into Supported living north authorised',
    );
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Import into Supported living north authorised',
    );
    const words = await given.innerText();
    expect(words).toContain('Give this id to the operator running the import');
    expect(words).toMatch(/Lasts\s+2 hours\s+Until\s+\d{1,2} \w{3} \d{4}, \d{2}:\d{2} (?:GMT|BST)\s/);
    expect(words).toContain('recorded as written by you');
    expect(words).toContain('It is not a password');
    await expectAccessible(page, 'import-authorised');

    // Assess: the copy button puts the id on the clipboard, and says so
    await expect(
      answerTo(given, () => given.getByRole('button', { name: 'Copy the id' }).click()),
    ).resolves.toBe('Copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(id);

    // Assess: the stage's transfer function runs an import under it, as the manager, for that service, two hours
    const inForce = await importContext(north, id);
    expect(inForce).toMatchObject({
      ok: true,
      operator: { staffId: who('manager').staffId },
      authorisation: { authorisationId: id },
    });
    const expiresAt = Date.parse(
      inForce.ok ? (inForce.authorisation as { expiresAt: string }).expiresAt : '',
    );
    expect(expiresAt - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    expect(await importContext(outreach, id)).toMatchObject({
      ok: false,
      error: { code: 'AUTHORISATION_NOT_FOR_SERVICE' },
    });

    // Act: withdraw it
    await expect(
      answerTo(given, () => given.getByRole('button', { name: 'Withdraw this authorisation' }).click()),
    ).resolves.toMatch(
      new RegExp(
        `^Withdrawn \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} (?:GMT|BST)\\. The operator can no longer import with ${id}`,
      ),
    );
    expect(await given.getByRole('button', { name: 'Withdraw this authorisation' }).count()).toBe(0);
    // What it allowed and how to hand it over are gone with it; which it was stays.
    await expect(given.innerText()).resolves.not.toContain('Give this id');
    await expect(given.locator('code.authorisation-id').innerText()).resolves.toBe(id);
    await expectAccessible(page, 'import-authorisation-withdrawn');
    await close();

    // Assess: the stage refuses it now
    expect(await importContext(north, id)).toMatchObject({
      ok: false,
      error: { code: 'AUTHORISATION_WITHDRAWN', field: 'authorisation' },
    });
  });

  it('withdraws an authorisation they gave earlier by its id; a second time, another manager’s, or text that is no id is refused in plain words', async () => {
    // Prepare: one the manager gave earlier (elsewhere, or on a visit since left), one another manager gave
    const earlier = await authorisedThroughTheApi(who('manager'), outreach);
    const others = await authorisedThroughTheApi(who('other-manager'), south);
    const { page, close } = await freshPage();
    await signInAtImports(page, 'manager');
    const card = page.locator('section.withdraw-import');
    const withdraw = () => card.getByRole('button', { name: 'Withdraw the authorisation' }).click();

    // Act: pasted with the spaces a copy brings
    await card.getByLabel('Authorisation id').fill(`  ${earlier} `);
    await expect(answerTo(card, withdraw)).resolves.toMatch(
      new RegExp(
        `^Withdrawn \\d.* (?:GMT|BST)\\. The operator can no longer import with ${earlier} into Community outreach`,
      ),
    );
    await expectAccessible(page, 'import-authorisation-withdrawn-by-id');
    expect(await importContext(outreach, earlier)).toMatchObject({
      ok: false,
      error: { code: 'AUTHORISATION_WITHDRAWN' },
    });

    // Act: again; another manager's; something else pasted
    const again = await answerTo(card, withdraw);
    await card.getByLabel('Authorisation id').fill(others);
    const notTheirs = await answerTo(card, withdraw);
    await card.getByLabel('Authorisation id').fill('Bearer eyJhbGciOi');
    const notAnId = await answerTo(card, withdraw);

    // Assess
    expect(again).toBe(
      'This authorisation is already withdrawn, or has ended: it authorises nothing now. (code CONFLICT)',
    );
    expect(notTheirs).toBe(
      'You gave no authorisation with this id: check it against the one you gave. (code NOT_FOUND)',
    );
    expect(notAnId).toBe(
      'This is not an authorisation id: one starts “ima_” and has 26 letters and digits after it.',
    );
    await expectAccessible(page, 'import-authorisation-withdraw-refused');
    await close();
    // The other manager's is untouched.
    expect(await importContext(south, others)).toMatchObject({ ok: true });
  });

  it('lists the authorisations that stand for each service they manage, whoever of its managers gave them, and withdraws one of theirs from its row', async () => {
    // Prepare: in the two managers' service, one the lister gave and withdrew, one the co-lister gave, one the lister
    // gave last; one in another manager's service.
    const withdrawnEarlier = await authorisedThroughTheApi(who('lister'), west);
    await withdrawnThroughTheApi(who('lister'), withdrawnEarlier);
    const colleagues = await authorisedThroughTheApi(who('co-lister'), west);
    const mine = await authorisedThroughTheApi(who('lister'), west);
    const elsewhere = await authorisedThroughTheApi(who('other-manager'), south);
    const { page, close } = await freshPage();
    await signInAtImports(page, 'lister');
    const standing = page.getByRole('region', { name: 'Authorisations for Shared lives west' });
    const rows = standing.locator('tbody tr');
    const row = (id: string) => rows.filter({ has: page.locator('code', { hasText: id }) });
    // A screen without the list fails here, not when the test's time runs out.
    await rows.first().waitFor({ timeout: 15_000 });

    // Assess: newest first, each with who gave it, when, until when, and whether withdrawn; a Withdraw button on
    // the lister's own that stands, none on the co-lister's (only its grantor withdraws it) nor on a withdrawn one.
    await expect(standing.locator('thead th').allInnerTexts()).resolves.toEqual([
      'Authorisation',
      'Given by',
      'Given',
      'Ends',
      'Withdrawn',
      '',
    ]);
    await expect(rows.locator('code').allInnerTexts()).resolves.toEqual([mine, colleagues, withdrawnEarlier]);
    const cells = (id: string) => row(id).locator('td').allInnerTexts();
    const when = /^\d{1,2} \w{3} \d{4}, \d{2}:\d{2} (?:GMT|BST)$/;
    const [mineCells, colleaguesCells, withdrawnCells] = await Promise.all([
      cells(mine),
      cells(colleagues),
      cells(withdrawnEarlier),
    ]);
    expect(mineCells.slice(0, 2)).toEqual([mine, 'You']);
    expect(mineCells[2]).toMatch(when);
    expect(mineCells[3]).toMatch(when);
    expect(mineCells[4]).toBe('No');
    expect(colleaguesCells.slice(0, 2)).toEqual([colleagues, 'Staff co-lister']);
    expect(colleaguesCells[4]).toBe('No');
    expect(withdrawnCells[4]).toMatch(when);
    expect(
      await row(mine)
        .getByRole('button', { name: /^Withdraw/ })
        .count(),
    ).toBe(1);
    expect(await row(colleagues).getByRole('button').count()).toBe(0);
    expect(await row(withdrawnEarlier).getByRole('button').count()).toBe(0);
    await expect(standing.innerText()).resolves.toContain('Only the manager who gave an authorisation');
    // Another manager's service is not theirs: not listed.
    await expect(page.locator('main').innerText()).resolves.not.toContain(elsewhere);
    await expectAccessible(page, 'import-authorisations-listed');

    // Act: withdraw their own from its row
    const said = await answerTo(standing, () =>
      row(mine)
        .getByRole('button', { name: /^Withdraw/ })
        .click(),
    );

    // Assess: said, the row shows when, its button is gone; the stage refuses it; the co-lister's is untouched
    expect(said).toMatch(
      new RegExp(
        `^Withdrawn \\d.* (?:GMT|BST)\\. The operator can no longer import with ${mine} into Shared lives west`,
      ),
    );
    await expect(cells(mine)).resolves.toEqual(expect.arrayContaining([expect.stringMatching(when)]));
    expect((await cells(mine))[4]).toMatch(when);
    expect(await row(mine).getByRole('button').count()).toBe(0);
    await expectAccessible(page, 'import-authorisation-withdrawn-from-list');
    expect(await importContext(west, mine)).toMatchObject({
      ok: false,
      error: { code: 'AUTHORISATION_WITHDRAWN' },
    });
    expect(await importContext(west, colleagues)).toMatchObject({ ok: true });

    // Act: give one on the screen
    const card = page.locator('section.authorise-import');
    await card.getByLabel('Service to import into').selectOption({ label: 'Shared lives west' });
    await card.getByRole('button', { name: 'Authorise the import' }).click();
    const given = (
      await page.locator('section.import-authorisation code.authorisation-id').first().innerText()
    ).trim();

    // Assess: it is listed at once, newest first, as theirs to withdraw
    await row(given).waitFor();
    await expect(rows.locator('code').first().innerText()).resolves.toBe(given);
    expect(
      await row(given)
        .getByRole('button', { name: /^Withdraw/ })
        .count(),
    ).toBe(1);
    await close();

    // Assess: the co-lister's screen lists the same, with a Withdraw button on theirs alone
    const colleague = await freshPage();
    await signInAtImports(colleague.page, 'co-lister');
    const theirs = colleague.page.getByRole('region', { name: 'Authorisations for Shared lives west' });
    const theirRows = theirs.locator('tbody tr');
    await theirRows.first().waitFor({ timeout: 15_000 });
    await expect(theirRows.locator('code').allInnerTexts()).resolves.toEqual([
      given,
      mine,
      colleagues,
      withdrawnEarlier,
    ]);
    const theirRow = (id: string) =>
      theirRows.filter({ has: colleague.page.locator('code', { hasText: id }) });
    expect(
      await theirRow(colleagues)
        .getByRole('button', { name: /^Withdraw/ })
        .count(),
    ).toBe(1);
    expect(await theirRow(given).getByRole('button').count()).toBe(0);
    await expect(theirRow(given).locator('td').nth(1).innerText()).resolves.toBe('Staff lister');
    await colleague.close();
  });

  it('says in plain words when the API refuses: a manager taken off the service since the screen opened', async () => {
    // Prepare
    const { page, close } = await freshPage();
    await signInAtImports(page, 'leaving-manager');
    await expect(
      page.getByLabel('Service to import into').locator('option').allInnerTexts(),
    ).resolves.toEqual(['Befriending east']);
    expectNoErrors(
      await api.graphql(
        'mutation ($s: ID!, $m: ID!) { removeServiceManager(serviceId: $s, staffId: $m) { id } }',
        { token: who('senior').token, variables: { s: leaving, m: who('leaving-manager').globalId } },
      ),
    );
    const card = page.locator('section.authorise-import');

    // Act
    const refused = await answerTo(card, () =>
      card.getByRole('button', { name: 'Authorise the import' }).click(),
    );

    // Assess: nothing given
    expect(refused).toBe(
      'You may authorise an import only into a service you manage, as its service manager. Reload to see your services as they are now. (code FORBIDDEN)',
    );
    expect(await page.locator('code.authorisation-id').count()).toBe(0);
    await expectAccessible(page, 'import-authorisation-refused');
    await close();
  });

  it('lists only the services a senior manager manages themself: the API counts their link, not their rank', async () => {
    // Act
    const { page, close } = await freshPage();
    await signInAs(page, 'senior');
    await openImports(page);

    // Assess: they manage none of the services, so there is nothing to authorise; withdrawing is still offered
    await expect(page.locator('section.authorise-import').innerText()).resolves.toContain(
      'You manage no service',
    );
    expect(await page.getByLabel('Service to import into').count()).toBe(0);
    expect(await page.getByLabel('Authorisation id').count()).toBe(1);
    await expectAccessible(page, 'import-authorisation-no-service');
    await close();
  });

  it('is offered to nobody without a management role: not a support worker, nor the IG lead', async () => {
    // Act: a support worker, at the screen's address
    const support = await freshPage();
    await signInAs(support.page, 'support');
    await support.page.goto(`${suite.url}#/imports`);
    await support.page.getByRole('heading', { name: 'Nothing to review', level: 1 }).waitFor();

    // Assess
    expect(await support.page.getByRole('link', { name: 'Imports' }).count()).toBe(0);
    expect(await support.page.getByRole('button', { name: 'Authorise the import' }).count()).toBe(0);
    await support.close();

    // Act: the IG lead
    const ig = await freshPage();
    await signInAs(ig.page, 'ig');
    expect(await ig.page.getByRole('link', { name: 'Imports' }).count()).toBe(0);
    await ig.page.goto(`${suite.url}#/imports`);
    await ig.page.getByRole('heading', { name: 'Not available', level: 1 }).waitFor();
    expect(await ig.page.getByRole('button', { name: 'Authorise the import' }).count()).toBe(0);
    await ig.close();

    // Assess: and the API refuses them, so the console leaves out nothing they could do
    for (const handle of ['support', 'ig']) {
      const refused = await api.graphql(
        'mutation ($input: AuthoriseImportInput!) { authoriseImport(input: $input) { id } }',
        { token: who(handle).token, variables: { input: { serviceId: north } } },
      );
      expect(codes(refused), handle).toEqual(['FORBIDDEN']);
    }
  });
});
