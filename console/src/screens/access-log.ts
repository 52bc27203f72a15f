import { execute } from '../api';
import { PersonAccessLogQuery, StaffAccessQuery } from '../documents';
import { h, notice, render } from '../dom';
import { accessSentence, dateTimeWords, relationshipWords } from '../logic';
import { errorNotice, personLabel, screenHeading } from './shared';

interface LoggedAccess {
  readonly id: string;
  readonly at: string;
  readonly action: string;
  readonly outcome: string;
  readonly classifications: readonly string[];
  readonly purpose?: string | null;
  readonly relationship?: string | null;
  readonly emergency: boolean;
  readonly actor: { displayName?: string | null; roles: readonly string[] };
}

type Filter = 'all' | 'emergency' | 'investigation' | 'refused';

const FILTERS: [Filter, string][] = [
  ['all', 'Every access'],
  ['emergency', 'Emergency (break-glass) only'],
  ['investigation', 'Investigation only'],
  ['refused', 'Refusals only'],
];

const matches = (event: LoggedAccess, filter: Filter) =>
  filter === 'all' ||
  (filter === 'emergency' && event.emergency) ||
  (filter === 'investigation' && event.relationship === 'INVESTIGATION') ||
  (filter === 'refused' && (event.action === 'DENIED' || event.outcome !== 'ALLOWED'));

/** An access log as a filterable list of sentences, emergency and investigation reads marked. */
function accessList(events: readonly LoggedAccess[]): HTMLElement {
  const list = h('ol', { class: 'access-log' });
  const select = h(
    'select',
    { id: 'access-filter' },
    FILTERS.map(([value, words]) => h('option', { value }, words)),
  );
  const count = h('p', { class: 'count-line', role: 'status' });
  const show = () => {
    const filter = select.value as Filter;
    const shown = events.filter((event) => matches(event, filter));
    count.textContent = `${shown.length} of ${events.length} accesses`;
    list.replaceChildren(
      ...shown.map((event) => {
        const marks = [
          event.emergency ? h('span', { class: 'tag tag-emergency' }, 'Emergency') : null,
          event.relationship === 'INVESTIGATION'
            ? h('span', { class: 'tag tag-investigation' }, 'Investigation')
            : null,
        ];
        return h(
          'li',
          { class: `access${event.emergency ? ' emergency' : ''}` },
          h(
            'p',
            { class: 'access-sentence' },
            ...marks,
            accessSentence({ ...event, actorName: event.actor.displayName, actorRoles: event.actor.roles }),
          ),
          h(
            'p',
            { class: 'access-detail' },
            h('time', { datetime: event.at }, dateTimeWords(event.at)),
            event.relationship ? ` · as ${relationshipWords(event.relationship)}` : '',
            event.purpose ? ` · reason given: “${event.purpose}”` : '',
          ),
        );
      }),
    );
  };
  select.addEventListener('change', show);
  show();
  return h(
    'div',
    {},
    h('div', { class: 'filter' }, h('label', { for: 'access-filter' }, 'Show'), select),
    count,
    list,
  );
}

/** “Who looked at this person”: every audited access to one person's record, newest first, in plain words. */
export async function personAccessScreen(main: HTMLElement, serviceUserId: string): Promise<void> {
  const title = `Who looked at ${personLabel(serviceUserId)}`;
  render(main, screenHeading(title), h('p', {}, 'Loading…'));
  const { data, errors } = await execute(PersonAccessLogQuery, { serviceUserId });
  const events = (data?.accessLog.edges ?? []).map(({ node }) => node);
  render(
    main,
    screenHeading(title),
    errorNotice(errors),
    data ? accessList(events) : notice('The access log could not be read.', 'error'),
  );
}

/** What one staff member accessed (the evidence behind an access alert). */
export async function staffAccessScreen(main: HTMLElement, staffId: string): Promise<void> {
  render(main, screenHeading('What this staff member accessed'), h('p', {}, 'Loading…'));
  const { data, errors } = await execute(StaffAccessQuery, { staffId });
  const events = (data?.staffAccessReport.edges ?? []).map(({ node }) => node);
  const name = events[0]?.actor.displayName;
  render(
    main,
    screenHeading(name ? `What ${name} accessed` : 'What this staff member accessed'),
    errorNotice(errors),
    data ? accessList(events) : notice('The report could not be read.', 'error'),
  );
}
