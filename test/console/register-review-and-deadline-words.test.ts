import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { expectAccessible, settled } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * What the governance screens left unsaid: the disclosure register named neither the person a disclosure was about
 * nor its legal basis; a completed break-glass review did not say when it was completed, nor by whom; and a subject
 * access deadline ran to midnight UTC, an hour past the end of the UK day in summer. In headless Chromium against the
 * local stack, through the api that runs registered documents only.
 */

const suite = new ConsoleSuite('Register words charity');
const { api, person, token, freshPage, signInAt } = suite;

/** The person disclosed about, whose emergency access was reviewed and who asked for their records. */
let client = '';
/** The completed break-glass review, and when it was completed. */
const review = { id: '', reviewedAt: '' };
/** The deadline (YYYY-MM-DD) of a request received in June: it ends in British Summer Time. */
let summerDeadline = '';

beforeAll(async () => {
  // Prepare: a manager shares the person's note without consent on the basis of safeguarding; the chief executive
  // breaks the glass and the Caldicott Guardian completes the review; the IG lead records a subject access request
  // received in June.
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
  const note = await recordNote(api, own.manager, client, 'DAILY_SUPPORT', 'Said they felt unsafe at home.');
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
  const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
    'mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY, detail: "Collapsed at the day centre") { id } }',
    { token: chief.token, variables: { c: client } },
  );
  expectNoErrors(opened);
  const completed = await api.graphql<{ completeEmergencyAccessReview: { id: string; reviewedAt: string } }>(
    'mutation ($r: ID!) { completeEmergencyAccessReview(reviewId: $r, outcome: JUSTIFIED) { id reviewedAt } }',
    { token: token('guardian'), variables: { r: opened.data?.openEmergencyAccess.id } },
  );
  expectNoErrors(completed);
  review.id = completed.data?.completeEmergencyAccessReview.id ?? '';
  review.reviewedAt = completed.data?.completeEmergencyAccessReview.reviewedAt ?? '';
  const requested = await api.graphql<{ requestSubjectAccess: { deadline: string } }>(
    'mutation ($c: ID!) { requestSubjectAccess(serviceUserId: $c, receivedOn: "2026-06-10", identityCheck: PHOTO_ID) { deadline } }',
    { token: token('ig'), variables: { c: client } },
  );
  expectNoErrors(requested);
  summerDeadline = requested.data?.requestSubjectAccess.deadline ?? '';
  await suite.serve();
});

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

/** The person's label as the console's other screens give it: the tail of their global id. */
const label = (id: string) => `person …${id.replaceAll('=', '').slice(-8)}`;

describe('the disclosure register', () => {
  it.each([
    ['the Caldicott Guardian, who opens their disclosures', 'guardian', 'disclosures'],
    ['the IG lead, who opens who looked at them', 'ig', 'person'],
  ])('says whom a disclosure was about and on what basis, to %s', async (_case, handle, screen) => {
    // Act
    const { page, close } = await freshPage();
    await signInAt(page, handle, '/registers/disclosures', 'Disclosure register');
    await settled(page);
    const row = page.locator('tbody tr').first();

    // Assess: the operation and the basis in words, and the person linked to a screen the viewer's role opens
    const [, , , , what = '', why = ''] = await row.locator('td').allInnerTexts();
    expect(what).toBe('recorded an exceptional disclosure: consent and disclosures');
    expect(why).toBe('Legal basis: safeguarding');
    const whom = row.locator('a');
    await expect(whom.innerText()).resolves.toBe(label(client));
    await expect(whom.getAttribute('href')).resolves.toBe(`#/${screen}/${encodeURIComponent(client)}`);
    await close();
  });

  it.each([
    ['the IG lead', 'ig'],
    ['the service manager', 'manager'],
  ])('says to whom a disclosure went, to %s', async (_case, handle) => {
    // Act
    const { page, close } = await freshPage();
    await signInAt(page, handle, '/registers/disclosures', 'Disclosure register');
    await settled(page);

    // Assess: a "To" column beside whom it was about, naming the recipient recorded with the disclosure
    const headings = await page.locator('thead th').allInnerTexts();
    expect(headings).toEqual(['When', 'By', 'About', 'To', 'What', 'Why']);
    const [, , , to = ''] = await page.locator('tbody tr').first().locator('td').allInnerTexts();
    expect(to).toBe('Adult social care duty team');
    await expectAccessible(page, `disclosure-register-to-${handle}`);
    await close();
  });
});

describe('a completed break-glass review', () => {
  it('says when the review was completed, in UK time', async () => {
    // Act
    const { page, close } = await freshPage();
    await signInAt(page, 'guardian', `/break-glass/${encodeURIComponent(review.id)}`, 'Break-glass review');
    await settled(page);

    // Assess
    expect(review.reviewedAt).not.toBe('');
    const ended = await page.locator('main').innerText();
    expect(ended).toContain(`when this review was completed, ${ukTime(review.reviewedAt)}`);
    await close();
  });

  it('names who completed it, to another reviewer', async () => {
    // Act
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', `/break-glass/${encodeURIComponent(review.id)}`, 'Break-glass review');
    await settled(page);

    // Assess
    const facts = await page.locator('.facts').innerText();
    expect(facts).toMatch(/Completed by\s+Staff guardian \(Caldicott Guardian, guardian\)/);
    await expectAccessible(page, 'break-glass-review-completed-by');
    await close();
  });
});

describe('a subject access deadline', () => {
  it.each([
    ['Today', '/today', 'Today'],
    ['the subject access register', '/registers/subject-access', 'Subject access requests'],
  ])('ends at the end of the UK day, on %s', async (_case, route, heading) => {
    // Prepare: 00:30 BST the day after the deadline (23:30 UTC on the deadline's date)
    const { page, close } = await freshPage({ timezoneId: 'Europe/London' });
    await page.clock.install({ time: new Date(`${summerDeadline}T23:30:00Z`) });

    // Act
    await signInAt(page, 'ig', route, heading);
    await settled(page);

    // Assess: overdue by half an hour, not due in another half hour
    const text = await page.locator('main').innerText();
    expect(text).toContain('overdue by 30 minutes');
    expect(text).not.toMatch(/due in 29 minutes/);
    await close();
  });
});
