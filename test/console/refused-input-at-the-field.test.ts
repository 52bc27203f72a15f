import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { expectAccessible } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * An input the API refuses (BAD_USER_INPUT naming it in `extensions.field`) is marked where it was typed, as the
 * console's own checks mark one: its words beside it, `aria-invalid`, described by them, and focused; the banner above
 * still says the action was not done; the marks go on the next submit. In headless Chromium against the local stack,
 * through the api that runs registered documents only; axe-core on each refused form.
 */

const suite = new ConsoleSuite('Refused input charity');
const { api, person, freshPage, signInAt } = suite;
/** A person of the manager's service, with a note the manager may name in a disclosure request. */
let client = '';

beforeAll(async () => {
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  const [worker] = await Promise.all([person('worker', ['SUPPORT_WORKER']), person('ig', ['IG_LEAD'])]);
  client = await registerServiceUser(api, own.manager, own.serviceId, { name: 'Asked about' });
  await allocate(api, own.manager, client, worker);
  await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Talked about moving flat.');
  await suite.serve();
});

/** What marks a control as refused, as the page holds it. */
const marksOf = (control: Locator) =>
  control.evaluate((element) => ({
    invalid: element.getAttribute('aria-invalid'),
    describedBy: element.getAttribute('aria-describedby'),
    focused: document.activeElement === element,
    wordsBefore: element.previousElementSibling?.classList.contains('field-error')
      ? element.previousElementSibling.textContent
      : null,
  }));

/** The refusal's banner, once shown: the API's words after "Please check what you entered:", with the code. */
async function bannerOf(page: Page): Promise<string> {
  const banner = page.getByRole('alert').filter({ hasText: /\(code BAD_USER_INPUT\)$/ });
  await banner.waitFor();
  return banner.innerText();
}

describe('an input the API refuses is marked where it was typed', () => {
  it('a breach whose account is only spaces: marked at “What happened”, and unmarked on the next submit', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', '/registers/breaches', 'Breach register');
    await page.getByText('Report a breach', { exact: true }).click();
    const nature = page.getByLabel('What happened');
    // Spaces pass the browser's `required`; the API trims them away.
    await nature.fill('   ');
    await page.getByLabel('About how many people are affected').fill('3');
    await page.getByLabel('Contact details').check();

    // Act
    await page.getByRole('button', { name: 'Report the breach' }).click();

    // Assess: the banner stays; the API's words are beside the field, which is invalid, described by them, and focused
    await expect(bannerOf(page)).resolves.toBe(
      'Please check what you entered: Nature must not be empty. (code BAD_USER_INPUT)',
    );
    await expect(marksOf(nature)).resolves.toEqual({
      invalid: 'true',
      describedBy: 'breach-nature-error breach-nature-hint',
      focused: true,
      wordsBefore: 'Nature must not be empty.',
    });
    await expectAccessible(page, 'refused-input-breach-nature');

    // Act: the next submit, refused by the console's own check, not the API's
    await nature.fill('A laptop left on a train');
    await page.getByLabel('Contact details').uncheck();
    await page.getByRole('button', { name: 'Report the breach' }).click();
    await page.getByRole('alert').filter({ hasText: 'Choose at least one kind of data affected.' }).waitFor();

    // Assess: the API's mark is gone
    await expect(marksOf(nature)).resolves.toEqual({
      invalid: null,
      describedBy: 'breach-nature-hint',
      focused: false,
      wordsBefore: null,
    });
    expect(await page.locator('#breach-nature-error').count()).toBe(0);
    await close();
  });

  it('alert settings with a time zone nobody keeps: marked at the time zone; nothing changed', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', '/settings/monitoring', 'Alert settings');
    const zone = page.getByLabel('Time zone (for example Europe/London)');
    await zone.fill('Europe/Atlantis');

    // Act
    await page.getByRole('button', { name: 'Save the settings' }).click();

    // Assess
    await expect(bannerOf(page)).resolves.toBe(
      'Please check what you entered: Not a known time zone. (code BAD_USER_INPUT)',
    );
    await expect(marksOf(zone)).resolves.toEqual({
      invalid: 'true',
      describedBy: 'time-zone-error',
      focused: true,
      wordsBefore: 'Not a known time zone.',
    });
    await expectAccessible(page, 'refused-input-alert-settings-time-zone');
    const settings = await api.graphql<{ accessMonitoringSettings: { timeZone: string } }>(
      '{ accessMonitoringSettings { timeZone } }',
      { token: suite.token('ig') },
    );
    expect(settings.data?.accessMonitoringSettings.timeZone).toBe('Europe/London');
    await close();
  });

  it('a legal hold whose reason is only spaces and new lines: marked at the reason; no hold placed', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', `/person/${encodeURIComponent(client)}`, /^Who looked at /);
    const reason = page.getByLabel('Why (the proceedings the records are material to)');
    await reason.fill(' \n  \n ');

    // Act
    await page.getByRole('button', { name: 'Place the hold' }).click();

    // Assess
    await expect(bannerOf(page)).resolves.toBe(
      'Please check what you entered: Reason must not be empty. (code BAD_USER_INPUT)',
    );
    await expect(marksOf(reason)).resolves.toEqual({
      invalid: 'true',
      describedBy: 'hold-reason-error',
      focused: true,
      wordsBefore: 'Reason must not be empty.',
    });
    await expectAccessible(page, 'refused-input-legal-hold-reason');
    const hold = await api.graphql<{ serviceUser: { retention: { legalHold: boolean } } }>(
      'query ($id: ID!) { serviceUser(id: $id) { retention { legalHold } } }',
      { token: suite.token('ig'), variables: { id: client } },
    );
    expectNoErrors(hold);
    expect(hold.data?.serviceUser.retention.legalHold).toBe(false);
    await close();
  });

  it('a disclosure request received on a date still to come: marked at “Date received”', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', `/disclosures/${encodeURIComponent(client)}`, /^Disclosures about /);
    await page.getByLabel('Requesting organisation').fill('Housing association');
    await page.getByLabel('Contact at the requester').fill('Duty officer');
    await page.getByLabel('What they need it for, in their words').fill('Tenancy support');
    await page.getByLabel('Legal basis claimed').selectOption('SAFEGUARDING');
    await page.getByRole('group', { name: 'Items requested' }).getByRole('checkbox').first().check();
    // Two days on: a day still to come wherever the organisation's day is now.
    const received = page.getByLabel('Date received');
    await received.fill(new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10));

    // Act
    await page.getByRole('button', { name: 'Record the request' }).click();

    // Assess
    await expect(bannerOf(page)).resolves.toBe(
      'Please check what you entered: Received on cannot be in the future. (code BAD_USER_INPUT)',
    );
    await expect(marksOf(received)).resolves.toEqual({
      invalid: 'true',
      describedBy: 'receive-received-on-error',
      focused: true,
      wordsBefore: 'Received on cannot be in the future.',
    });
    await expectAccessible(page, 'refused-input-disclosure-received-on');
    await close();
  });
});
