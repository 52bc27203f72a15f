import type { Locator } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { closeCase, proposeErasure } from '../retention/retention-support';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  registerServiceUser,
} from '../support/care-fixtures';
import { settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * What a reviewer read wrong in the console: an access log whose sentences hid what happened (reads under emergency
 * access told as the opening of it, an erasure proposal told and counted as a refusal, governance lists and the log
 * itself as "read the record (in …)"), and times in UTC, with UTC dates as the default and the latest of date fields,
 * for charities in the UK. In headless Chromium against the local stack, through the api that runs registered
 * documents only.
 */

const suite = new ConsoleSuite('Access words charity');
const { api, person, token, freshPage, signInAt } = suite;

const READ = 'query ($id: ID!) { serviceUser(id: $id) { name phone } }';
const ACCESS_LOG = 'query ($c: ID!) { accessLog(serviceUserId: $c, first: 5) { edges { node { id } } } }';

/** The person whose log is read. */
let client = '';

beforeAll(async () => {
  // Prepare: a person their support worker reads; the chief executive breaks the glass and reads under it; the
  // Caldicott Guardian lists and completes the review and reads the log; the worker is refused the log; the IG lead
  // proposes erasing the closed case's records.
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  const [worker, chief] = await Promise.all([
    person('worker', ['SUPPORT_WORKER']),
    person('chief', ['CHIEF_EXECUTIVE']),
    person('ig', ['IG_LEAD']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
  ]);
  client = await registerServiceUser(api, own.manager, own.serviceId);
  await allocate(api, own.manager, client, worker);
  expectNoErrors(await api.graphql(READ, { token: worker.token, variables: { id: client } }));
  const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
    'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Collapsed at the day centre") { id } }',
    { token: chief.token, variables: { c: client } },
  );
  expectNoErrors(opened);
  expectNoErrors(
    await api.graphql(READ, {
      token: chief.token,
      variables: { id: client },
      headers: { 'x-access-purpose': 'Ambulance crew need next of kin' },
    }),
  );
  expectNoErrors(
    await api.graphql('{ emergencyAccessReviewsConnection(first: 10) { edges { node { id } } } }', {
      token: token('guardian'),
    }),
  );
  expectNoErrors(
    await api.graphql(
      'mutation ($r: ID!) { completeEmergencyAccessReview(reviewId: $r, outcome: JUSTIFIED) { id } }',
      { token: token('guardian'), variables: { r: opened.data?.openEmergencyAccess.id } },
    ),
  );
  expectNoErrors(await api.graphql(ACCESS_LOG, { token: token('guardian'), variables: { c: client } }));
  const refused = await api.graphql(ACCESS_LOG, { token: worker.token, variables: { c: client } });
  expect(refused.errors).toBeDefined();
  expectNoErrors(await closeCase(api, own.manager, client));
  const proposed = await proposeErasure(api, token('ig'), client);
  expect(proposed.errors?.map((error) => error.extensions?.code)).toEqual(['APPROVAL_REQUIRED']);
  await suite.serve();
});

/** Each access's sentence, without the marks (Emergency, Investigation) beside it. */
const sentencesOf = (log: Locator) =>
  log.locator('.access-sentence').evaluateAll((sentences) =>
    sentences.map((sentence) =>
      [...sentence.childNodes]
        .filter((node) => node.nodeType === Node.TEXT_NODE)
        .map((node) => node.textContent)
        .join(''),
    ),
  );

/** A time as a person in the UK reads it: "7 Dec 2026, 20:56 GMT" (BST in summer). */
const ukTime = (at: string) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/London',
    timeZoneName: 'short',
  }).format(new Date(at));

describe('the access log in words', () => {
  it('tells emergency reads from the opening of emergency access, a proposal from a refusal, and a governance view from a read', async () => {
    // Act
    const { page, close } = await freshPage();
    await signInAt(page, 'guardian', `/person/${encodeURIComponent(client)}`, /^Who looked at /);
    const log = page.locator('ol.access-log');
    const sentences = await sentencesOf(log);

    // Assess: each access as what it was
    expect(sentences).toEqual(
      expect.arrayContaining([
        'Staff worker (support worker) read contact details and identifying details',
        'Staff chief (chief executive) opened emergency access to the record',
        'Staff chief (chief executive) read contact details and identifying details under emergency access',
        'Staff guardian (Caldicott Guardian) viewed the person’s emergency access review',
        'Staff guardian (Caldicott Guardian) viewed the access log',
        'Staff worker (support worker) tried to view the access log and was refused',
        'Staff ig (information governance lead) proposed erasing the records (awaiting approval)',
      ]),
    );
    // No developer's name of an operation, nor the "(in …)" of one the console does not know
    for (const sentence of sentences) expect(sentence).not.toMatch(/\(in |[a-z][A-Z]/);
    // Every time in UK time, named
    const times = await log
      .locator('time')
      .evaluateAll((elements) =>
        elements.map((element) => [element.getAttribute('datetime') ?? '', element.textContent ?? '']),
      );
    expect(times.length).toBe(sentences.length);
    for (const [at, shown] of times) expect(shown).toBe(ukTime(at ?? ''));

    // Act: refusals only
    await page.getByLabel('Show').selectOption('refused');

    // Assess: the worker's refusal, and not the proposal awaiting approval
    await expect(sentencesOf(log)).resolves.toEqual([
      'Staff worker (support worker) tried to view the access log and was refused',
    ]);
    await expect(page.locator('.count-line').innerText()).resolves.toBe(`1 of ${sentences.length} accesses`);
    await close();
  });
});

describe('dates and times in UK time', () => {
  /** 00:30 British Summer Time on 16 July: UTC is still on the 15th. */
  const AFTER_MIDNIGHT_BST = new Date('2026-07-15T23:30:00Z');

  it.each([
    ['a computer in the UK', 'Europe/London'],
    ['a computer on UTC', 'UTC'],
    ['a computer in New York', 'America/New_York'],
  ])(
    'after midnight BST on %s, a subject access request is received today (the UK date) at the latest',
    async (_case, timezoneId) => {
      // Prepare
      const { page, close } = await freshPage({ timezoneId });
      await page.clock.install({ time: AFTER_MIDNIGHT_BST });

      // Act
      await signInAt(
        page,
        'ig',
        `/registers/subject-access/new/${encodeURIComponent(client)}`,
        'Subject access requests',
      );

      // Assess
      const receivedOn = page.locator('#sar-received-on');
      await expect(receivedOn.inputValue()).resolves.toBe('2026-07-16');
      await expect(receivedOn.getAttribute('max')).resolves.toBe('2026-07-16');
      await close();
    },
  );

  it('after midnight BST, a breach is discovered now in UK time, and the UK time entered is sent as its instant', async () => {
    // Prepare
    const { page, close } = await freshPage({ timezoneId: 'Europe/London' });
    await page.clock.install({ time: AFTER_MIDNIGHT_BST });
    await signInAt(page, 'ig', '/registers/breaches', 'Breach register');
    await settled(page);

    // Act
    await page.locator('summary', { hasText: 'Report a breach' }).click();
    const discovered = page.getByLabel('When it was discovered (UK time)');

    // Assess: now, in UK time, and no later
    await expect(discovered.inputValue()).resolves.toMatch(/^2026-07-16T00:3\d$/);
    await expect(discovered.getAttribute('max')).resolves.toMatch(/^2026-07-16T00:3\d$/);

    // Act: report one discovered at 00:05 BST
    await page.getByLabel('What happened').fill('A rota with client references left on a bus.');
    await page.getByLabel('Contact details').check();
    await page.getByLabel('About how many people are affected').fill('3');
    await discovered.fill('2026-07-16T00:05');
    const sent = page.waitForRequest(
      (request) => request.method() === 'POST' && (request.postData() ?? '').includes('discoveredAt'),
    );
    await page.getByRole('button', { name: 'Report the breach' }).click();

    // Assess: sent as the instant it was in the UK (23:05 UTC the day before), and shown in UK time
    expect((await sent).postDataJSON().variables.input.discoveredAt).toBe('2026-07-15T23:05:00.000Z');
    await page.locator('td', { hasText: '16 Jul 2026, 00:05 BST' }).first().waitFor();
    await close();
  });
});
