import { execute } from '../api';
import { mapInTurn, readConnection } from '../connection-pages';
import { facts, h, notice, render } from '../dom';
import {
  AuthoriseImportMutation,
  ImportAuthorisationsQuery,
  WithdrawImportAuthorisationMutation,
} from '../import-documents';
import {
  dateTimeWords,
  grantorWords,
  IMPORT_AUTHORISATION_CHOICES,
  IMPORT_AUTHORISATION_MINUTES,
  importAuthorisationIdOf,
  type ListedImportAuthorisation,
  lifetimeMinutes,
  lifetimeWords,
  mayWithdrawImportAuthorisation,
} from '../logic';
import { actionErrorNotice, field, markRefusedInputs, onSubmit } from './action-forms';
import {
  errorNotice,
  focusOutcome,
  readManagedServices,
  SERVICE_READS_AT_ONCE,
  screenHeading,
  showRefusal,
  unread,
} from './shared';

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

/**
 * The pages (100 authorisations each) of one service's list the screen reads at most. Each authorisation lives a day
 * at most, so a service holds a handful at any time.
 */
const AUTHORISATION_PAGES = 5;

/** Where a change to a service's authorisations (one given or withdrawn) is shown: its list, read again. */
type ChangedIn = (serviceId: string) => void;

const NOT_AN_ID =
  'This is not an authorisation id: one starts “ima_” and has 26 letters and digits after it.';

/**
 * Imports (decision 0146): a charity's records are brought into one of the caller's services by a platform operator,
 * through a deployed stage (`confide import --stage … --authorisation <id>`), only under the authorisation of one of
 * the service's managers. Here a manager gives one, for a service they manage (the API counts their link to it, so a
 * senior manager is offered only the services they are linked to as a manager), and reads the id to hand the operator;
 * sees, for each service they manage, the authorisations that stand for it, whoever of its managers gave them
 * (`importAuthorisations`); and withdraws one they gave, there and then, from its service's list, or by its id (one
 * into a service they no longer manage, which no list of theirs shows).
 */
export async function importsScreen(main: HTMLElement, viewerStaffId: string | undefined): Promise<void> {
  render(main, screenHeading('Imports'), h('p', {}, 'Loading…'));
  const { nodes, errors, more } = await readManagedServices();
  const services = nodes
    .filter((service) => service.managers.some((manager) => manager.id === viewerStaffId))
    .map(({ id, name }) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const serviceName = (serviceId: string) =>
    services.find((service) => service.id === serviceId)?.name ?? 'the service';
  /** The authorisations given on this visit, newest first, each with its withdrawal. */
  const given = h('div', { class: 'given-authorisations' });
  const standing = new Map(
    services.map((service, index) => [service.id, standingList(service, index, viewerStaffId)] as const),
  );
  const changedIn: ChangedIn = (serviceId) => {
    void standing.get(serviceId)?.reload();
  };
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
    // Nothing read, the error above says it all: no card says there is nothing to authorise.
    unread(errors, nodes.length) ? null : authoriseCard(services, errors.length > 0, given, changedIn),
    given,
    ...[...standing.values()].map((list) => list.element),
    withdrawCard(serviceName, changedIn),
  );
  await mapInTurn([...standing.values()], SERVICE_READS_AT_ONCE, (list) => list.reload());
}

/**
 * The authorisations that stand for one service the caller manages (not yet ended; a withdrawn one until it ends),
 * newest first: who gave each, when, until when, whether withdrawn; a Withdraw button on each of the caller's own
 * that is not withdrawn (only its grantor withdraws one). `reload` reads the list again.
 */
function standingList(
  service: Service,
  index: number,
  viewerStaffId: string | undefined,
): { element: HTMLElement; reload: () => Promise<void> } {
  const titleId = `standing-${index}-title`;
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const body = h('div', { class: 'standing-list' }, h('p', {}, 'Loading…'));
  const element = h(
    'section',
    { class: 'card import-authorisations', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, `Authorisations for ${service.name}`),
    outcome,
    body,
  );
  /** The latest reading: an earlier one answering after it (a withdrawal just after a grant) is dropped. */
  let reading = 0;
  const reload = async () => {
    reading += 1;
    const thisReading = reading;
    element.setAttribute('aria-busy', 'true');
    let managers: readonly { id: string; displayName?: string | null }[] = [];
    const { nodes, errors, more } = await readConnection(
      async (after) => {
        const { data, errors } = await execute(ImportAuthorisationsQuery, { serviceId: service.id, after });
        if (data?.service && 'managers' in data.service) managers = data.service.managers;
        return { page: data?.importAuthorisations, errors };
      },
      { maxPages: AUTHORISATION_PAGES },
    );
    if (thisReading !== reading) return;
    body.replaceChildren(
      ...[
        errorNotice(errors),
        nodes.length === 0
          ? errors.length === 0
            ? h('p', { class: 'empty' }, `No import authorisation stands for ${service.name}.`)
            : null
          : authorisationsTable(
              nodes,
              { service, index, more },
              (authorisation) => grantorWords(authorisation, viewerStaffId, managers),
              (authorisation) => mayWithdrawImportAuthorisation(authorisation, viewerStaffId),
              outcome,
            ),
        nodes.length === 0
          ? null
          : h(
              'p',
              { class: 'hint' },
              'Only the manager who gave an authorisation can withdraw it. If they cannot, a senior manager who takes them off the service stops every authorisation they gave for it at once.',
            ),
      ].filter((child) => child !== null),
    );
    element.removeAttribute('aria-busy');
  };
  return { element, reload };
}

/** One service's list as a table, each row with its withdrawal when the caller may make it. */
function authorisationsTable(
  authorisations: readonly (ListedImportAuthorisation & { grantedAt: string; expiresAt: string })[],
  { service, index, more }: { service: Service; index: number; more: boolean },
  grantor: (authorisation: ListedImportAuthorisation) => string,
  mayWithdraw: (authorisation: ListedImportAuthorisation) => boolean,
  outcome: HTMLElement,
): HTMLElement {
  return h(
    'table',
    { class: 'standing-authorisations' },
    h(
      'caption',
      {},
      more
        ? `The newest ${authorisations.length} authorisations not yet ended (there are more, not shown here)`
        : `${authorisations.length} ${authorisations.length === 1 ? 'authorisation' : 'authorisations'} not yet ended, newest first`,
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Authorisation', 'Given by', 'Given', 'Ends', 'Withdrawn', ''].map((label) =>
          h('th', { scope: 'col' }, label),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      authorisations.map((authorisation, row) => {
        const codeId = `standing-${index}-${row}-id`;
        const withdrawnCell = h(
          'td',
          {},
          authorisation.withdrawnAt ? dateTimeWords(authorisation.withdrawnAt) : 'No',
        );
        const actionCell = h('td', {});
        if (mayWithdraw(authorisation)) {
          const withdraw = h(
            'button',
            { type: 'button', class: 'secondary', 'aria-describedby': codeId },
            'Withdraw',
          );
          withdraw.addEventListener('click', async () => {
            withdraw.disabled = true;
            const result = await execute(WithdrawImportAuthorisationMutation, {
              input: { authorisationId: authorisation.id },
            });
            const answer = result.data?.withdrawImportAuthorisation;
            if (!answer) {
              withdraw.disabled = false;
              showRefusal(outcome, actionErrorNotice(result.errors, WITHDRAW_REFUSALS));
              return;
            }
            withdrawnCell.textContent = answer.withdrawnAt ? dateTimeWords(answer.withdrawnAt) : 'Yes';
            withdraw.remove();
            const said = notice(withdrawnWords(answer, service.name), 'success');
            outcome.replaceChildren(said);
            focusOutcome(said);
          });
          actionCell.append(withdraw);
        }
        return h(
          'tr',
          {},
          h('td', {}, h('code', { id: codeId }, authorisation.id)),
          h('td', {}, grantor(authorisation)),
          h('td', {}, dateTimeWords(authorisation.grantedAt)),
          h('td', {}, dateTimeWords(authorisation.expiresAt)),
          withdrawnCell,
          actionCell,
        );
      }),
    ),
  );
}

/** The form that authorises an import: the service, how long; each authorisation given goes into `given`. */
function authoriseCard(
  services: readonly Service[],
  unread: boolean,
  given: HTMLElement,
  changedIn: ChangedIn,
): HTMLElement {
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
    { required: true, 'data-api-field': 'input.expiresInMinutes' },
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
      markRefusedInputs(form, result.errors);
      return;
    }
    outcome.replaceChildren();
    const panel = givenPanel(authorisation, name, changedIn);
    given.prepend(panel.element);
    focusOutcome(panel.heading);
    changedIn(authorisation.serviceId);
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
  changedIn: ChangedIn,
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
      `Until it ends it is listed below with ${serviceName}’s other authorisations, for you and the service’s other managers to see: you can withdraw it there later.`,
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
      showRefusal(withdrawn, actionErrorNotice(result.errors, WITHDRAW_REFUSALS));
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
    changedIn(authorisation.serviceId);
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

/**
 * Withdrawing an authorisation the caller gave, by its id: one into a service they no longer manage (which no list of
 * theirs shows) still stands until it ends, though it authorises nothing while they do not manage the service.
 */
function withdrawCard(serviceName: (serviceId: string) => string, changedIn: ChangedIn): HTMLElement {
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const input = h('input', {
    type: 'text',
    required: true,
    size: 34,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    'data-api-field': 'input.authorisationId',
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
    if (answer) changedIn(answer.serviceId);
    else markRefusedInputs(form, result.errors);
  });
  return h(
    'section',
    { class: 'card withdraw-import', 'aria-labelledby': 'withdraw-import-title' },
    h('h2', { id: 'withdraw-import-title' }, 'Withdraw an authorisation you gave, by its id'),
    h(
      'p',
      {},
      'From the moment you withdraw it, the operator can no longer import with it. Only you can withdraw an authorisation you gave; one that has ended authorises nothing already. Those of the services you manage are listed above; here you can withdraw one by its id, such as one into a service you no longer manage.',
    ),
    outcome,
    form,
  );
}
