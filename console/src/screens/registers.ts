import { execute } from '../api';
import { readConnection } from '../connection-pages';
import { AssessBreachMutation, BreachesQuery, DisclosureRegisterQuery } from '../documents';
import { facts, h, link, notice, render } from '../dom';
import type { ConsoleBreachesQuery } from '../gql/graphql';
import {
  breachClock,
  type Capabilities,
  CONSOLE_TIME_ZONE_WORDS,
  classificationWords,
  dateTimeWords,
  disclosureBasisWords,
  enumWords,
  localInputInstant,
  operationDoneWords,
} from '../logic';
import { actionErrorNotice, markRefusedInputs, onSubmit } from './action-forms';
import { reportBreachForm } from './report-breach';
import {
  actorWords,
  errorNotice,
  focusOutcome,
  listOrError,
  personLabel,
  screenHeading,
  showRefusal,
} from './shared';

const DISCLOSURE_WINDOW_DAYS = 92;

/** The pages (100 entries each) a register screen reads at most: 2,000 entries. */
const REGISTER_PAGES = 20;

type Breach = ConsoleBreachesQuery['breachesConnection']['edges'][number]['node'];

/** The breach register, newest discovery first, to its end (within the bound) or until `until` finds an entry. */
const readBreaches = (until?: (breach: Breach) => boolean) =>
  readConnection(
    async (after) => {
      const { data, errors } = await execute(BreachesQuery, { after });
      return { page: data?.breachesConnection, errors };
    },
    { maxPages: REGISTER_PAGES, until },
  );

/** The disclosures made since `from`, newest first, to the end (within the bound). */
const readDisclosures = (from: string) =>
  readConnection(
    async (after) => {
      const { data, errors } = await execute(DisclosureRegisterQuery, { from, after });
      return { page: data?.disclosureReport, errors };
    },
    { maxPages: REGISTER_PAGES },
  );

/**
 * Whom a disclosure was about, linked to the screen the viewer's role opens for them: their disclosures, or else who
 * looked at them; their label alone when neither opens (or the entry names nobody).
 */
function whomWords(serviceUserId: string | null | undefined, capabilities: Capabilities): Node | string {
  if (!serviceUserId) return '';
  const id = encodeURIComponent(serviceUserId);
  const label = personLabel(serviceUserId);
  if (capabilities.handleDisclosureRequests || capabilities.recordExceptionalDisclosures)
    return link(`/disclosures/${id}`, label);
  return capabilities.accessLog ? link(`/person/${id}`, label) : label;
}

/** The disclosure register: releases and exceptional disclosures of the last 92 days (the API's widest window). */
export async function disclosureRegisterScreen(main: HTMLElement, capabilities: Capabilities): Promise<void> {
  render(main, screenHeading('Disclosure register'), h('p', {}, 'Loading…'));
  const from = new Date(Date.now() - DISCLOSURE_WINDOW_DAYS * 86_400_000 + 60_000).toISOString();
  const { nodes: entries, errors, more } = await readDisclosures(from);
  render(
    main,
    screenHeading('Disclosure register'),
    h('p', {}, `Disclosures made in the last ${DISCLOSURE_WINDOW_DAYS} days, newest first.`),
    ...listOrError(errors, entries.length, 'No disclosure was made in this period.', () =>
      h(
        'table',
        {},
        h(
          'caption',
          {},
          more
            ? `The newest ${entries.length} disclosures (the period holds older ones, not shown here)`
            : `${entries.length} ${entries.length === 1 ? 'disclosure' : 'disclosures'}`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['When', 'By', 'About', 'To', 'What', 'Why'].map((label) => h('th', { scope: 'col' }, label)),
          ),
        ),
        h(
          'tbody',
          {},
          entries.map((entry) =>
            h(
              'tr',
              {},
              h('td', {}, dateTimeWords(entry.at)),
              h('td', {}, actorWords(entry.actor)),
              h('td', {}, whomWords(entry.serviceUserId, capabilities)),
              // To whom, as the person's register records it: text staff typed.
              h('td', { class: 'free-text' }, entry.recipient ?? ''),
              h(
                'td',
                {},
                `${operationDoneWords(entry.operation)}: ${entry.classifications.map(classificationWords).join(', ')}`,
              ),
              h(
                'td',
                { class: 'free-text' },
                `Legal basis: ${disclosureBasisWords(entry.rule)}`,
                entry.purpose ? h('br') : null,
                entry.purpose ?? null,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * The breach register with each entry's 72-hour clock; an IG lead opens an entry to assess it. Whoever has the
 * register may report a breach to it.
 */
export async function breachRegisterScreen(
  main: HTMLElement,
  capabilities: Capabilities,
  message?: HTMLElement,
): Promise<void> {
  render(main, screenHeading('Breach register'), h('p', {}, 'Loading…'));
  const { nodes: breaches, errors, more } = await readBreaches();
  const now = new Date();
  render(
    main,
    screenHeading('Breach register'),
    message ? h('div', { class: 'outcome', 'aria-live': 'polite' }, message) : null,
    capabilities.reportBreaches
      ? reportBreachForm((words) => breachRegisterScreen(main, capabilities, notice(words, 'success')))
      : null,
    ...listOrError(errors, breaches.length, 'The register is empty.', () =>
      h(
        'table',
        {},
        h(
          'caption',
          {},
          more
            ? `The newest ${breaches.length} entries (the register holds older ones, not shown here), newest discovery first`
            : `${breaches.length} ${breaches.length === 1 ? 'entry' : 'entries'}, newest discovery first`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Discovered', 'What happened', 'Regulator (72 hours)', ''].map((label) =>
              h('th', { scope: 'col' }, label),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          breaches.map((breach) => {
            const clock = breachClock(breach, now);
            return h(
              'tr',
              { class: clock.state === 'OVERDUE' ? 'overdue' : '' },
              h('td', {}, dateTimeWords(breach.discoveredAt)),
              h('td', { class: 'free-text' }, breach.nature),
              h('td', { class: 'deadline' }, clock.words),
              h(
                'td',
                {},
                link(
                  `/registers/breaches/${encodeURIComponent(breach.id)}`,
                  capabilities.assessBreaches ? 'Assess' : 'Open',
                ),
              ),
            );
          }),
        ),
      ),
    ),
  );
  focusOutcome(message);
}

/** A breach's facts, its 72-hour clock as of now. */
function breachFacts(breach: Breach): HTMLDListElement {
  const clock = breachClock(breach, new Date());
  return facts([
    ['What happened', breach.nature],
    ['Raised by', enumWords(breach.source)],
    ['Data affected', breach.categories.map(enumWords).join(', ')],
    ['People affected (about)', String(breach.approximateSubjects)],
    ['Discovered', dateTimeWords(breach.discoveredAt)],
    ['Regulator deadline', `${dateTimeWords(breach.regulatorDeadline)} (${clock.words})`],
    [
      'Reportable',
      breach.reportable === null || breach.reportable === undefined
        ? 'not yet assessed'
        : breach.reportable
          ? 'yes'
          : 'no',
    ],
    ['Containment', breach.containment ?? 'not recorded'],
  ]);
}

/** One breach; the IG lead records whether it is reportable and when the regulator was told. */
export async function breachScreen(
  main: HTMLElement,
  breachId: string,
  capabilities: Capabilities,
): Promise<void> {
  render(main, screenHeading('Breach'), h('p', {}, 'Loading…'));
  // The register is read until the entry is found: a link may name one older than the first page.
  const isThisBreach = (node: Breach) => node.id === breachId;
  const { nodes, errors, more } = await readBreaches(isThisBreach);
  const breach = nodes.find(isThisBreach);
  if (!breach) {
    const missing = more
      ? `No such entry among the newest ${nodes.length} of the register, which is as far as this screen reads.`
      : 'No such entry.';
    render(main, screenHeading('Breach'), errorNotice(errors) ?? notice(missing, 'error'));
    return;
  }
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const summary = breachFacts(breach);
  const children: (Node | null)[] = [screenHeading('Breach'), summary, outcome];
  if (capabilities.assessBreaches && !breach.regulatorNotifiedAt) {
    const notified = h('input', {
      type: 'datetime-local',
      id: 'notified-at',
      name: 'notifiedAt',
      'data-api-field': 'regulatorNotifiedAt',
    });
    const form = h(
      'form',
      { class: 'decision' },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Must it be reported to the regulator?'),
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'reportable', value: 'yes', required: true }),
          ' Yes',
        ),
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'radio', name: 'reportable', value: 'no' }),
          ' No',
        ),
      ),
      h(
        'label',
        { for: 'notified-at' },
        `When the regulator was told (${CONSOLE_TIME_ZONE_WORDS}; leave empty if not yet)`,
      ),
      notified,
      h('button', { type: 'submit' }, 'Record the assessment'),
    );
    onSubmit(form, async () => {
      const reportable = new FormData(form).get('reportable') === 'yes';
      const result = await execute(AssessBreachMutation, {
        breachId: breach.id,
        expectedVersion: breach.version,
        reportable,
        regulatorNotifiedAt: notified.value ? localInputInstant(notified.value) : null,
      });
      const assessed = result.data?.assessBreach;
      if (!assessed) {
        showRefusal(outcome, actionErrorNotice(result.errors));
        markRefusedInputs(form, result.errors);
        return;
      }
      form.remove();
      // The facts above say what the API now holds, not what the screen read before.
      summary.replaceWith(breachFacts({ ...breach, ...assessed }));
      const recorded = notice('Assessment recorded.', 'success');
      outcome.replaceChildren(recorded, h('p', {}, link('/registers/breaches', 'Back to the register')));
      focusOutcome(recorded);
    });
    children.push(form);
  }
  render(main, ...children.filter((child): child is Node => child !== null));
}
