import type { Locator, Page, Request } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  allocate,
  createServiceWithManager,
  expectNoErrors,
  recordNote,
  registerServiceUser,
} from '../support/care-fixtures';
import { expectAccessible, waitUntil } from './console-browser';
import { ConsoleSuite } from './console-suite';

/**
 * What a decision on a governance screen tells the person who made it, in headless Chromium against the local stack:
 * a refusal the API gives a stable code for is said in words that name its cause, and a decision clicked twice (an
 * impatient double click) is sent once, its outcome shown, not replaced by the second call's refusal.
 */

const suite = new ConsoleSuite('Decision outcomes charity');
const { api, who, person, freshPage, signInAt } = suite;

const RECEIVE = `mutation ($input: ReceiveDisclosureRequestInput!) {
  receiveDisclosureRequest(input: $input) { requestId } }`;

let client = '';
/** Received on the person's consent, of which none is on file: approving it is CONSENT_REQUIRED. */
let onConsentNotGiven = '';
/** Received on a safeguarding basis, for the manager to decide, and another for them to escalate. */
let toDecide = '';
let toEscalate = '';
/** Approved on a safeguarding basis: flagged for the Guardian to acknowledge. */
let flagged = '';
/** The review of a disclosure the manager made without consent, for the Guardian. */
let review = '';
/** A breach for the IG lead to assess, and its version as reported. */
let breach = { id: '', version: 0 };
/** Another, assessed on its screen to see its facts change. */
let breachToAssess = '';
/** Received on a safeguarding basis, for the manager to approve and see its facts change. */
let toApprove = '';
/** An emergency access to the person, still open, for the Guardian to review. */
let emergencyReview = '';

beforeAll(async () => {
  // Prepare: a service's manager, with requests for the person's note received on two bases, a flagged approval and a
  // disclosure without consent; a breach on the register; the Guardian and the IG lead.
  const org = await suite.begin();
  const own = await createServiceWithManager(api, org);
  suite.list('manager', own.manager, ['SERVICE_MANAGER']);
  const [worker, outsider] = await Promise.all([
    person('worker', ['SUPPORT_WORKER']),
    person('outsider', ['SUPPORT_WORKER']),
    person('ig', ['IG_LEAD']),
    person('guardian', ['CALDICOTT_GUARDIAN']),
  ]);
  client = await registerServiceUser(api, own.manager, own.serviceId);
  await allocate(api, own.manager, client, worker);
  const note = await recordNote(api, worker, client, 'DAILY_SUPPORT', 'Talked about moving flat.');
  const receive = async (legalBasis: string) => {
    const received = await api.graphql<{ receiveDisclosureRequest: { requestId: string }[] }>(RECEIVE, {
      token: own.manager.token,
      variables: {
        input: {
          serviceUserId: client,
          requesterOrganisation: 'Housing association',
          requesterContact: 'Duty officer, 01234 567890',
          purpose: 'Tenancy support',
          purposeCategory: 'HOUSING',
          legalBasis,
          itemIds: [note],
          receivedOn: new Date().toISOString().slice(0, 10),
          identityCheck: 'DOCUMENT_CHECKED',
        },
      },
    });
    expectNoErrors(received);
    return received.data?.receiveDisclosureRequest[0]?.requestId ?? '';
  };
  [onConsentNotGiven, toDecide, flagged, toEscalate, toApprove] = await Promise.all([
    receive('CONSENT'),
    receive('SAFEGUARDING'),
    receive('SAFEGUARDING'),
    receive('SAFEGUARDING'),
    receive('SAFEGUARDING'),
  ]);
  expectNoErrors(
    await api.graphql(
      'mutation ($c: ID!, $r: String!) { decideDisclosureRequest(serviceUserId: $c, requestId: $r, approve: true, reasoning: "A risk to a child.") { kind } }',
      { token: own.manager.token, variables: { c: client, r: flagged } },
    ),
  );
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
  const reviews = await api.graphql<{ disclosureReviewsConnection: { edges: { node: { id: string } }[] } }>(
    '{ disclosureReviewsConnection(status: PENDING, first: 10) { edges { node { id } } } }',
    { token: who('guardian').token },
  );
  expectNoErrors(reviews);
  review = reviews.data?.disclosureReviewsConnection.edges[0]?.node.id ?? '';
  const report = async (nature: string) => {
    const reported = await api.graphql<{ reportBreach: { id: string; version: number } }>(
      'mutation ($input: ReportBreachInput!) { reportBreach(input: $input) { id version } }',
      {
        token: who('ig').token,
        variables: {
          input: {
            nature,
            categories: ['CONTACT'],
            approximateSubjects: 1,
            discoveredAt: new Date(Date.now() - 3_600_000).toISOString(),
          },
        },
      },
    );
    expectNoErrors(reported);
    return reported.data?.reportBreach ?? { id: '', version: 0 };
  };
  breach = await report('A letter sent to the wrong address');
  breachToAssess = (await report('A file left on a shared printer')).id;
  const opened = await api.graphql<{ openEmergencyAccess: { id: string } }>(
    `mutation ($c: ID!) { openEmergencyAccess(serviceUserId: $c, reason: MEDICAL_EMERGENCY,
      detail: "Found unwell; needed the medication list.") { id } }`,
    { token: outsider.token, variables: { c: client } },
  );
  expectNoErrors(opened);
  emergencyReview = opened.data?.openEmergencyAccess.id ?? '';
  await suite.serve();
});

const decisionRoute = (requestId: string) =>
  `/disclosure/${encodeURIComponent(client)}/${encodeURIComponent(requestId)}`;

/** The kinds of a request's entries in the person's disclosure register, as the API holds them. */
async function entriesOf(requestId: string): Promise<string[]> {
  const result = await api.graphql<{
    serviceUser: { disclosureRegisterConnection: { edges: { node: { requestId: string; kind: string } }[] } };
  }>(
    'query ($id: ID!) { serviceUser(id: $id) { disclosureRegisterConnection(first: 100) { edges { node { requestId kind } } } } }',
    { token: who('manager').token, variables: { id: client } },
  );
  expectNoErrors(result);
  return (result.data?.serviceUser.disclosureRegisterConnection.edges ?? [])
    .map(({ node }) => node)
    .filter((entry) => entry.requestId === requestId)
    .map((entry) => entry.kind);
}

/**
 * Double-clicks `control`, as an impatient person does, and tells how many times the page sent the mutation
 * `operation` and what the screen's outcome said once every one of them was answered.
 */
async function doubleClick(
  page: Page,
  control: Locator,
  operation: string,
): Promise<{ sent: number; outcome: { role: string | null; text: string | null }[] }> {
  const sent: Request[] = [];
  const sends = (request: Request) => {
    const body = request.postDataJSON() as { query?: string } | null;
    if (body?.query && new RegExp(`\\bmutation ${operation}\\b`).test(body.query)) sent.push(request);
  };
  page.on('request', sends);
  await control.dblclick();
  await waitUntil(page, () => document.querySelector('.outcome .notice') !== null);
  await Promise.all(sent.map((request) => request.response()));
  page.off('request', sends);
  const outcome = await page
    .locator('.outcome .notice')
    .evaluateAll((notices) =>
      notices.map((notice) => ({ role: notice.getAttribute('role'), text: notice.textContent })),
    );
  return { sent: sent.length, outcome };
}

/** The element that has the keyboard's focus: its tag and its words. */
const focused = (page: Page) =>
  page.evaluate(() => ({
    tag: document.activeElement?.tagName ?? '',
    text: document.activeElement?.textContent ?? '',
  }));

describe('a refusal with a stable code, on the disclosure decision screen', () => {
  it('approving a request on a consent the person never gave says that consent is needed', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', decisionRoute(onConsentNotGiven), 'Disclosure request');

    // Act
    await page.getByLabel(/Your reasoning/).fill('The tenancy officer says the person agreed.');
    await page.getByRole('button', { name: 'Approve' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();

    // Assess: the words name the cause and its code; nothing was decided
    const words = await refusal.innerText();
    expect(words).not.toContain('Something went wrong');
    expect(words).toMatch(/^Nothing authorises this yet: it needs a current consent that covers it/);
    expect(words).toMatch(/\(code CONSENT_REQUIRED\)$/);
    expect(await entriesOf(onConsentNotGiven)).toEqual(['RECEIVED']);
    // Focus is on the refusal, not fallen back to the page's body while the buttons were disabled
    await expect(focused(page)).resolves.toEqual({ tag: 'P', text: words });
    await close();
  });
});

describe('what a person typed is checked before it is sent', () => {
  it('a decision whose reasoning is only spaces and new lines says so at the field, keeps focus there and sends nothing', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', decisionRoute(onConsentNotGiven), 'Disclosure request');
    const sent: string[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { query?: string } | null;
      if (body?.query?.startsWith('mutation')) sent.push(body.query);
    });
    const reasoning = page.getByLabel(/Your reasoning/);
    await reasoning.fill('\n\n   \n');

    // Act
    await page.getByRole('button', { name: 'Refuse' }).click();

    // Assess: the error is next to the field, read with it; focus stays on it; nothing was sent or decided
    const error = page.locator('#reasoning-error');
    await error.waitFor();
    await expect(error.innerText()).resolves.toMatch(/^Write your reasoning/);
    await expect(reasoning.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(reasoning.getAttribute('aria-describedby')).resolves.toContain('reasoning-error');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('reasoning');
    await expect(page.getByRole('button', { name: 'Refuse' }).isEnabled()).resolves.toBe(true);
    expect(sent).toEqual([]);
    expect(await entriesOf(onConsentNotGiven)).toEqual(['RECEIVED']);
    await expectAccessible(page, 'disclosure-decision-blank-reasoning');

    // Act: written, the error goes as it is sent
    await reasoning.fill('The person never gave consent to share.');
    await page.getByRole('button', { name: 'Refuse' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision recorded: refused.' }).waitFor();
    expect(await error.count()).toBe(0);
    await close();
  });
});

describe('after an action, the facts above the form say what the API now holds', () => {
  it('a completed break-glass review says it is completed, and that the access has ended', async () => {
    const { page, close } = await freshPage();
    await signInAt(
      page,
      'guardian',
      `/break-glass/${encodeURIComponent(emergencyReview)}`,
      'Break-glass review',
    );
    // Still open: it ends, it has not ended
    await expect(page.locator('.facts').innerText()).resolves.toMatch(/Access ends\s+.*\(still open\)/);
    await expect(page.locator('.facts').innerText()).resolves.not.toMatch(/Access ended/);

    // Act
    await page.getByLabel(/^\s*Unjustified/).check();
    await page.getByRole('button', { name: 'Record the finding' }).click();
    await page.getByRole('status').filter({ hasText: 'Review completed: unjustified.' }).waitFor();

    // Assess
    const facts = await page.locator('.facts').innerText();
    expect(facts).toMatch(/Status\s+Completed: unjustified/);
    expect(facts).not.toContain('Waiting for review');
    expect(facts).toMatch(/Access ended\s+when this review was completed/);
    await expect(focused(page)).resolves.toEqual({ tag: 'P', text: 'Review completed: unjustified.' });
    await expectAccessible(page, 'break-glass-review-completed-facts');
    await close();
  });

  it('an assessed breach says whether it is reportable', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', `/registers/breaches/${encodeURIComponent(breachToAssess)}`, 'Breach');
    await expect(page.locator('.facts').innerText()).resolves.toMatch(/Reportable\s+not yet assessed/);

    // Act
    await page.getByLabel(/^\s*No/).check();
    await page.getByRole('button', { name: 'Record the assessment' }).click();
    await page.getByRole('status').filter({ hasText: 'Assessment recorded.' }).waitFor();

    // Assess
    const facts = await page.locator('.facts').innerText();
    expect(facts).toMatch(/Reportable\s+no/);
    expect(facts).not.toContain('not yet assessed');
    expect(facts).toMatch(/Regulator deadline\s+.*\(assessed as not reportable\)/);
    await expect(focused(page)).resolves.toEqual({ tag: 'P', text: 'Assessment recorded.' });
    await close();
  });

  it('a decided disclosure request no longer says it awaits a decision', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', decisionRoute(toApprove), 'Disclosure request');
    await expect(page.locator('.facts').innerText()).resolves.toMatch(
      /What it waits for\s+awaiting decision/,
    );

    // Act
    await page.getByLabel(/Your reasoning/).fill('A risk to a child: the housing officer needs to know.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'Decision recorded: approved.' }).waitFor();

    // Assess
    const facts = await page.locator('.facts').innerText();
    expect(facts).not.toContain('awaiting decision');
    expect(facts).toMatch(/Where it stands\s+approved, not yet released/);
    await expect(focused(page)).resolves.toEqual({ tag: 'P', text: 'Decision recorded: approved.' });
    expect(await entriesOf(toApprove)).toEqual(['RECEIVED', 'APPROVED']);
    await close();
  });
});

describe('a decision clicked twice is sent once, and its outcome stays shown', () => {
  it('a manager double-clicks Refuse', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', decisionRoute(toDecide), 'Disclosure request');
    await page
      .getByLabel(/Your reasoning/)
      .fill('The housing association has not said why it needs the notes.');

    // Act
    const clicked = await doubleClick(
      page,
      page.getByRole('button', { name: 'Refuse' }),
      'ConsoleDecideDisclosureRequest',
    );

    // Assess
    expect(clicked).toEqual({ sent: 1, outcome: [{ role: 'status', text: 'Decision recorded: refused.' }] });
    expect(await entriesOf(toDecide)).toEqual(['RECEIVED', 'REFUSED']);
    await close();
  });

  it('the Guardian double-clicks Acknowledge on a flagged decision', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'guardian', decisionRoute(flagged), 'Disclosure request');

    // Act
    const clicked = await doubleClick(
      page,
      page.getByRole('button', { name: 'Acknowledge' }),
      'ConsoleAcknowledgeDisclosureWork',
    );

    // Assess
    expect(clicked).toEqual({ sent: 1, outcome: [{ role: 'status', text: 'Acknowledged.' }] });
    await close();
  });

  it('the Guardian double-clicks Record the finding on a disclosure review', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'guardian', `/disclosure-review/${encodeURIComponent(review)}`, 'Disclosure review');
    await page.getByLabel(/^\s*Justified/).check();
    await page.getByLabel('What you found and did').fill('The risk to the child was real and immediate.');

    // Act
    const clicked = await doubleClick(
      page,
      page.getByRole('button', { name: 'Record the finding' }),
      'ConsoleCompleteDisclosureReview',
    );

    // Assess
    expect(clicked).toEqual({ sent: 1, outcome: [{ role: 'status', text: 'Review completed: justified.' }] });
    await close();
  });

  it('the IG lead double-clicks Record the assessment on a breach', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', `/registers/breaches/${encodeURIComponent(breach.id)}`, 'Breach');
    await page.getByLabel(/^\s*Yes/).check();

    // Act
    const clicked = await doubleClick(
      page,
      page.getByRole('button', { name: 'Record the assessment' }),
      'ConsoleAssessBreach',
    );

    // Assess: one assessment, recorded once
    expect(clicked).toEqual({ sent: 1, outcome: [{ role: 'status', text: 'Assessment recorded.' }] });
    const register = await api.graphql<{
      breachesConnection: { edges: { node: { id: string; reportable: boolean | null; version: number } }[] };
    }>('{ breachesConnection(first: 10) { edges { node { id reportable version } } } }', {
      token: who('ig').token,
    });
    expectNoErrors(register);
    expect(register.data?.breachesConnection.edges.map(({ node }) => node)).toContainEqual({
      id: breach.id,
      reportable: true,
      version: breach.version + 1,
    });
    await close();
  });
});

describe('after an action, focus is on what it did', () => {
  it('a manager escalates a request by keyboard: the form goes, and focus moves to its outcome', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'manager', decisionRoute(toEscalate), 'Disclosure request');
    await page.getByLabel(/Your reasoning/).fill('The purpose is broad; the Guardian should decide.');

    // Act
    await page.getByRole('button', { name: 'Escalate to the Caldicott Guardian' }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /^Escalated:/ })
      .waitFor();

    // Assess
    await expect(focused(page)).resolves.toEqual({
      tag: 'P',
      text: 'Escalated: the Caldicott Guardian decides it now.',
    });
    await close();
  });

  it('the IG lead reports a breach by keyboard: the register is drawn again, and focus moves to the outcome', async () => {
    const { page, close } = await freshPage();
    await signInAt(page, 'ig', '/registers/breaches', 'Breach register');
    await page.getByText('Report a breach', { exact: true }).click();
    await page.getByLabel('What happened').fill('A laptop left on a train');
    await page.getByLabel('About how many people are affected').fill('3');
    await page.getByLabel('Contact details').check();

    // Act
    await page.getByRole('button', { name: 'Report the breach' }).focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('status')
      .filter({ hasText: /^Breach reported\./ })
      .waitFor();

    // Assess
    const now = await focused(page);
    expect(now.tag).toBe('P');
    expect(now.text).toMatch(/^Breach reported\. The regulator must be told by /);
    await close();
  });
});
