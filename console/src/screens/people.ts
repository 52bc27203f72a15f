import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { type ApiError, execute } from '../api';
import { type ConnectionPage, mapInTurn, readConnection } from '../connection-pages';
import { ManagedServicePeopleQuery, ServicePeopleByReferenceQuery } from '../documents';
import { h, link, notice, render } from '../dom';
import {
  type Capabilities,
  fieldRefusalsOf,
  type ListedPerson,
  listedPersonWords,
  matchesReference,
  peopleToListByReference,
  personIdOf,
  referenceFilterOf,
  referenceFilterWords,
} from '../logic';
import { field, onSubmit } from './action-forms';
import {
  errorNotice,
  listOrError,
  readManagedServices,
  readServices,
  SERVICE_READS_AT_ONCE,
  screenHeading,
} from './shared';

/**
 * The pages (100 people each) of one service's people the screen reads at most: 2,000 people. With at most
 * `SERVICE_PAGES` pages of services (2,000 services), that bounds each list, by name or by case reference; a list cut
 * short by either bound says so.
 */
const SERVICE_PEOPLE_PAGES = 20;

interface Service {
  readonly id: string;
  readonly name: string;
}

/**
 * One service's people as read: each with the fields the API refused them (by person id), the list's own errors, and
 * whether it goes on.
 */
interface ServicePeople<TPerson extends ListedPerson = ListedPerson> {
  readonly service: Service;
  readonly people: readonly TPerson[];
  readonly refused: ReadonlyMap<string, ReadonlySet<string>>;
  readonly errors: readonly ApiError[];
  readonly more: boolean;
}

/** Who the manager's lists name: the services read for them, and their people. Listed once: not again by reference. */
interface ListedByName {
  readonly services: ReadonlySet<string>;
  readonly people: ReadonlySet<string>;
}

/** A document reading one service's people a page at a time, with the fields a role may read of each. */
type ServicePeopleDocument<TPerson extends ListedPerson> = DocumentTypeDecoration<
  { serviceUsers: ConnectionPage<TPerson> },
  { serviceId: string; after?: string | null }
>;

/**
 * People: the way to a person's screen (“Who looked at …”, where the IG lead records a subject access request, places a
 * legal hold or proposes an erasure, and a manager manages the case). A service's manager finds the people of each
 * service they manage listed, by name, case reference and case status (`serviceUsers(serviceId:)`). The IG lead and
 * the Caldicott Guardian see people by reference only and may not search by name (`searchServiceUsers` finds no one
 * for them, by design), so they find every service listed and, when they ask, a service's people by case reference
 * and case status, asked of the API without their names, with a filter by reference; someone who is both finds the
 * services they manage by name, and the rest by reference. Everyone with the person's screen may also open one by the id the API gives.
 */
export async function peopleScreen(
  main: HTMLElement,
  capabilities: Capabilities,
  viewerStaffId: string | undefined,
): Promise<void> {
  render(main, screenHeading('People'), h('p', {}, 'Loading…'));
  const lists = capabilities.servicePeople ? await managedServicesPeople(viewerStaffId) : undefined;
  const byReference = capabilities.peopleByReference
    ? await peopleByReference(lists?.listed ?? { services: new Set(), people: new Set() })
    : undefined;
  render(
    main,
    screenHeading('People'),
    h('p', {}, introWords(Boolean(lists), Boolean(byReference))),
    goToPersonCard(),
    lists?.notices ?? null,
    ...(lists ? lists.sections : []),
    ...(byReference ?? []),
  );
}

function introWords(byName: boolean, byReference: boolean): string {
  if (byName && byReference)
    return 'The people of the services you manage, by name, and every other service, whose people you can list by case reference. Open a person’s screen to see who looked at their record and to act on it, or go to a person by their id.';
  if (byName)
    return 'The people of the services you manage. Open a person’s screen to see who looked at their record and to manage their case, or go to a person by their id.';
  if (byReference)
    return 'Every service, whose people you can list by case reference: you see no one’s name. Open a person’s screen to see who looked at their record and to act on it, or go to a person by their id.';
  return 'Go to a person by their id.';
}

/**
 * The services the caller manages, each with its people; what stopped the services being read, if anything; and who
 * was listed, so that the list by reference leaves them out.
 */
async function managedServicesPeople(
  viewerStaffId: string | undefined,
): Promise<{ sections: HTMLElement[]; notices: HTMLElement | null; listed: ListedByName }> {
  const { nodes, errors, more } = await readManagedServices();
  const services = nodes
    .filter((service) => service.managers.some((manager) => manager.id === viewerStaffId))
    .map(({ id, name }) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const lists = await mapInTurn(services, SERVICE_READS_AT_ONCE, (service) =>
    servicePeople(service, ManagedServicePeopleQuery),
  );
  const notices = h(
    'div',
    {},
    errorNotice(errors),
    more
      ? notice(
          `Only the first ${nodes.length} services of the organisation were read: it has more, whose people are not shown here.`,
        )
      : null,
    services.length === 0 && errors.length === 0
      ? h('p', { class: 'empty' }, 'You manage no service, so no service’s people are listed here.')
      : null,
  );
  return {
    sections: lists.map((list, index) => peopleSection(list, index)),
    notices: notices.childElementCount > 0 ? notices : null,
    listed: {
      services: new Set(services.map(({ id }) => id)),
      people: new Set(lists.flatMap(({ people }) => people.map(({ id }) => id))),
    },
  };
}

/**
 * One service's people, every page (a page may hold fewer than asked, even none, and still have more after it), with
 * the fields `document` asks of each: a role's own. A field refused for one person is left out of their row and said
 * so; it stops neither the page nor the list.
 */
async function servicePeople<TPerson extends ListedPerson>(
  service: Service,
  document: ServicePeopleDocument<TPerson>,
): Promise<ServicePeople<TPerson>> {
  const refused = new Map<string, ReadonlySet<string>>();
  const { nodes, errors, more } = await readConnection(
    async (after) => {
      const { data, errors } = await execute(document, { serviceId: service.id, after });
      const page = data?.serviceUsers;
      const { refused: byEdge, failures } = fieldRefusalsOf(errors, 'serviceUsers');
      for (const [edge, fields] of byEdge) {
        const id = page?.edges[edge]?.node.id;
        if (id) refused.set(id, fields);
      }
      return { page, errors: failures };
    },
    { maxPages: SERVICE_PEOPLE_PAGES },
  );
  return { service, people: nodes, refused, errors, more };
}

/** A service's people as a table, by name: each one's name (or reference) opens their screen. */
function peopleSection(list: ServicePeople, index: number): HTMLElement {
  const titleId = `people-${index}-title`;
  const { people, refused } = list;
  const rows = people
    .map((person) => ({
      id: person.id,
      words: listedPersonWords(person, refused.get(person.id) ?? new Set()),
    }))
    .sort((a, b) => a.words.name.localeCompare(b.words.name))
    .map(({ id, words }) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, link(`/person/${encodeURIComponent(id)}`, words.name)),
        h('td', {}, words.reference),
        h('td', {}, words.caseStatus),
      ),
    );
  return h(
    'section',
    { class: 'card service-people', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, list.service.name),
    ...peopleTable(list, {
      refusedWords:
        'Some details of some people are not shown to you: where a name is not, their case reference is.',
      captionAfter: '',
      headings: ['Person', 'Case reference', 'Case'],
      rows,
    }),
  );
}

/**
 * A service's people read, as a table: the error met, what was refused, the table with its caption and headings, or
 * the words for none (never "none" when the read failed: `listOrError`).
 */
function peopleTable(
  { service, people, refused, errors, more }: ServicePeople,
  table: {
    readonly refusedWords: string;
    readonly captionAfter: string;
    readonly headings: readonly string[];
    readonly rows: readonly Node[];
  },
): Node[] {
  const anyRefused = people.some((person) => refused.has(person.id));
  const listed = listOrError(errors, people.length, `No person of ${service.name} is open to you.`, () =>
    h(
      'table',
      { class: 'service-people' },
      h(
        'caption',
        {},
        more
          ? `The first ${people.length} people of ${service.name} (it has more, not shown here)`
          : `${people.length} ${people.length === 1 ? 'person' : 'people'} of ${service.name}${table.captionAfter}`,
      ),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          table.headings.map((label) => h('th', { scope: 'col' }, label)),
        ),
      ),
      h('tbody', {}, ...table.rows),
    ),
  );
  return anyRefused ? [notice(table.refusedWords), ...listed] : listed;
}

/**
 * Every service by name, each with a “List its people” button, for the IG lead and the Caldicott Guardian, but for
 * those already listed by name; and a filter by reference. No one's people are read on arrival: each read of a person's
 * reference is recorded, and reading every service's people on each visit would raise the alert of many people outside
 * a caseload against the IG lead. A service's people are read when its button is pressed, by case reference and case
 * status (never their names, which the query does not ask for), at most 2,000 of them (`SERVICE_PEOPLE_PAGES` pages of
 * 100), of at most 2,000 services (`SERVICE_PAGES` pages of 100); the filter narrows what was listed, in the browser,
 * and a list cut short says so.
 */
async function peopleByReference(listedByName: ListedByName): Promise<HTMLElement[]> {
  const services = await readServices();
  const toList = services.nodes
    .filter(({ id }) => !listedByName.services.has(id))
    .map(({ id, name }) => ({ id, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  // Each person once on the screen: not again where the manager's lists name them, nor in a second service.
  const listed = new Set(listedByName.people);
  const cutShort = h('div', {});
  const showCutShort = (servicesMore: boolean, peopleMore: boolean) =>
    cutShort.replaceChildren(
      ...(servicesMore || peopleMore
        ? [
            notice(
              `The list was cut short: ${
                servicesMore
                  ? `only the first ${services.nodes.length} services of the organisation were read, and their people can be listed`
                  : 'some services have more people than were read'
              }. A case reference the filter does not find may still be someone’s: go to them by their id.`,
            ),
          ]
        : []),
    );
  showCutShort(services.more, false);
  const filter = referenceFilter();
  const sections = toList.map((service, index) =>
    referenceSection(
      service,
      index,
      async () => {
        const list = await servicePeople(service, ServicePeopleByReferenceQuery);
        const people = peopleToListByReference(list.people, listed);
        for (const { id } of people) listed.add(id);
        if (list.more) showCutShort(services.more, true);
        return { ...list, people };
      },
      filter,
    ),
  );
  const notices = [
    errorNotice(services.errors),
    cutShort,
    toList.length === 0 && services.errors.length === 0 && listedByName.services.size === 0
      ? h('p', { class: 'empty' }, 'The organisation has no service, so no one is listed here.')
      : null,
  ];
  return [...notices.filter((each) => each !== null), filter.card, ...sections];
}

/** A row of the list by case reference, with what the filter compares and the section it is in. */
interface ReferenceRow {
  readonly row: HTMLTableRowElement;
  readonly reference: string | null | undefined;
  readonly section: HTMLElement;
}

/** The filter by case reference, and how a service's section adds the rows it has listed to what it filters. */
interface ReferenceFilter {
  readonly card: HTMLElement;
  readonly add: (rows: readonly ReferenceRow[]) => void;
}

/**
 * A service's section of the list by case reference: its name and a “List its people” button, which reads its people
 * (`read`) and shows them as a table, by case reference: each one's reference opens their screen.
 */
function referenceSection(
  service: Service,
  index: number,
  read: () => Promise<ServicePeople>,
  filter: ReferenceFilter,
): HTMLElement {
  const titleId = `people-by-reference-${index}-title`;
  const section = h('section', { class: 'card service-people', 'aria-labelledby': titleId });
  const button = h(
    'button',
    { type: 'button', class: 'secondary', 'aria-describedby': titleId },
    'List its people',
  );
  const body = h('div', { 'aria-live': 'polite' }, button);
  button.addEventListener('click', async () => {
    button.disabled = true;
    body.setAttribute('aria-busy', 'true');
    const list = await read();
    const rows = referenceRows(list, section);
    body.removeAttribute('aria-busy');
    body.replaceChildren(...referenceTable(list, rows));
    filter.add(rows);
  });
  section.append(h('h2', { id: titleId }, service.name), body);
  return section;
}

/** The rows of a service's people as listed by case reference. */
function referenceRows({ people, refused }: ServicePeople, section: HTMLElement): ReferenceRow[] {
  return people.map((person) => {
    const words = listedPersonWords(person, refused.get(person.id) ?? new Set());
    const row = h(
      'tr',
      {},
      h('th', { scope: 'row' }, link(`/person/${encodeURIComponent(person.id)}`, words.name)),
      h('td', {}, words.caseStatus),
    );
    return { row, reference: person.reference, section };
  });
}

/** A service's people, read, as a table by case reference, with the errors met and what was refused. */
function referenceTable(list: ServicePeople, rows: readonly ReferenceRow[]): Node[] {
  return peopleTable(list, {
    refusedWords: 'Some details of some people are not shown to you.',
    captionAfter: ', by case reference',
    headings: ['Case reference', 'Case'],
    rows: rows.map(({ row }) => row),
  });
}

/**
 * The filter by case reference: as it is typed, the listed rows whose reference does not hold it are hidden, and a
 * listed service none of whose rows is shown (a service not listed yet stays, with its button); how many are shown is
 * said in a polite live region. Rows listed later are filtered as they come.
 */
function referenceFilter(): ReferenceFilter {
  const rows: ReferenceRow[] = [];
  const listedSections = new Set<HTMLElement>();
  const input = h('input', {
    type: 'search',
    size: 30,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
  });
  const status = h('p', { role: 'status', 'aria-live': 'polite' }, referenceFilterWords(0, 0, ''));
  const apply = () => {
    let shown = 0;
    const shownSections = new Set<HTMLElement>();
    for (const { row, reference, section } of rows) {
      const match = matchesReference(reference, input.value);
      row.hidden = !match;
      if (match) {
        shown += 1;
        shownSections.add(section);
      }
    }
    const filtering = referenceFilterOf(input.value) !== '';
    for (const section of listedSections) section.hidden = filtering && !shownSections.has(section);
    status.textContent = referenceFilterWords(shown, rows.length, input.value);
  };
  input.addEventListener('input', apply);
  const card = h(
    'section',
    { class: 'card people-by-reference', 'aria-labelledby': 'people-by-reference-title' },
    h('h2', { id: 'people-by-reference-title' }, 'Find a person by case reference'),
    field(
      'people-reference-filter',
      'Filter by case reference',
      input,
      'The people listed below whose case reference holds what you type (all of it, or a part such as its end). A service’s people are listed when you press its “List its people”.',
    ),
    status,
  );
  return {
    card,
    add: (added) => {
      rows.push(...added);
      for (const { section } of added) listedSections.add(section);
      apply();
    },
  };
}

/**
 * Go to a person by the id the API gives (or the address of their screen, pasted): its shape is checked here, and a
 * text that cannot be one (a case reference, a name) is refused in words rather than sent. Whether the caller may see
 * the person is the API's to decide, on their screen.
 */
function goToPersonCard(): HTMLElement {
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const input = h('input', {
    type: 'text',
    size: 60,
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
  });
  const form = h(
    'form',
    { class: 'decision', novalidate: true },
    field(
      'person-id',
      'Person’s id',
      input,
      'Their id as the API gives it, or the address of their screen (it ends “#/person/” and their id).',
    ),
    h('button', { type: 'submit' }, 'Open their screen'),
  );
  onSubmit(form, async () => {
    const reading = personIdOf(input.value);
    if ('problem' in reading) {
      input.setAttribute('aria-invalid', 'true');
      outcome.replaceChildren(notice(reading.problem, 'error'));
      return;
    }
    input.removeAttribute('aria-invalid');
    outcome.replaceChildren();
    location.hash = `#/person/${encodeURIComponent(reading.id)}`;
  });
  return h(
    'section',
    { class: 'card go-to-person', 'aria-labelledby': 'go-to-person-title' },
    h('h2', { id: 'go-to-person-title' }, 'Go to a person'),
    outcome,
    form,
  );
}
