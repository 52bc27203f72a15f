import { type ApiError, type ApiResult, execute } from '../api';
import { mapInTurn, readConnection } from '../connection-pages';
import {
  CorrectDisclosureEntryMutation,
  DisclosureConsentMethodsQuery,
  PersonDisclosuresQuery,
  PersonNotesForDisclosureQuery,
  ReceiveDisclosureRequestMutation,
  RecordAuthorAuthorityMutation,
  RecordDisclosureToldToPersonMutation,
  RecordExceptionalDisclosureMutation,
  ReleaseDisclosureMutation,
  ServicePeopleQuery,
  SetDisclosureConsentMethodsMutation,
  SetDisclosureRequestUrgencyMutation,
} from '../documents';
import { facts, h, link, notice, render } from '../dom';
import type {
  ConsentMethod,
  ConsolePersonDisclosuresQuery,
  ConsolePersonNotesForDisclosureQuery,
  DisclosurePurpose,
  DisclosureRequesterKind,
  IdentityCheck,
  LegalBasis,
  ReleaseMethod,
} from '../gql/graphql';
import {
  type Capabilities,
  CONSOLE_TIME_ZONE_WORDS,
  type DisclosureRequestHistory,
  dateTimeWords,
  dateWords,
  disclosureRequests,
  disclosureStageWords,
  enumWords,
  localInputInstant,
  personToldWords,
  redactionPhrases,
} from '../logic';
import { actionErrorNotice, markRefusedInputs, todayIso } from './action-forms';
import {
  errorNotice,
  focusOutcome,
  listOrError,
  personLabel,
  readServices,
  SERVICE_READS_AT_ONCE,
  screenHeading,
  showRefusal,
} from './shared';

/**
 * The disclosure register's actions (issue 19), where the people who handle disclosure requests work: a person's
 * disclosures, with each request's history and what may still be done to it (among them, that the person has since
 * been told of an exceptional disclosure they were not told of: decision 0145), a request received, an exceptional
 * disclosure recorded; and the IG lead's consent methods. Each action is offered only to the roles the API lets run
 * it (capabilities.ts); the API still decides, and a refusal is shown in words with its code.
 */

type Entry = NonNullable<
  NonNullable<
    ConsolePersonDisclosuresQuery['serviceUser']['disclosureRegisterConnection']
  >['edges'][number]['node']
>;
type Note = ConsolePersonNotesForDisclosureQuery['serviceUser']['notes']['edges'][number]['node'];

const LEGAL_BASES: LegalBasis[] = [
  'CONSENT',
  'COURT_ORDER',
  'PREVENTION_OF_SERIOUS_CRIME',
  'SAFEGUARDING',
  'VITAL_INTERESTS',
];
const IDENTITY_CHECKS: IdentityCheck[] = ['CALLBACK_TO_KNOWN_NUMBER', 'DOCUMENT_CHECKED', 'KNOWN_CONTACT'];
const REQUESTER_KINDS: DisclosureRequesterKind[] = ['ORGANISATION', 'GP', 'FAMILY'];
const PURPOSES: DisclosurePurpose[] = [
  'BENEFITS',
  'CARE_COORDINATION',
  'HEALTH_TREATMENT',
  'HOUSING',
  'LEGAL',
  'SAFEGUARDING',
  'OTHER',
];
const RELEASE_METHODS: [ReleaseMethod, string][] = [
  ['SECURE_EMAIL', 'Secure email'],
  ['POST', 'Post'],
  ['IN_PERSON', 'In person'],
  ['PARTNER_APP', 'The partner agency’s app (the request names it)'],
];
const CONSENT_METHODS: [ConsentMethod, string][] = [
  ['SIGNED_FORM', 'A signed consent form (written)'],
  ['EMAIL', 'In writing by email (written)'],
  ['VERBAL_WITNESSED', 'Verbal, with a witness'],
];

/** The first error in plain words, with the API's code so a person can quote it. */
export const actionError = (errors: readonly ApiError[], fallback = 'Nothing was recorded.'): HTMLElement =>
  actionErrorNotice(errors, {}, fallback);

/** A labelled control: the label's `for` and the control's `id` always match. */
function labelled<T extends HTMLElement>(id: string, words: string, control: T): [HTMLLabelElement, T] {
  control.id = id;
  control.setAttribute('name', id);
  return [h('label', { for: id }, words), control];
}

const words = (values: readonly string[]): [string, string][] =>
  values.map((value) => [value, enumWords(value)]);

const select = (options: [string, string][], attributes: Record<string, string | boolean> = {}) =>
  h(
    'select',
    attributes,
    options.map(([value, words]) => h('option', { value }, words)),
  );

const noteWords = (note: { kind: string; recordedAt: string; authorOrganisation?: string | null }) =>
  `${enumWords(note.kind)} note of ${dateTimeWords(note.recordedAt)}${note.authorOrganisation ? `, written by ${note.authorOrganisation}` : ''}`;

/** The notes to choose from, as checkboxes in a fieldset. */
function noteChoices(
  name: string,
  legend: string,
  notes: readonly Note[],
  checked = false,
): HTMLFieldSetElement {
  return h(
    'fieldset',
    {},
    h('legend', {}, legend),
    notes.map((note) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'checkbox', name, value: note.id, checked }),
        ` ${noteWords(note)}`,
      ),
    ),
  );
}

const checkedValues = (form: HTMLFormElement, name: string) =>
  [...form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((box) => box.value);

/** The pages (100 people each) of one service's people the Disclosures screen reads at most: 2,000 people. */
const SERVICE_PEOPLE_PAGES = 20;

/** The people of the services the caller may see, to open one's disclosures. */
export async function disclosurePeopleScreen(main: HTMLElement): Promise<void> {
  render(main, screenHeading('Disclosures'), h('p', {}, 'Loading…'));
  const services = await readServices();
  const lists = await mapInTurn(services.nodes, SERVICE_READS_AT_ONCE, async (service) => {
    // Every page: a page may hold fewer than asked (even none) and still have more after it.
    const { nodes, errors, more } = await readConnection(
      async (after) => {
        const { data, errors } = await execute(ServicePeopleQuery, { serviceId: service.id, after });
        return { page: data?.serviceUsers, errors };
      },
      { maxPages: SERVICE_PEOPLE_PAGES },
    );
    return { service, people: nodes, errors, more };
  });
  const shown = lists.filter(({ people, more }) => people.length > 0 || more);
  const errors = [...services.errors, ...lists.flatMap(({ errors: listErrors }) => listErrors)];
  render(
    main,
    screenHeading('Disclosures'),
    h(
      'p',
      {},
      'Choose a person to see their disclosure requests, record a request received in writing, or record a disclosure made without consent.',
    ),
    services.more
      ? notice(
          `Only the first ${services.nodes.length} services of the organisation were read: it has more, whose people are not shown here.`,
        )
      : null,
    ...listOrError(errors, shown.length, 'No person is open to you.', () =>
      h(
        'div',
        {},
        shown.map(({ service, people, more }) =>
          h(
            'section',
            { class: 'card', 'aria-label': service.name },
            h('h2', {}, service.name),
            more
              ? notice(
                  `Only the first ${people.length} people of this service are listed: it has more, not shown here.`,
                )
              : null,
            h(
              'ul',
              { class: 'items' },
              people.map((person) =>
                h(
                  'li',
                  { class: 'item' },
                  link(
                    `/disclosures/${encodeURIComponent(person.id)}`,
                    `${personLabel(person.id)}${person.reference ? ` (case ${person.reference})` : ''}`,
                  ),
                  ' · ',
                  link(`/person/${encodeURIComponent(person.id)}`, `Who looked at ${personLabel(person.id)}`),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The person's whole register, a page at a time. */
async function registerOf(
  serviceUserId: string,
  after: string | null = null,
  entries: readonly Entry[] = [],
): Promise<{ entries: Entry[]; errors: readonly ApiError[] }> {
  const { data, errors }: ApiResult<ConsolePersonDisclosuresQuery> = await execute(PersonDisclosuresQuery, {
    serviceUserId,
    after,
  });
  const connection = data?.serviceUser.disclosureRegisterConnection;
  const all = [...entries, ...(connection?.edges ?? []).map(({ node }) => node)];
  const cursor = connection?.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
  if (!connection || errors.length > 0 || !cursor) return { entries: all, errors };
  return registerOf(serviceUserId, cursor, all);
}

/**
 * A request's opening entry in the person's register (RECEIVED, or EXCEPTIONAL_DISCLOSURE), for a screen that shows
 * one request: an exceptional disclosure's review says from it why the person was not told.
 */
export async function openingEntryOf(
  serviceUserId: string,
  requestId: string,
): Promise<{ entry: Entry | undefined; errors: readonly ApiError[] }> {
  const { entries, errors } = await registerOf(serviceUserId);
  const request = disclosureRequests(entries).find((each) => each.requestId === requestId);
  return { entry: request?.opening, errors };
}

/**
 * A person's disclosures: each request's history, where it stands, and the actions it still takes; then a request
 * received and an exceptional disclosure recorded, naming the person's notes the caller may see.
 */
export async function personDisclosuresScreen(
  main: HTMLElement,
  serviceUserId: string,
  can: Capabilities,
  message?: HTMLElement,
): Promise<void> {
  const title = `Disclosures about ${personLabel(serviceUserId)}`;
  render(main, screenHeading(title), h('p', {}, 'Loading…'));
  const [register, notesResult] = await Promise.all([
    registerOf(serviceUserId),
    execute(PersonNotesForDisclosureQuery, { serviceUserId }),
  ]);
  if (register.errors.length > 0) {
    render(
      main,
      screenHeading(title),
      actionError(register.errors),
      h('p', {}, link('/disclosures', 'Back to Disclosures')),
    );
    return;
  }
  const notes = (notesResult.data?.serviceUser.notes.edges ?? []).map(({ node }) => node);
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' }, message ?? null);
  const again = (words: string) =>
    personDisclosuresScreen(main, serviceUserId, can, notice(words, 'success'));
  const context: ActionContext = { serviceUserId, outcome, again, can };
  const requests = disclosureRequests(register.entries).reverse();
  render(
    main,
    screenHeading(title),
    h('p', {}, link('/disclosures', 'All people')),
    outcome,
    h('h2', {}, 'Requests and disclosures'),
    ...(requests.length === 0
      ? [h('p', { class: 'empty' }, 'Nothing has been requested or disclosed about this person.')]
      : requests.map((request, index) => requestCard(request, index, context))),
    can.handleDisclosureRequests ? receiveSection(notes, notesResult.errors, context) : null,
    can.recordExceptionalDisclosures ? exceptionalSection(notes, notesResult.errors, context) : null,
  );
  focusOutcome(message);
}

interface ActionContext {
  readonly serviceUserId: string;
  readonly outcome: HTMLElement;
  readonly again: (words: string) => Promise<void>;
  readonly can: Capabilities;
}

/**
 * Sends a mutation from a form: disables its button meanwhile, shows a refusal (focused), or redraws with the
 * success.
 */
function onSubmit(
  form: HTMLFormElement,
  context: ActionContext,
  send: () => Promise<{ ok: boolean; errors: readonly ApiError[]; words: string } | undefined>,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    const result = await send();
    if (button) button.disabled = false;
    if (!result) {
      // The form said why itself, in the outcome: focus goes there, not to the page's body.
      focusOutcome(context.outcome.querySelector<HTMLElement>('.notice'));
      return;
    }
    if (!result.ok) {
      showRefusal(context.outcome, actionError(result.errors));
      markRefusedInputs(form, result.errors);
      return;
    }
    await context.again(result.words);
  });
}

const entryWords = (entry: Entry) =>
  [
    entry.at ? dateTimeWords(entry.at) : '',
    entry.kind === 'CLIENT_INFORMED'
      ? `: the person was told${entry.toldOn ? ` on ${dateWords(entry.toldOn)}` : ''}`
      : `: ${enumWords(entry.kind ?? 'entry')}`,
    entry.kind === 'URGENCY_CHANGED' ? (entry.urgent ? ' (now urgent)' : ' (no longer urgent)') : '',
    entry.method ? ` by ${enumWords(entry.method)}` : '',
    entry.reasoning ? ` — ${entry.reasoning}` : '',
  ].join('');

function requestCard(
  request: DisclosureRequestHistory<Entry>,
  index: number,
  context: ActionContext,
): HTMLElement {
  const opening = request.opening;
  const id = `request-${index}`;
  const heading =
    opening?.kind === 'EXCEPTIONAL_DISCLOSURE'
      ? `Disclosed to ${opening.recipient ?? 'a recipient'} without consent`
      : `Request from ${opening?.requesterOrganisation ?? 'a requester'}`;
  const items = opening?.items ?? [];
  const children: (Node | null)[] = [
    h('h3', { id: `${id}-title` }, heading),
    facts([
      ['Stands', disclosureStageWords(request.stage)],
      ['Urgent', opening?.kind === 'RECEIVED' ? (request.urgent ? 'Yes' : 'No') : ''],
      ['Received on', opening?.receivedOn ? dateWords(opening.receivedOn) : ''],
      ['Who asks', opening?.requesterKind ? enumWords(opening.requesterKind) : ''],
      // Where a release goes, whoever the request says it is from: the app of this agency receives it.
      ['Received in the app of', opening?.receivingApp?.name ?? ''],
      ['Their purpose', opening?.purpose ?? ''],
      ['Purpose category', opening?.purposeCategory ? enumWords(opening.purposeCategory) : ''],
      ['Legal basis', opening?.legalBasis ? enumWords(opening.legalBasis) : ''],
      ['Requester verified by', opening?.identityCheck ? enumWords(opening.identityCheck) : ''],
      ['Person told', personToldWords(opening?.clientInformed, request.toldLater)],
      ['Why they were not told', opening?.clientInformed === false ? (opening.reasonNotInformed ?? '') : ''],
      [
        'Items',
        items.length
          ? h(
              'ul',
              {},
              items.map((item) => h('li', {}, noteWords(item))),
            )
          : '',
      ],
    ]),
    h('h4', {}, 'History'),
    h(
      'ol',
      { class: 'history' },
      request.entries.map((entry) => h('li', {}, entryWords(entry))),
    ),
  ];
  if (context.can.handleDisclosureRequests) {
    if (request.urgencyChangeable) children.push(urgencyForm(request, id, context));
    if (request.releasable) children.push(releaseForm(request, id, context));
    if (request.tellable) children.push(toldForm(request, id, context));
    const correspondence = items.filter((item) => item.kind === 'CORRESPONDENCE');
    if (
      request.stage !== 'REFUSED' &&
      request.stage !== 'RELEASED' &&
      request.stage !== 'EXCEPTIONAL_DISCLOSURE'
    )
      children.push(...correspondence.map((item, n) => authorityForm(item, `${id}-authority-${n}`, context)));
    children.push(correctionForm(request, id, context));
  }
  return h(
    'section',
    {
      class: 'card disclosure-request',
      'aria-labelledby': `${id}-title`,
      'data-request-id': request.requestId,
    },
    children,
  );
}

function urgencyForm(request: DisclosureRequestHistory<Entry>, id: string, context: ActionContext) {
  const urgent = !request.urgent;
  const form = h(
    'form',
    { class: 'decision', 'aria-label': 'Urgency' },
    h(
      'button',
      { type: 'submit', class: 'secondary', id: `${id}-urgency` },
      urgent ? 'Mark urgent' : 'Mark not urgent',
    ),
  );
  onSubmit(form, context, async () => {
    const result = await execute(SetDisclosureRequestUrgencyMutation, {
      serviceUserId: context.serviceUserId,
      requestId: request.requestId,
      urgent,
    });
    return {
      ok: Boolean(result.data?.setDisclosureRequestUrgency),
      errors: result.errors,
      words: urgent
        ? 'Marked urgent: it comes first in the decision queue.'
        : 'Marked not urgent: it takes its place by age in the decision queue.',
    };
  });
  return form;
}

function releaseForm(request: DisclosureRequestHistory<Entry>, id: string, context: ActionContext) {
  const items = request.opening?.items ?? [];
  const [methodLabel, method] = labelled(
    `${id}-method`,
    'How it is sent',
    select(RELEASE_METHODS, { required: true, 'data-api-field': 'input.method' }),
  );
  const [expiryLabel, expiry] = labelled(
    `${id}-grant-expires`,
    `The partner may read it until (${CONSOLE_TIME_ZONE_WORDS}; for the partner agency’s app only, within 90 days)`,
    h('input', { type: 'datetime-local', 'data-api-field': 'input.grantExpiresAt' }),
  );
  const [redactionsLabel, redactions] = labelled(
    `${id}-redactions`,
    'Phrases to redact, one a line (replaced by [REDACTED] in what is sent)',
    h('textarea', { rows: 3, maxlength: 2000, 'data-api-field': 'input.redactions' }),
  );
  const form = h(
    'form',
    { class: 'decision', 'aria-labelledby': `${id}-release-title` },
    h('h4', { id: `${id}-release-title` }, 'Release'),
    noteChoices(`${id}-release-item`, 'Items to release (of those approved)', items, true),
    methodLabel,
    method,
    expiryLabel,
    expiry,
    redactionsLabel,
    redactions,
    h('button', { type: 'submit' }, 'Release'),
  );
  onSubmit(form, context, async () => {
    const result = await execute(ReleaseDisclosureMutation, {
      input: {
        serviceUserId: context.serviceUserId,
        requestId: request.requestId,
        itemIds: checkedValues(form, `${id}-release-item`),
        method: method.value as ReleaseMethod,
        redactions: redactionPhrases(redactions.value),
        grantExpiresAt: expiry.value ? localInputInstant(expiry.value) : null,
      },
    });
    const released = result.data?.releaseDisclosure;
    // Sent by email, post or in person, what leaves is the sender's to send: exactly this, redactions applied (the
    // register keeps its digest, not the text, so it is shown now only).
    const toSend =
      method.value !== 'PARTNER_APP' && released?.releasedText?.length
        ? ` Send exactly this, redactions applied: ${released.releasedText
            .map((item) => `${enumWords(item.kind)} of ${dateWords(item.recordedAt)}: “${item.body}”`)
            .join(' ')}`
        : '';
    return {
      ok: Boolean(released),
      errors: result.errors,
      words: `Released. The register keeps a digest of exactly what left (${released?.snapshotDigest?.slice(0, 12) ?? ''}…).${toSend}`,
    };
  });
  return form;
}

function authorityForm(
  item: { id: string; kind: string; recordedAt: string },
  id: string,
  context: ActionContext,
) {
  const [label, reference] = labelled(
    id,
    `Reference of the author’s written authority to disclose the ${noteWords(item)}`,
    h('input', {
      type: 'text',
      required: true,
      maxlength: 200,
      autocomplete: 'off',
      'data-api-field': 'reference',
    }),
  );
  const form = h(
    'form',
    { class: 'decision' },
    label,
    reference,
    h('button', { type: 'submit' }, 'Record the author’s authority'),
  );
  onSubmit(form, context, async () => {
    const result = await execute(RecordAuthorAuthorityMutation, {
      noteId: item.id,
      reference: reference.value.trim(),
    });
    if (result.errors[0]?.code === 'NOT_FOUND') {
      context.outcome.replaceChildren(
        notice(
          'This note is not correspondence written by another organisation (or is no longer held): it needs no author’s authority. (code NOT_FOUND)',
          'error',
        ),
      );
      return undefined;
    }
    return {
      ok: result.data?.recordAuthorAuthority === true,
      errors: result.errors,
      words:
        'The author’s authority is recorded: the correspondence may be disclosed when the request is approved.',
    };
  });
  return form;
}

/**
 * That the person has now been told of an exceptional disclosure they were not told of when it was recorded
 * (`recordDisclosureToldToPerson`, the service's managers and the Caldicott Guardian): from then on they see it in
 * their own register and export, and read how they were told, never why they were not told at first.
 */
function toldForm(request: DisclosureRequestHistory<Entry>, id: string, context: ActionContext) {
  const today = todayIso();
  const [onLabel, toldOn] = labelled(
    `${id}-told-on`,
    'Date they were told',
    h('input', { type: 'date', required: true, value: today, max: today, 'data-api-field': 'toldOn' }),
  );
  const [howLabel, how] = labelled(
    `${id}-told-how`,
    'How and by whom they were told (they read this in their own register)',
    h('textarea', { rows: 3, required: true, maxlength: 2000, 'data-api-field': 'how' }),
  );
  const form = h(
    'form',
    { class: 'decision', 'aria-labelledby': `${id}-told-title` },
    h('h4', { id: `${id}-told-title` }, 'The person has been told since'),
    h(
      'p',
      {},
      'When the risk has passed and they have been told, record it: they then see this disclosure in their own register, but not why they were not told at first.',
    ),
    onLabel,
    toldOn,
    howLabel,
    how,
    h('button', { type: 'submit' }, 'Record that they were told'),
  );
  onSubmit(form, context, async () => {
    const result = await execute(RecordDisclosureToldToPersonMutation, {
      serviceUserId: context.serviceUserId,
      requestId: request.requestId,
      toldOn: toldOn.value,
      how: how.value.trim(),
    });
    return {
      ok: Boolean(result.data?.recordDisclosureToldToPerson),
      errors: result.errors,
      words:
        'Recorded: the person was told of the disclosure. They now see it in their own register and subject access export.',
    };
  });
  return form;
}

function correctionForm(request: DisclosureRequestHistory<Entry>, id: string, context: ActionContext) {
  const [label, reasoning] = labelled(
    `${id}-correction`,
    'A correction: what was wrong and what is right (added to the history; entries are never edited)',
    h('textarea', { rows: 3, required: true, maxlength: 2000, 'data-api-field': 'reasoning' }),
  );
  const form = h(
    'form',
    { class: 'decision' },
    label,
    reasoning,
    h('button', { type: 'submit', class: 'secondary' }, 'Add the correction'),
  );
  onSubmit(form, context, async () => {
    const result = await execute(CorrectDisclosureEntryMutation, {
      serviceUserId: context.serviceUserId,
      requestId: request.requestId,
      reasoning: reasoning.value.trim(),
    });
    return {
      ok: Boolean(result.data?.correctDisclosureEntry),
      errors: result.errors,
      words: 'Correction added to the request’s history.',
    };
  });
  return form;
}

/**
 * Why a form that names notes is not offered: the caller sees none of the person's notes. Not when reading them
 * failed: the form's section then shows the error instead.
 */
const noNotes = (what: string) =>
  h(
    'p',
    { class: 'empty' },
    `None of this person’s notes is open to you, so you cannot name what ${what}: the managers of their service record it.`,
  );

function receiveSection(
  notes: readonly Note[],
  notesErrors: readonly ApiError[],
  context: ActionContext,
): HTMLElement {
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'receive-title' },
    h('h2', { id: 'receive-title' }, 'Record a request received in writing'),
  );
  if (notes.length === 0) {
    section.append(errorNotice(notesErrors) ?? noNotes('was requested'));
    return section;
  }
  /** A line of text; `apiField` is its field of the API's input. */
  const text = (maxlength: number, apiField: string) =>
    h('input', { type: 'text', required: true, maxlength, autocomplete: 'off', 'data-api-field': apiField });
  const [orgLabel, organisation] = labelled(
    'receive-organisation',
    'Requesting organisation',
    text(200, 'input.requesterOrganisation'),
  );
  const [contactLabel, contact] = labelled(
    'receive-contact',
    'Contact at the requester',
    text(500, 'input.requesterContact'),
  );
  const [kindLabel, kind] = labelled('receive-requester-kind', 'Who asks', select(words(REQUESTER_KINDS)));
  const [purposeLabel, purpose] = labelled(
    'receive-purpose',
    'What they need it for, in their words',
    h('textarea', { rows: 3, required: true, maxlength: 2000, 'data-api-field': 'input.purpose' }),
  );
  const [categoryLabel, category] = labelled(
    'receive-purpose-category',
    'Purpose category (required when the basis is consent)',
    select([['', 'none stated'], ...words(PURPOSES)]),
  );
  const [basisLabel, basis] = labelled(
    'receive-legal-basis',
    'Legal basis claimed',
    select(words(LEGAL_BASES)),
  );
  const [checkLabel, check] = labelled(
    'receive-identity-check',
    'How the requester was verified',
    select(words(IDENTITY_CHECKS)),
  );
  const [onLabel, receivedOn] = labelled(
    'receive-received-on',
    'Date received',
    h('input', { type: 'date', required: true, value: todayIso(), 'data-api-field': 'input.receivedOn' }),
  );
  const urgent = h('input', { type: 'checkbox', id: 'receive-urgent', name: 'receive-urgent' });
  const form = h(
    'form',
    { class: 'decision' },
    orgLabel,
    organisation,
    contactLabel,
    contact,
    kindLabel,
    kind,
    purposeLabel,
    purpose,
    categoryLabel,
    category,
    basisLabel,
    basis,
    checkLabel,
    check,
    onLabel,
    receivedOn,
    noteChoices('receive-item', 'Items requested', notes),
    h('label', { class: 'choice', for: 'receive-urgent' }, urgent, ' Urgent'),
    h('button', { type: 'submit' }, 'Record the request'),
  );
  onSubmit(form, context, async () => {
    const result = await execute(ReceiveDisclosureRequestMutation, {
      input: {
        serviceUserId: context.serviceUserId,
        requesterOrganisation: organisation.value.trim(),
        requesterContact: contact.value.trim(),
        requesterKind: kind.value as DisclosureRequesterKind,
        purpose: purpose.value.trim(),
        purposeCategory: category.value ? (category.value as DisclosurePurpose) : null,
        legalBasis: basis.value as LegalBasis,
        identityCheck: check.value as IdentityCheck,
        receivedOn: receivedOn.value,
        itemIds: checkedValues(form, 'receive-item'),
        urgent: urgent.checked,
      },
    });
    return {
      ok: Boolean(result.data?.receiveDisclosureRequest),
      errors: result.errors,
      words: 'Request recorded. It waits for a decision by the service’s managers.',
    };
  });
  section.append(form);
  return section;
}

function exceptionalSection(
  notes: readonly Note[],
  notesErrors: readonly ApiError[],
  context: ActionContext,
): HTMLElement {
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'exceptional-title' },
    h('h2', { id: 'exceptional-title' }, 'Record a disclosure made without consent'),
    h(
      'p',
      {},
      'Under a duty to share (an exceptional disclosure): it is flagged for the Caldicott Guardian and raises a review for the service’s managers and the Guardian.',
    ),
  );
  if (notes.length === 0) {
    section.append(errorNotice(notesErrors) ?? noNotes('was shared'));
    return section;
  }
  const [recipientLabel, recipient] = labelled(
    'exceptional-recipient',
    'Who received it',
    h('input', {
      type: 'text',
      required: true,
      maxlength: 200,
      autocomplete: 'off',
      'data-api-field': 'input.recipient',
    }),
  );
  const [basisLabel, basis] = labelled(
    'exceptional-legal-basis',
    'Legal basis',
    select(words(LEGAL_BASES.filter((value) => value !== 'CONSENT'))),
  );
  const [reasoningLabel, reasoning] = labelled(
    'exceptional-reasoning',
    'Why sharing without consent was necessary',
    h('textarea', { rows: 4, required: true, maxlength: 2000, 'data-api-field': 'input.reasoning' }),
  );
  const [notToldLabel, notTold] = labelled(
    'exceptional-reason-not-informed',
    'If the person was not told: why telling them would increase risk',
    h('textarea', { rows: 3, maxlength: 2000, 'data-api-field': 'input.reasonNotInformed' }),
  );
  const form = h(
    'form',
    { class: 'decision' },
    recipientLabel,
    recipient,
    basisLabel,
    basis,
    reasoningLabel,
    reasoning,
    noteChoices('exceptional-item', 'What was shared', notes),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Was the person told?'),
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'exceptional-told', value: 'yes', required: true }),
        ' Yes',
      ),
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'exceptional-told', value: 'no' }),
        ' No',
      ),
    ),
    notToldLabel,
    notTold,
    h('button', { type: 'submit' }, 'Record the disclosure'),
  );
  onSubmit(form, context, async () => {
    const told = new FormData(form).get('exceptional-told') === 'yes';
    const result = await execute(RecordExceptionalDisclosureMutation, {
      input: {
        serviceUserId: context.serviceUserId,
        recipient: recipient.value.trim(),
        legalBasis: basis.value as LegalBasis,
        reasoning: reasoning.value.trim(),
        itemIds: checkedValues(form, 'exceptional-item'),
        clientInformed: told,
        reasonNotInformed: told || !notTold.value.trim() ? null : notTold.value.trim(),
      },
    });
    return {
      ok: Boolean(result.data?.recordExceptionalDisclosure),
      errors: result.errors,
      words:
        'Exceptional disclosure recorded and flagged for the Caldicott Guardian; a review is raised for the service’s managers and the Guardian.',
    };
  });
  section.append(form);
  return section;
}

/**
 * The consent methods that can authorise a disclosure on the consent basis (the IG lead): written ones by default;
 * a witnessed verbal consent only where the organisation chooses it. The API refuses a set without a written method.
 */
export async function consentMethodsScreen(main: HTMLElement, message?: HTMLElement): Promise<void> {
  render(main, screenHeading('Consent methods'), h('p', {}, 'Loading…'));
  const { data, errors } = await execute(DisclosureConsentMethodsQuery);
  const current = data?.disclosureConsentMethods;
  if (!current) {
    render(main, screenHeading('Consent methods'), actionError(errors, 'Not readable.'));
    return;
  }
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' }, message ?? null);
  const save = h('button', { type: 'submit' }, 'Save the consent methods');
  const form = h(
    'form',
    { class: 'decision' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Consent given in these ways can authorise a disclosure'),
      CONSENT_METHODS.map(([value, words]) =>
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'checkbox', name: 'consent-method', value, checked: current.includes(value) }),
          ` ${words}`,
        ),
      ),
    ),
    save,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    save.disabled = true;
    const methods = checkedValues(form, 'consent-method') as ConsentMethod[];
    const result = await execute(SetDisclosureConsentMethodsMutation, { methods });
    save.disabled = false;
    if (!result.data) {
      showRefusal(outcome, actionError(result.errors, 'Nothing was changed.'));
      return;
    }
    await consentMethodsScreen(
      main,
      notice('Consent methods saved. Decisions on the consent basis use them from now on.', 'success'),
    );
  });
  render(
    main,
    screenHeading('Consent methods'),
    h(
      'p',
      {},
      'A disclosure on the consent basis needs a current consent given in one of these ways. At least one written way is required.',
    ),
    outcome,
    form,
  );
  focusOutcome(message);
}
