import { execute } from '../api';
import { ManagedServicesQuery } from '../case-documents';
import { readConnection } from '../connection-pages';
import { facts, h, notice, render } from '../dom';
import { AuthoriseImportMutation, WithdrawImportAuthorisationMutation } from '../import-documents';
import {
  dateTimeWords,
  IMPORT_AUTHORISATION_CHOICES,
  IMPORT_AUTHORISATION_MINUTES,
  importAuthorisationIdOf,
  lifetimeMinutes,
  lifetimeWords,
} from '../logic';
import { actionErrorNotice, field, onSubmit } from './action-forms';
import { errorNotice, focusOutcome, SERVICE_PAGES, screenHeading } from './shared';

interface Service {
  readonly id: string;
  readonly name: string;
}

/** A refusal of an authorisation in words for a manager (the rest: `errorWords`). */
const AUTHORISE_REFUSALS = {
  FORBIDDEN:
    'You may authorise an import only into a service you manage, as its service manager. Reload to see your services as they are now.',
  NOT_FOUND: 'This service no longer exists, or is not yours. Reload to see your services as they are now.',
};

/** A refusal of a withdrawal in words for a manager. */
const WITHDRAW_REFUSALS = {
  CONFLICT: 'This authorisation is already withdrawn, or has ended: it authorises nothing now.',
  NOT_FOUND: 'You gave no authorisation with this id: check it against the one you gave.',
};

const NOT_AN_ID =
  'This is not an authorisation id: one starts “ima_” and has 26 letters and digits after it.';

/**
 * Imports (decision 0146): a charity's records are brought into one of the caller's services by a platform operator,
 * through a deployed stage (`confide import --stage … --authorisation <id>`), only under the authorisation of one of
 * the service's managers. Here a manager gives one, for a service they manage (the API counts their link to it, so a
 * senior manager is offered only the services they are linked to as a manager), and reads the id to hand the operator;
 * and withdraws one they gave, there and then or later by its id. The API lists no authorisations, so the screen
 * offers the withdrawal of each one given on this visit, and of any other by the id its grantor kept.
 */
export async function importsScreen(main: HTMLElement, viewerStaffId: string | undefined): Promise<void> {
  render(main, screenHeading('Imports'), h('p', {}, 'Loading…'));
  const { nodes, errors, more } = await readConnection(
    async (after) => {
      const { data, errors } = await execute(ManagedServicesQuery, { after });
      return { page: data?.servicesConnection, errors };
    },
    { maxPages: SERVICE_PAGES },
  );
  const services = nodes
    .filter((service) => service.managers.some((manager) => manager.id === viewerStaffId))
    .map(({ id, name }) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const serviceName = (serviceId: string) =>
    services.find((service) => service.id === serviceId)?.name ?? 'the service';
  /** The authorisations given on this visit, newest first, each with its withdrawal. */
  const given = h('div', { class: 'given-authorisations' });
  render(
    main,
    screenHeading('Imports'),
    h(
      'p',
      {},
      'A charity’s records are brought into Confide by a platform operator, with Confide’s import tool. The operator may import into one of your services only while you authorise it: the import runs under your name, for as long as you choose.',
    ),
    errorNotice(errors),
    more
      ? notice(
          `Only the first ${nodes.length} services of the organisation were read: it has more, not shown here.`,
        )
      : null,
    authoriseCard(services, errors.length > 0, given),
    given,
    withdrawCard(serviceName),
  );
}

/** The form that authorises an import: the service, how long; each authorisation given goes into `given`. */
function authoriseCard(services: readonly Service[], unread: boolean, given: HTMLElement): HTMLElement {
  const card = (...children: (HTMLElement | null)[]) =>
    h(
      'section',
      { class: 'card authorise-import', 'aria-labelledby': 'authorise-import-title' },
      h('h2', { id: 'authorise-import-title' }, 'Authorise an import'),
      ...children,
    );
  if (services.length === 0) {
    return card(
      h(
        'p',
        { class: 'empty' },
        unread
          ? 'Your services could not be read, so there is none to authorise an import into. Reload to try again.'
          : 'You manage no service, so there is none to authorise an import into: only a service’s managers authorise an import into it.',
      ),
    );
  }
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const service = h(
    'select',
    { required: true },
    services.length > 1 ? h('option', { value: '' }, 'Choose a service') : null,
    services.map(({ id, name }) => h('option', { value: id }, name)),
  );
  const lifetime = h(
    'select',
    { required: true },
    IMPORT_AUTHORISATION_CHOICES.map((minutes) =>
      h(
        'option',
        { value: minutes, selected: minutes === IMPORT_AUTHORISATION_MINUTES.default },
        lifetimeWords(minutes),
      ),
    ),
  );
  const form = h(
    'form',
    { class: 'decision' },
    field('import-service', 'Service to import into', service),
    field(
      'import-lifetime',
      'How long the authorisation lasts',
      lifetime,
      'The operator may import only until it ends. An import still running then stops, and continues under a new authorisation.',
    ),
    h('button', { type: 'submit' }, 'Authorise the import'),
  );
  onSubmit(form, async () => {
    const name = service.selectedOptions[0]?.textContent ?? 'the service';
    const result = await execute(AuthoriseImportMutation, {
      input: { serviceId: service.value, expiresInMinutes: Number(lifetime.value) },
    });
    const authorisation = result.data?.authoriseImport;
    if (!authorisation) {
      outcome.replaceChildren(actionErrorNotice(result.errors, AUTHORISE_REFUSALS));
      return;
    }
    outcome.replaceChildren();
    const panel = givenPanel(authorisation, name);
    given.prepend(panel.element);
    focusOutcome(panel.heading);
  });
  return card(
    h(
      'p',
      {},
      'Choose the service and how long. You are given an id to pass to the operator running the import.',
    ),
    outcome,
    form,
  );
}

/** What a withdrawal leaves: when, and that the id opens nothing now. */
const withdrawnWords = (withdrawn: { id: string; withdrawnAt?: string | null }, serviceName: string) =>
  `Withdrawn ${withdrawn.withdrawnAt ? dateTimeWords(withdrawn.withdrawnAt) : 'now'}. The operator can no longer import with ${withdrawn.id} into ${serviceName}; an import under way stops at its next step.`;

/**
 * An authorisation just given: its id, plainly, to copy and hand over; what it allows and until when; and its
 * withdrawal.
 */
function givenPanel(
  authorisation: { id: string; serviceId: string; grantedAt: string; expiresAt: string },
  serviceName: string,
): { element: HTMLElement; heading: HTMLElement } {
  const { id } = authorisation;
  const headingId = `${id}-title`;
  const codeId = `${id}-id`;
  const until = dateTimeWords(authorisation.expiresAt);
  const heading = h('h2', { id: headingId }, `Import into ${serviceName} authorised`);
  const code = h('code', { class: 'authorisation-id', id: codeId }, id);
  const copied = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const copy = h('button', { type: 'button', class: 'secondary', 'aria-describedby': codeId }, 'Copy the id');
  copy.addEventListener('click', async () => {
    try {
      if (!navigator.clipboard) throw new Error('No clipboard');
      await navigator.clipboard.writeText(id);
      copied.replaceChildren(notice('Copied.', 'success'));
    } catch {
      // Refused (the browser's permission, an insecure address): the id selected is one key press from copied.
      getSelection()?.selectAllChildren(code);
      copied.replaceChildren(
        notice(
          'The browser did not let the console copy it. The id is selected: press Ctrl+C (⌘C on a Mac).',
        ),
      );
    }
  });
  const inForce = h(
    'div',
    { class: 'in-force' },
    h('p', {}, 'Give this id to the operator running the import:'),
    h('p', { class: 'authorisation-id-line' }, code, ' ', copy),
    copied,
    facts([
      ['Service', serviceName],
      ['Lasts', lifetimeWords(lifetimeMinutes(authorisation))],
      ['Until', until],
    ]),
    h(
      'p',
      {},
      `It lets the operator import a charity’s records into ${serviceName} under your authority: the people they bring in are registered, and their records recorded as written by you. It works until ${until}, unless you withdraw it first or no longer manage ${serviceName}.`,
    ),
    h(
      'p',
      {},
      'It is not a password: nobody can sign in to Confide or read records with it. Only a platform operator can use it, signed in as themself, in the import tool.',
    ),
    h(
      'p',
      {},
      'Keep the id if you may want to withdraw the authorisation after leaving this page: Confide does not list the authorisations you gave.',
    ),
  );
  const withdrawn = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const withdraw = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-describedby': `${headingId} ${codeId}` },
    'Withdraw this authorisation',
  );
  const actions = h('div', { class: 'actions' }, withdraw);
  withdraw.addEventListener('click', async () => {
    withdraw.disabled = true;
    const result = await execute(WithdrawImportAuthorisationMutation, { input: { authorisationId: id } });
    const answer = result.data?.withdrawImportAuthorisation;
    if (!answer) {
      withdraw.disabled = false;
      withdrawn.replaceChildren(actionErrorNotice(result.errors, WITHDRAW_REFUSALS));
      return;
    }
    // What it allowed, and how to hand it over, no longer hold: only which it was, and that it is withdrawn.
    heading.textContent = `Import into ${serviceName}: authorisation withdrawn`;
    inForce.replaceWith(
      facts([
        ['Authorisation', code],
        ['Service', serviceName],
      ]),
    );
    actions.remove();
    const said = notice(withdrawnWords(answer, serviceName), 'success');
    withdrawn.replaceChildren(said);
    focusOutcome(said);
  });
  const element = h(
    'section',
    { class: 'card import-authorisation', 'aria-labelledby': headingId },
    heading,
    inForce,
    withdrawn,
    actions,
  );
  return { element, heading };
}

/** Withdrawing an authorisation the caller gave earlier, by the id they kept. */
function withdrawCard(serviceName: (serviceId: string) => string): HTMLElement {
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const input = h('input', {
    type: 'text',
    required: true,
    size: 34,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    { class: 'decision' },
    field(
      'withdraw-authorisation-id',
      'Authorisation id',
      input,
      'The id you gave the operator. It starts “ima_”.',
    ),
    h('button', { type: 'submit' }, 'Withdraw the authorisation'),
  );
  onSubmit(form, async () => {
    const id = importAuthorisationIdOf(input.value);
    if (!id) {
      outcome.replaceChildren(notice(NOT_AN_ID, 'error'));
      return;
    }
    const result = await execute(WithdrawImportAuthorisationMutation, { input: { authorisationId: id } });
    const answer = result.data?.withdrawImportAuthorisation;
    outcome.replaceChildren(
      answer
        ? notice(withdrawnWords(answer, serviceName(answer.serviceId)), 'success')
        : actionErrorNotice(result.errors, WITHDRAW_REFUSALS),
    );
  });
  return h(
    'section',
    { class: 'card withdraw-import', 'aria-labelledby': 'withdraw-import-title' },
    h('h2', { id: 'withdraw-import-title' }, 'Withdraw an authorisation you gave'),
    h(
      'p',
      {},
      'From the moment you withdraw it, the operator can no longer import with it. Only you can withdraw an authorisation you gave; one that has ended authorises nothing already.',
    ),
    outcome,
    form,
  );
}
